"""Alert delivery end to end with real peers on 127.0.0.1: an aiosmtpd SMTP server and an HTTP webhook receiver."""

from __future__ import annotations

import email
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pipelines.alerts.model import Subscription, Unit
from pipelines.alerts.run import run_alerts
from pipelines.alerts.sender import RetryPolicy, send_due
from pipelines.alerts.store import add_subscription, add_unit, record_feedback
from pipelines.narratives.step import update_narratives
from tests.pipelines.test_narratives import FEES, FLOOD, FLOOD_COPY, FLOOD_FOLLOW, T0, _store
from warehouse.db import open_reader

NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 11:00 in Vietnam: no quiet hours in play
FAST = RetryPolicy(base=timedelta(seconds=30))
POSTS = [
    ("Nước lũ sông Trà Khúc ngập sâu nhà dân Quảng Ngãi, cần cứu hộ gấp",
     "Nhà dân ở Quảng Ngãi ngập sâu trong nước lũ sông Trà Khúc, nhiều gia đình cần sơ tán và cứu hộ gấp."),
    ("Quảng Ngãi: lũ sông Trà Khúc dâng cao, người dân sơ tán trong đêm",
     "Lũ sông Trà Khúc dâng cao, hàng nghìn nhà dân Quảng Ngãi ngập sâu, chính quyền sơ tán người dân trong đêm."),
]
# Unrelated news of the same days, so that term weights are those of a news stream, not of one story.
BACKGROUND = [
    ("Giá vàng trong nước tăng nhẹ phiên đầu tuần", "Giá vàng miếng trong nước tăng nhẹ theo giá thế giới."),
    ("Đội tuyển bóng đá Việt Nam tập trung chuẩn bị vòng loại", "Huấn luyện viên triệu tập 28 cầu thủ."),
    ("Hà Nội khởi công tuyến đường vành đai mới", "Tuyến đường dài 12 km dự kiến hoàn thành sau hai năm."),
    ("Xuất khẩu cà phê đạt kỷ lục trong quý đầu năm", "Giá cà phê cao giúp kim ngạch xuất khẩu tăng mạnh."),
    ("Triển lãm tranh sơn mài mở cửa tại Huế", "Hơn 60 tác phẩm của các họa sĩ trẻ được giới thiệu."),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """An SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[email.message.Message] = []
        self.arrived: list[float] = []  # time.monotonic() of each message's arrival
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        self.arrived.append(time.monotonic())
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=radar@example.org&to=desk@example.org"

    def keys(self) -> list[str]:
        return [str(m["X-Radar-Alert-Key"]) for m in self.messages]


class Webhook:
    """An HTTP receiver that records every POST and applies each Idempotency-Key once, as a careful receiver does."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.applied: dict[str, dict[str, Any]] = {}
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key", "")
                hook.posts.append((key, body))
                hook.applied.setdefault(key, body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture()
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture()
def story(db_path: Path) -> Path:
    """A warehouse holding a growing negative flood story in Quảng Ngãi (press and social) and a calm one."""
    _store(db_path, [("baoa", *FLOOD, "press", T0, "negative"), ("baob", *FEES, "press", T0, "neutral"),
                     ("mxh", *FLOOD_FOLLOW, "social", T0 + timedelta(hours=2), "negative"),
                     ("baoc", *FLOOD_COPY, "press", T0 + timedelta(hours=1), "negative"),
                     ("fb", *POSTS[0], "social", T0 + timedelta(hours=3), "negative"),
                     ("zalo", *POSTS[1], "social", T0 + timedelta(hours=4), "negative")]
           + [(f"tin{i}", *doc, "press", T0 - timedelta(hours=30 + i), "neutral") for i, doc in enumerate(BACKGROUND)])
    update_narratives(db_path)
    return db_path


def _statuses(db: Path) -> list[tuple[str, str]]:
    with open_reader(db) as con:
        return con.execute("SELECT subscription_id, status FROM alert_outbox ORDER BY subscription_id").fetchall()


def test_alerts_arrive_once_by_email_and_webhook_and_route_to_the_province(
        story: Path, mailbox: Mailbox, webhook: Webhook) -> None:
    add_subscription(story, Subscription(id="desk", who="Ban biên tập", what="emerging_negative", target=None,
                                         channels=(mailbox.url,), sensitivity=0.3))
    add_subscription(story, Subscription(id="edu", who="Bàn giáo dục", what="keyword", target="học phí",
                                         channels=(webhook.url("edu"),)))
    add_unit(story, Unit(id="quang-ngai", name="UBND tỉnh Quảng Ngãi", level="province",
                         channels=(webhook.url("quang-ngai"),), places=("quang-ngai",), spokesperson="Người phát ngôn"))
    first = run_alerts(story, now=NOW, policy=FAST)
    assert (first.queued, first.sent.sent, first.sent.failed) == (2, 2, 0)
    assert len(mailbox.messages) == 1
    assert "Quảng Ngãi" in str(email.header.make_header(email.header.decode_header(mailbox.messages[0]["Subject"])))
    assert len(webhook.posts) == 1 and webhook.posts[0][0]  # the unit's; the fees story is not emerging
    assert "Quảng Ngãi" in webhook.posts[0][1]["title"]
    again = run_alerts(story, now=NOW + timedelta(minutes=10), policy=FAST)
    assert (again.queued, again.sent.sent) == (0, 0)
    assert len(mailbox.messages) == 1 and len(webhook.posts) == 1
    assert _statuses(story) == [("desk", "sent"), ("unit:quang-ngai", "sent")]
    sub, sensitivity = record_feedback(story, mailbox.keys()[0], useful=False)
    assert (sub, sensitivity) == ("desk", pytest.approx(0.35))
    with open_reader(story) as con:
        actions = [r[0] for r in con.execute("SELECT action FROM alert_audit").fetchall()]
    assert actions.count("sent") == 2 and "feedback" in actions


def test_an_alert_reaches_the_smtp_peer_within_60_s_of_its_detection(story: Path, mailbox: Mailbox) -> None:
    # `radar run` detects (spikes, emerging narratives) and sends in one pass: the clock starts when the
    # detection pass starts and stops when the real SMTP server has the message.
    add_subscription(story, Subscription(id="desk", who="Ban biên tập", what="emerging_negative", target=None,
                                         channels=(mailbox.url,), sensitivity=0.3))
    started = time.monotonic()
    report = run_alerts(story, now=NOW, policy=FAST)
    assert report.sent.sent == 1 and len(mailbox.arrived) == 1
    latency = mailbox.arrived[0] - started
    print(f"detection -> alert received by SMTP: {latency:.2f} s")
    assert 0 < latency <= 60.0


def test_an_smtp_outage_delays_but_neither_loses_nor_duplicates(story: Path, mailbox: Mailbox) -> None:
    add_subscription(story, Subscription(id="desk", who="Ban biên tập", what="emerging_negative", target=None,
                                         channels=(mailbox.url,), sensitivity=0.3))
    mailbox.stop()
    down = run_alerts(story, now=NOW, policy=FAST)
    assert (down.queued, down.sent.sent, down.sent.retried) == (1, 0, 1)
    early = run_alerts(story, now=NOW + timedelta(seconds=10), policy=FAST)
    assert (early.sent.sent, early.sent.retried) == (0, 0)  # backing off: not due yet
    mailbox.start()
    back = run_alerts(story, now=NOW + timedelta(minutes=1), policy=FAST)
    assert (back.queued, back.sent.sent) == (0, 1)
    run_alerts(story, now=NOW + timedelta(minutes=2), policy=FAST)
    assert len(mailbox.messages) == 1
    assert _statuses(story) == [("desk", "sent")]


CHILD = """
import os, signal, sys
from datetime import datetime
from pathlib import Path
from pipelines.alerts.channels import apprise_notify
from pipelines.alerts.sender import send_due

def send_then_die(url, subject, body, headers):
    ok = apprise_notify(url, subject, body, headers)
    os.kill(os.getpid(), signal.SIGKILL)  # after the channel accepted, before the commit
    return ok

send_due(Path(sys.argv[1]), now=datetime.fromisoformat(sys.argv[2]), notify=send_then_die)
"""


def test_kill_between_send_and_commit_loses_nothing_and_a_repeat_carries_the_same_key(
        story: Path, mailbox: Mailbox, webhook: Webhook) -> None:
    add_subscription(story, Subscription(id="desk", who="Ban biên tập", what="emerging_negative", target=None,
                                         channels=(mailbox.url, webhook.url("desk")), sensitivity=0.3))
    queued = run_alerts(story, now=NOW, detect=True, policy=FAST, notify=lambda *a: False)
    assert queued.queued == 2
    child = subprocess.run([sys.executable, "-c", CHILD, str(story), (NOW + timedelta(hours=1)).isoformat()],
                           capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": "."})
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert len(webhook.posts) + len(mailbox.messages) == 1  # one channel accepted, then the process died
    assert sorted(s for _, s in _statuses(story)) == ["pending", "sending"]
    report = send_due(story, now=NOW + timedelta(hours=2), policy=FAST)
    assert (report.sent, report.resent, report.failed) == (2, 1, 0)
    # Nothing lost: both channels have the alert. The interrupted one came twice with the same key:
    # the webhook receiver applied it once; a mail reader can see the repeat by its X-Radar-Alert-Key.
    assert len(set(mailbox.keys())) == 1 and len(mailbox.messages) in (1, 2)
    assert len(webhook.applied) == 1 and len(webhook.posts) in (1, 2)
    assert len(mailbox.messages) + len(webhook.posts) == 3
    assert _statuses(story) == [("desk", "sent"), ("desk", "sent")]
    assert send_due(story, now=NOW + timedelta(hours=3), policy=FAST).sent == 0
    assert len(mailbox.messages) + len(webhook.posts) == 3
