"""The dashboard's labels in Vietnamese (default) and English, and the current language."""

from __future__ import annotations

from typing import Any

LANGS = ("vi", "en")
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANG = "vi"
LANG_KEY = "lang"
# The same in both languages: a label that changed with the choice would make Streamlit see a new widget.
LANG_LABEL = "Ngôn ngữ / Language"

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Radar Truyền thông Chính sách", "en": "Policy Radar"},
    "nav_overview": {"vi": "Tổng quan", "en": "Overview"},
    "nav_topic": {"vi": "Chủ đề", "en": "Topics"},
    "nav_search": {"vi": "Tìm kiếm", "en": "Search"},
    "nav_sources": {"vi": "Nguồn", "en": "Sources"},
    "nav_sql": {"vi": "Truy vấn SQL", "en": "SQL console"},
    "no_warehouse": {
        "vi": "Chưa có kho dữ liệu tại `{path}`. Hãy chạy `radar ingest FILE.jsonl` hoặc `radar demo` trước. "
        "(No warehouse yet: run `radar ingest` or `radar demo` first.)",
        "en": "No warehouse at `{path}` yet. Run `radar ingest FILE.jsonl` or `radar demo` first. "
        "(Chưa có kho dữ liệu: hãy chạy `radar ingest` hoặc `radar demo`.)",
    },
    "empty_warehouse": {
        "vi": "Kho dữ liệu `{path}` chưa có bài viết nào. "
        "Hãy chạy `radar ingest FILE.jsonl` hoặc `radar demo`. "
        "(The warehouse is empty: run `radar ingest` or `radar demo`.)",
        "en": "The warehouse `{path}` has no documents yet. Run `radar ingest FILE.jsonl` or `radar demo`. "
        "(Kho dữ liệu trống: hãy chạy `radar ingest` hoặc `radar demo`.)",
    },
    "locked_warehouse": {
        "vi": "Kho dữ liệu đang bận ghi quá lâu; hãy tải lại trang sau ít phút. "
        "(The warehouse is busy being written; reload in a moment.)",
        "en": "The warehouse has been busy being written for too long; reload in a moment. "
        "(Kho dữ liệu đang bận; hãy tải lại sau.)",
    },
    "stale_data": {
        "vi": "Kho dữ liệu đang được ghi: một phần số liệu là của lần đọc trước.",
        "en": "The warehouse is being written: some figures are from the previous read.",
    },
    "date_range": {"vi": "Khoảng thời gian", "en": "Date range"},
    "refresh": {"vi": "Làm mới dữ liệu", "en": "Refresh data"},
    "data_until": {"vi": "Dữ liệu đến {time}", "en": "Data up to {time}"},
    "documents": {"vi": "Bài viết", "en": "Documents"},
    "sources": {"vi": "Nguồn", "en": "Sources"},
    "period": {"vi": "Thời gian", "en": "Period"},
    "negative_share": {"vi": "Tỷ lệ tiêu cực", "en": "Negative share"},
    "volume_by_source": {"vi": "Số bài theo nguồn", "en": "Volume by source"},
    "volume_by_sentiment": {"vi": "Số bài theo sắc thái", "en": "Volume by sentiment"},
    "top_topics": {"vi": "Chủ đề nổi bật", "en": "Top topics"},
    "rising_topics": {"vi": "Chủ đề đang tăng", "en": "Rising topics"},
    "growth_caption": {
        "vi": "24 giờ gần nhất so với trung bình mỗi ngày của 7 ngày trước đó (tính đến {time}).",
        "en": "Last 24 hours against the daily average of the 7 days before (as of {time}).",
    },
    "turning_negative": {"vi": "Chủ đề chuyển tiêu cực", "en": "Turning negative"},
    "negative_caption": {
        "vi": "Tỷ lệ tiêu cực 24 giờ gần nhất so với 7 ngày trước đó (tính đến {time}).",
        "en": "Negative share of the last 24 hours against the 7 days before (as of {time}).",
    },
    "negative_share_24h": {"vi": "Tiêu cực 24 giờ", "en": "Negative, 24h"},
    "negative_share_prior": {"vi": "Tiêu cực 7 ngày trước", "en": "Negative, prior 7 days"},
    "shift_points": {"vi": "Thay đổi (điểm %)", "en": "Change (% points)"},
    "spikes": {"vi": "Đột biến", "en": "Spikes"},
    "recent_alerts": {"vi": "Cảnh báo đột biến gần đây", "en": "Recent spike alerts"},
    "highest_scores": {"vi": "Điểm đột biến cao nhất", "en": "Highest spike scores"},
    "no_rows": {"vi": "Không có dữ liệu trong khoảng này.", "en": "No data in this range."},
    "topic": {"vi": "Chủ đề", "en": "Topic"},
    "time": {"vi": "Thời gian", "en": "Time"},
    "hour": {"vi": "Giờ", "en": "Hour"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "sentiment": {"vi": "Sắc thái", "en": "Sentiment"},
    "title": {"vi": "Tiêu đề", "en": "Title"},
    "link": {"vi": "Liên kết", "en": "Link"},
    "open": {"vi": "Mở", "en": "Open"},
    "count": {"vi": "Số bài", "en": "Count"},
    "last_24h": {"vi": "24 giờ qua", "en": "Last 24h"},
    "baseline": {"vi": "TB/ngày 7 ngày trước", "en": "Daily mean, prior 7 days"},
    "growth": {"vi": "Mức tăng (lần)", "en": "Growth (×)"},
    "new_topic": {"vi": "mới", "en": "new"},
    "score": {"vi": "Điểm", "en": "Score"},
    "expected": {"vi": "Kỳ vọng", "en": "Expected"},
    "alert": {"vi": "Cảnh báo", "en": "Alert"},
    "spike": {"vi": "Đột biến", "en": "Spike"},
    "choose_topic": {"vi": "Chọn chủ đề", "en": "Choose a topic"},
    "no_topics": {
        "vi": "Chưa có chủ đề nào: hãy chạy `radar process` để gán nhãn bài viết. "
        "(No topics yet: run `radar process`.)",
        "en": "No topics yet: run `radar process` to annotate the documents. "
        "(Chưa có chủ đề: hãy chạy `radar process`.)",
    },
    "granularity": {"vi": "Độ chi tiết", "en": "Granularity"},
    "grain_hour": {"vi": "Theo giờ", "en": "Hourly"},
    "grain_day": {"vi": "Theo ngày", "en": "Daily"},
    "trend": {"vi": "Diễn biến", "en": "Trend"},
    "sentiment_mix": {"vi": "Cơ cấu sắc thái", "en": "Sentiment mix"},
    "sample_documents": {"vi": "Bài viết tiêu biểu", "en": "Sample documents"},
    "topic_sources": {"vi": "Nguồn đưa tin", "en": "Where it is covered"},
    "topic_spikes": {"vi": "Đột biến của chủ đề", "en": "Spikes of this topic"},
    "search_query": {"vi": "Từ khóa", "en": "Keywords"},
    "search_help": {
        "vi": "Mọi từ đều phải xuất hiện trong tiêu đề hoặc nội dung; để trống để xem tất cả.",
        "en": "Every word must appear in the title or text; leave empty to list everything.",
    },
    "fold_accents": {"vi": "Không phân biệt dấu", "en": "Ignore diacritics"},
    "fold_accents_help": {
        "vi": "“duong sat” cũng tìm thấy “đường sắt” (chậm hơn, không xếp hạng BM25).",
        "en": "“duong sat” also finds “đường sắt” (slower, no BM25 ranking).",
    },
    "filter_sources": {"vi": "Lọc theo nguồn", "en": "Filter by source"},
    "filter_topics": {"vi": "Lọc theo chủ đề", "en": "Filter by topic"},
    "filter_sentiments": {"vi": "Lọc theo sắc thái", "en": "Filter by sentiment"},
    "matches": {"vi": "Tìm thấy {n} kết quả", "en": "{n} matches"},
    "showing_first": {"vi": "(hiển thị {n} kết quả mới nhất)", "en": "(showing the newest {n})"},
    "search_index_used": {"vi": "Xếp hạng BM25 (chỉ mục toàn văn)", "en": "BM25 ranking (full-text index)"},
    "registered_sources": {"vi": "Danh sách nguồn", "en": "Registered sources"},
    "kind": {"vi": "Loại", "en": "Kind"},
    "kind_press": {"vi": "Báo chí", "en": "Press"},
    "kind_social": {"vi": "Mạng xã hội", "en": "Social media"},
    "kind_comment": {"vi": "Bình luận", "en": "Comments"},
    "connector": {"vi": "Kết nối", "en": "Connector"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "last_published": {"vi": "Bài mới nhất", "en": "Newest document"},
    "volume_per_source": {"vi": "Số bài của mỗi nguồn", "en": "Documents per source"},
    "sql_help": {
        "vi": "Chỉ chạy một câu truy vấn đọc (SELECT, WITH, EXPLAIN, DESCRIBE, SUMMARIZE); "
        "không truy cập tệp hay mạng.",
        "en": "Runs one read-only query (SELECT, WITH, EXPLAIN, DESCRIBE, SUMMARIZE); "
        "no file or network access.",
    },
    "sql_query": {"vi": "Câu truy vấn", "en": "Query"},
    "run": {"vi": "Chạy", "en": "Run"},
    "rows": {"vi": "{n} dòng", "en": "{n} rows"},
    "truncated": {"vi": "Kết quả bị cắt ở {n} dòng.", "en": "Result cut at {n} rows."},
    "download_csv": {"vi": "Tải về CSV", "en": "Download CSV"},
    "download_parquet": {"vi": "Tải về Parquet", "en": "Download Parquet"},
    "tables_and_columns": {"vi": "Các bảng và cột", "en": "Tables and columns"},
    "sql_error": {"vi": "Truy vấn không chạy được: {reason}", "en": "The query did not run: {reason}"},
    "other": {"vi": "khác", "en": "other"},
    "negative": {"vi": "Tiêu cực", "en": "Negative"},
    "neutral": {"vi": "Trung tính", "en": "Neutral"},
    "positive": {"vi": "Tích cực", "en": "Positive"},
    "unannotated": {"vi": "Chưa gán nhãn", "en": "Not annotated"},
}


def current_lang(state: Any) -> str:
    """The language chosen in the session state (any mapping), Vietnamese when none is."""
    lang = state.get(LANG_KEY, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def tr(key: str, lang: str, **values: Any) -> str:
    """The label `key` in `lang`, with `{name}` placeholders filled; the key itself if unknown."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang, entry[DEFAULT_LANG])
    return text.format(**values) if values else text
