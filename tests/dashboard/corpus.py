"""A small hand-written warehouse for the read-API and dashboard tests (no shared data)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from dashboard.auth import hash_password
from nlp.taxonomy import load_taxonomy
from warehouse.db import open_writer
from warehouse.records import Document
from warehouse.users import add_user
from warehouse.write import (
    refresh_hourly_aggregates,
    replace_topic_spikes,
    upsert_sources,
    upsert_topics,
    write_annotations,
    write_documents,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Historical on purpose: the dashboard must base "now" on the newest document, not the wall clock.
NEWEST = datetime(2025, 3, 15, 10, 0, tzinfo=TZ)


@dataclass(frozen=True)
class Item:
    """One corpus row: where, how long before NEWEST, its annotation and its headline."""

    source: str
    hours_before: int
    topic: str | None
    sentiment: str | None
    title: str

    @property
    def published_at(self) -> datetime:
        """Publication time."""
        return NEWEST - timedelta(hours=self.hours_before)

    @property
    def url(self) -> str:
        """A stable made-up URL."""
        return f"https://{self.source}.example.vn/bai-{zlib.crc32(self.title.encode())}.html"


SOURCES = [
    ("vnexpress", "press", "rss", "https://vnexpress.example.vn/rss"),
    ("tuoitre", "press", "rss", "https://tuoitre.example.vn/rss"),
    ("thanhnien", "press", "rss", "https://thanhnien.example.vn/rss"),
    ("dan-sinh-fb", "social", "facebook", "https://facebook.example.vn/dansinh"),
]
SOCIAL = {"dan-sinh-fb"}

ITEMS: list[Item] = [
    # giao-thong: a burst in the last 24 hours (7) over a quiet week (4), and one old item.
    Item("vnexpress", 0, "giao-thong", "negative", "Cao tốc Bắc – Nam đoạn qua Nghệ An ùn tắc kéo dài"),
    Item("tuoitre", 1, "giao-thong", "negative", "Ùn tắc nghiêm trọng tại cửa ngõ phía Đông TP.HCM"),
    Item("thanhnien", 2, "giao-thong", "negative", "Tai nạn liên hoàn trên quốc lộ 1A, ba người bị thương"),
    Item("dan-sinh-fb", 2, "giao-thong", "negative", "Người dân phản ánh trạm thu phí BOT thu sai quy định"),
    Item("vnexpress", 5, "giao-thong", "neutral", "Hà Nội thí điểm thu phí vào nội đô từ năm sau"),
    Item("tuoitre", 9, "giao-thong", "negative", "Mức phạt mới với vi phạm nồng độ cồn gây tranh cãi"),
    Item("thanhnien", 20, "giao-thong", "positive", "Sân bay Long Thành hoàn thành nhà ga hành khách"),
    Item("vnexpress", 75, "giao-thong", "positive", "TP.HCM khởi công tuyến metro số 2"),
    Item("tuoitre", 130, "giao-thong", "neutral", "Bộ Xây dựng đề xuất mở rộng đường vành đai 4"),
    Item("thanhnien", 170, "giao-thong", "positive", "Quốc hội thông qua chủ trương đường sắt tốc độ cao"),
    Item("vnexpress", 200, "giao-thong", "positive", "Xe buýt điện bắt đầu chạy tuyến mới ở Đà Nẵng"),
    Item("tuoitre", 45 * 24, "giao-thong", "neutral", "Hội nghị tổng kết ngành giao thông năm cũ"),
    # y-te
    Item("vnexpress", 30, "y-te", "negative", "Bệnh viện Bạch Mai quá tải dịp cuối tuần"),
    Item("tuoitre", 52, "y-te", "positive", "Bộ Y tế cấp phép thêm hai loại vắc xin"),
    Item("dan-sinh-fb", 60, "y-te", "negative", "Giá thuốc tăng, bệnh nhân bảo hiểm y tế gặp khó"),
    Item("thanhnien", 98, "y-te", "positive", "Hà Nội ghi nhận số ca sốt xuất huyết giảm"),
    Item("vnexpress", 150, "y-te", "negative", "Thiếu nhân lực y tế tuyến cơ sở"),
    Item("tuoitre", 230, "y-te", "neutral", "Khám chữa bệnh từ xa được mở rộng đến vùng núi"),
    Item("thanhnien", 50 * 24, "y-te", "positive", "Ngành y tế triển khai chiến dịch tiêm chủng mùa đông"),
    # giao-duc
    Item("thanhnien", 26, "giao-duc", "neutral", "Bộ Giáo dục công bố phương án thi tốt nghiệp 2025"),
    Item("dan-sinh-fb", 40, "giao-duc", "negative", "Phụ huynh lo lắng chuyện lạm thu đầu năm học"),
    Item("vnexpress", 110, "giao-duc", "positive", "Học sinh Việt Nam giành huy chương vàng Olympic Toán"),
    Item("tuoitre", 180, "giao-duc", "positive", "Tăng lương cho giáo viên mầm non từ tháng 7"),
    Item("thanhnien", 260, "giao-duc", "negative", "Sách giáo khoa mới thiếu ở nhiều địa phương"),
    # kinh-te
    Item("vnexpress", 28, "kinh-te", "neutral", "Giá vàng miếng lập đỉnh mới"),
    Item("tuoitre", 64, "kinh-te", "positive", "Xuất khẩu nông sản quý I tăng mạnh"),
    Item("thanhnien", 120, "kinh-te", "neutral", "Ngân hàng Nhà nước giữ nguyên lãi suất điều hành"),
    Item("vnexpress", 190, "kinh-te", "negative", "Giá xăng dầu tăng lần thứ ba liên tiếp"),
    Item("dan-sinh-fb", 240, "kinh-te", "negative", "Doanh nghiệp nhỏ khó tiếp cận vốn vay"),
    # dat-dai-xay-dung
    Item("tuoitre", 36, "dat-dai-xay-dung", "negative", "Giá chung cư Hà Nội tiếp tục tăng"),
    Item("thanhnien", 140, "dat-dai-xay-dung", "neutral", "Luật Đất đai sửa đổi có hiệu lực sớm"),
    Item("vnexpress", 210, "dat-dai-xay-dung", "positive", "Bình Dương bàn giao dự án nhà ở xã hội đầu tiên"),
    # not annotated yet
    Item("tuoitre", 48, None, None, "Thời tiết Hà Nội chuyển lạnh đột ngột"),
]

SPIKE_TOPIC = "giao-thong"
SPIKE_HOUR = NEWEST - timedelta(hours=2)


def recent(days: int = 30) -> list[Item]:
    """Items published within the dashboard's default window (the last `days` days of data)."""
    first_day = (NEWEST - timedelta(days=days - 1)).date()
    return [i for i in ITEMS if i.published_at.date() >= first_day]


