"""The dashboard as `radar dashboard` serves it: a real `streamlit run` process, driven like a browser."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.typing import Subprotocol

from tests.dashboard.conftest import APP
from tests.dashboard.serving import free_port, serving

pytestmark = pytest.mark.slow

# url_path of pages ("" is the default page): a session that has not signed in gets the login form on each.
PAGES = ("", "hotspots", "topic", "search", "sources", "alerts", "sql", "users")


@pytest.fixture(scope="module")
def server(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A headless `streamlit run` of the dashboard on the corpus warehouse; yields its port."""
    port = free_port()
    log = tmp_path_factory.mktemp("served") / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with serving(command, f"http://127.0.0.1:{port}", log, env={**os.environ, "RADAR_DB": str(corpus_db)}):
        yield port


async def render(port: int, page: str) -> tuple[list[str], list[str]]:
    """Run one page as a browser session would; return its headings and exception messages."""
    headings: list[str] = []
    exceptions: list[str] = []
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=[Subprotocol("streamlit")],
                                  max_size=2**26) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "heading":
                    headings.append(element.heading.body)
                elif element.WhichOneof("type") == "exception":
                    exceptions.append(element.exception.message)
            elif kind == "script_finished":
                return headings, exceptions


@pytest.mark.parametrize("page", PAGES)
def test_served_pages_ask_for_the_login_first(server: int, page: str) -> None:
    # The signed-in pages are driven in a real browser by tests/e2e.
    headings, exceptions = asyncio.run(render(server, page))
    assert not exceptions
    assert headings == ["Radar Truyền thông Chính sách", "Đăng nhập"]