def documents() -> list[Document]:
    """The corpus as warehouse records."""
    return [
        Document(
            url=i.url,
            source=i.source,
            kind="social" if i.source in SOCIAL else "press",
            title=i.title,
            text=f"{i.title}. Bài viết phản ánh ý kiến của người dân và cơ quan chức năng.",
            published_at=i.published_at,
        )
        for i in ITEMS
    ]


def annotation_frame(docs: list[Document]) -> pd.DataFrame:
    """Annotations of the annotated items, in the write API's shape."""
    rows = [
        {
            "document_id": d.id, "model_version": "test-1", "sentiment": i.sentiment,
            "sentiment_score": 0.9, "toxicity": "clean", "toxicity_score": 0.05, "topic": i.topic,
            "topics": [i.topic], "topic_scores": [0.8], "tokens": len(i.title.split()),
        }
        for d, i in zip(docs, ITEMS, strict=True)
        if i.topic is not None
    ]
    return pd.DataFrame(rows)


def spikes() -> pd.DataFrame:
    """One alert on the burst hour, and one scored but quiet hour of another topic."""
    return pd.DataFrame(
        [
            {"hour": SPIKE_HOUR, "topic": SPIKE_TOPIC, "n_documents": 2, "expected": 0.2, "score": 4.5,
             "alert": True},
            {"hour": NEWEST - timedelta(hours=30), "topic": "y-te", "n_documents": 1, "expected": 0.4,
             "score": 1.1, "alert": False},
        ]
    )


# Accounts of the corpus warehouse, one per role, all with this password.
PASSWORD = "mat-khau-thu-nghiem"
USERS = {"quantri": "admin", "phantich": "analyst", "xem": "viewer"}
NARRATIVE = "n-giao-thong"
RELATED = "n-y-te"
LEGAL_REF = "nd-168-2024-nd-cp"
ALERT_KEY = "key-1"
MERGED = "n-cu"  # an older narrative merged into NARRATIVE


def narrative_items() -> dict[str, list[int]]:
    """Narrative id -> indexes into ITEMS of its members (traffic of the last day; health)."""
    return {
        NARRATIVE: [i for i, it in enumerate(ITEMS) if it.topic == SPIKE_TOPIC and it.hours_before < 24],
        RELATED: [i for i, it in enumerate(ITEMS) if it.topic == "y-te" and it.hours_before < 24 * 10],
    }


def _narratives(con: duckdb.DuckDBPyConnection, docs: list[Document]) -> None:
    """Two narratives sharing a place, the first citing a decree, with their members."""
    details = {
        NARRATIVE: ("Ùn tắc và thu phí giao thông", ["ùn tắc", "thu phí", "cao tốc"], ["nghe-an", "ho-chi-minh"],
                    [LEGAL_REF], SPIKE_TOPIC),
        RELATED: ("Quá tải bệnh viện", ["quá tải", "bệnh viện"], ["ha-noi", "ho-chi-minh"], [], "y-te"),
    }
    for nid, members in narrative_items().items():
        label, terms, places, refs, topic = details[nid]
        items = [ITEMS[i] for i in members]
        times = [i.published_at for i in items]
        con.execute(
            "INSERT INTO narratives (id, label, key_terms, first_seen, last_seen, n_documents, n_duplicates, sources, "
            "kinds, n_negative, n_neutral, n_positive, topics, places, legal_refs) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
            [nid, label, terms, min(times), max(times), len(items), sorted({i.source for i in items}),
             sorted({"social" if i.source in SOCIAL else "press" for i in items}),
             sum(i.sentiment == "negative" for i in items), sum(i.sentiment == "neutral" for i in items),
             sum(i.sentiment == "positive" for i in items), [topic], places, refs],
        )
        for rank, i in enumerate(members):
            con.execute(
                "INSERT INTO narrative_members (document_id, narrative_id, similarity, places, legal_refs, key_terms) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [docs[i].id, nid, 1.0 - rank / 100, places[: 1 + rank % 2], refs, terms[: 1 + rank % 3]],
            )
    con.execute("INSERT INTO narrative_merges (narrative_id, merged_into, similarity) VALUES (?, ?, 0.9)",
                [MERGED, NARRATIVE])
    for hour in range(1, 25):  # the stored 24 h forecast of `radar process`
        con.execute("INSERT INTO narrative_forecasts VALUES (?, ?, ?, ?, ?, ?)",
                    [NARRATIVE, NEWEST, NEWEST + timedelta(hours=hour), 0.5, 0, 2])


def _alerts(con: duckdb.DuckDBPyConnection) -> None:
    """A ministry in the directory, one subscription, one sent alert with feedback."""
    con.execute("INSERT INTO alert_units (id, name, level, topics, places, spokesperson, channels) VALUES "
                "('bo-xay-dung', 'Bộ Xây dựng', 'ministry', ['giao-thong'], [], 'Ông Nguyễn Văn A', "
                "['json://localhost/hook'])")
    con.execute("INSERT INTO alert_subscriptions (id, who, what, target, sensitivity, channels, mode, cooldown_hours) "
                "VALUES ('sub-1', 'Phòng báo chí', 'topic', 'giao-thong', 0.5, ['json://localhost/hook'], "
                "'immediate', 12)")
    con.execute("INSERT INTO alert_events (id, kind, target, event_at, score, title, body, narrative_id) VALUES "
                "('ev-1', 'narrative', ?, ?, 0.8, 'Ùn tắc nổi lên', 'Chi tiết', ?)", [NARRATIVE, NEWEST, NARRATIVE])
    con.execute("INSERT INTO alert_outbox (key, event_id, subscription_id, channel, subject, body, status, sent_at) "
                "VALUES (?, 'ev-1', 'sub-1', 'json://localhost/hook', 'Cảnh báo: ùn tắc giao thông', 'Chi tiết', "
                "'sent', ?)", [ALERT_KEY, NEWEST])


def _users(con: duckdb.DuckDBPyConnection) -> None:
    hashed = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
    for username, role in USERS.items():
        add_user(con, username, username.title(), hashed, role)


def build_warehouse(path: Path) -> Path:
    """Write the whole corpus, annotations, aggregates, spikes, sources and topic names to `path`."""
    docs = documents()
    with open_writer(path) as con:
        upsert_sources(
            con,
            pd.DataFrame(
                [{"name": n, "kind": k, "connector": c, "url": u, "status": "active", "config": None}
                 for n, k, c, u in SOURCES]
            ),
        )
        upsert_topics(
            con, pd.DataFrame([{"slug": t.slug, "name_vi": t.vi, "name_en": t.en} for t in load_taxonomy()])
        )
        write_documents(con, docs)
        write_annotations(con, annotation_frame(docs))
        refresh_hourly_aggregates(con)
        replace_topic_spikes(con, spikes())
        _narratives(con, docs)
        _alerts(con)
        _users(con)
    return path
