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
    # Accounts
    "login_title": {"vi": "Đăng nhập", "en": "Sign in"},
    "login": {"vi": "Đăng nhập", "en": "Sign in"},
    "logout": {"vi": "Đăng xuất", "en": "Sign out"},
    "username": {"vi": "Tên đăng nhập", "en": "Username"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "display_name": {"vi": "Tên hiển thị", "en": "Display name"},
    "login_failed": {
        "vi": "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa.",
        "en": "Wrong username or password, or the account is disabled.",
    },
    "login_revoked": {
        "vi": "Tài khoản của bạn đã bị khóa hoặc xóa; hãy đăng nhập lại.",
        "en": "Your account was disabled or removed; sign in again.",
    },
    "no_accounts": {
        "vi": "Chưa có tài khoản nào. Hãy tạo một tài khoản quản trị: `radar users add TEN --role admin`.",
        "en": "No accounts yet. Create an admin first: `radar users add NAME --role admin`.",
    },
    "signed_in_as": {"vi": "Đăng nhập: {name} ({role})", "en": "Signed in: {name} ({role})"},
    "role": {"vi": "Vai trò", "en": "Role"},
    "role_viewer": {"vi": "người xem", "en": "viewer"},
    "role_analyst": {"vi": "chuyên viên phân tích", "en": "analyst"},
    "role_admin": {"vi": "quản trị viên", "en": "admin"},
    "refused": {
        "vi": "Không được phép: vai trò {role} không thực hiện được thao tác này (cần vai trò {needed}).",
        "en": "Not allowed: the {role} role cannot do this (it needs the {needed} role).",
    },
    "nav_users": {"vi": "Tài khoản", "en": "Accounts"},
    "add_user": {"vi": "Thêm tài khoản", "en": "Add an account"},
    "change_user": {"vi": "Đổi vai trò hoặc khóa tài khoản", "en": "Change a role or disable an account"},
    "save_role": {"vi": "Lưu vai trò", "en": "Save role"},
    "disable_user": {"vi": "Khóa tài khoản", "en": "Disable account"},
    "enable_user": {"vi": "Mở khóa tài khoản", "en": "Enable account"},
    "cannot_disable_self": {"vi": "Không thể tự khóa tài khoản của mình.", "en": "You cannot disable yourself."},
    "disabled": {"vi": "Đã khóa", "en": "Disabled"},
    "created": {"vi": "Ngày tạo", "en": "Created"},
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "save": {"vi": "Lưu", "en": "Save"},
    "saved": {"vi": "Đã lưu.", "en": "Saved."},
    "write_busy": {
        "vi": "Kho dữ liệu đang bận ghi; hãy thử lại sau ít giây.",
        "en": "The warehouse is busy being written; try again in a few seconds.",
    },
    "write_failed": {"vi": "Không lưu được: {reason}", "en": "Not saved: {reason}"},
    # Mainstream share
    "official_share": {"vi": "Tỷ lệ nguồn chính thống", "en": "Official-source share"},
    "official_share_help": {
        "vi": "Phần bài viết từ báo Đảng, Nhà nước và cổng thông tin chính phủ trong khoảng đã chọn.",
        "en": "Share of documents from party and state press and government portals in the chosen range.",
    },
    "non_negative_share": {"vi": "Tỷ lệ không tiêu cực", "en": "Non-negative share"},
    "non_negative_share_help": {
        "vi": "Phần bài viết đã gán nhãn có sắc thái trung tính hoặc tích cực.",
        "en": "Share of annotated documents that are neutral or positive.",
    },
    # Hotspots and narratives
    "nav_hotspots": {"vi": "Điểm nóng", "en": "Hotspots"},
    "nav_narrative": {"vi": "Diễn biến câu chuyện", "en": "Narrative detail"},
    "hotspots_caption": {
        "vi": "Câu chuyện tăng nhanh trong 24 giờ tính đến {time}, so với 7 ngày trước đó.",
        "en": "Narratives growing in the 24 hours up to {time}, against the 7 days before.",
    },
    "emerging_negative": {"vi": "Nổi lên, tiêu cực", "en": "Emerging, negative"},
    "emerging": {"vi": "Đang nổi lên", "en": "Emerging"},
    "ranking": {"vi": "Xếp hạng", "en": "Ranking"},
    "no_hotspots": {
        "vi": "Không có câu chuyện nào nổi lên trong 24 giờ này.",
        "en": "No narrative is emerging in these 24 hours.",
    },
    "narrative": {"vi": "Câu chuyện", "en": "Narrative"},
    "spread": {"vi": "Lan tỏa (nguồn · loại)", "en": "Spread (sources · kinds)"},
    "responsible_unit": {"vi": "Đơn vị phụ trách", "en": "Responsible unit"},
    "last_14_days": {"vi": "14 ngày", "en": "14 days"},
    "why": {"vi": "Lý do", "en": "Why flagged"},
    "why_flagged": {
        "vi": "{recent} bài trong 24 giờ (kỳ vọng {expected}); {negative} tiêu cực; {n_sources} nguồn ({kinds})",
        "en": "{recent} documents in 24h ({expected} expected); {negative} negative; {n_sources} sources ({kinds})",
    },
    "choose_narrative": {"vi": "Chọn câu chuyện", "en": "Choose a narrative"},
    "no_narratives": {
        "vi": "Chưa có câu chuyện nào trong khoảng này: `radar process` gom bài viết thành câu chuyện.",
        "en": "No narratives in this range: `radar process` groups documents into narratives.",
    },
    "first_seen": {"vi": "Xuất hiện lần đầu", "en": "First seen"},
    "last_seen": {"vi": "Gần nhất", "en": "Last seen"},
    "timeline_by_kind": {"vi": "Diễn biến theo loại nguồn", "en": "Timeline by source kind"},
    "sentiment_over_time": {"vi": "Sắc thái theo thời gian", "en": "Sentiment over time"},
    "provinces": {"vi": "Địa phương được nhắc đến", "en": "Provinces mentioned"},
    "forecast": {"vi": "Dự báo", "en": "Forecast"},
    "forecast_caption": {
        "vi": "Dự báo 24 giờ lập lúc {time}: khoảng {expected} bài; vùng xám là khoảng tin cậy 80 %.",
        "en": "24-hour forecast made at {time}: about {expected} documents; the grey band is the 80 % interval.",
    },
    "forecast_band": {"vi": "Khoảng 80 %", "en": "80 % interval"},
    "forecast_unavailable": {
        "vi": "Chưa có dự báo: `radar process` chỉ dự báo cho các câu chuyện đang nổi lên.",
        "en": "No forecast: `radar process` forecasts the emerging narratives only.",
    },
    "legal_refs": {"vi": "Văn bản pháp luật được nhắc đến", "en": "Legal references"},
    "legal_ref": {"vi": "Văn bản", "en": "Legal reference"},
    "related_narratives": {"vi": "Câu chuyện liên quan", "en": "Related narratives"},
    "shared": {"vi": "Điểm chung", "en": "Shared"},
    "representative_documents": {"vi": "Bài viết tiêu biểu", "en": "Representative documents"},
    "kind_party-state-press": {"vi": "Báo Đảng, Nhà nước", "en": "Party and state press"},
    "kind_government-portal": {"vi": "Cổng thông tin chính phủ", "en": "Government portals"},
    # Policy
    "nav_policy": {"vi": "Chính sách", "en": "Policy tracker"},
    "choose_legal_ref": {"vi": "Chọn văn bản (số bài)", "en": "Choose a legal reference (documents)"},
    "no_legal_refs": {
        "vi": "Không có bài viết nào nhắc đến văn bản pháp luật trong khoảng này.",
        "en": "No document cites a legal reference in this range.",
    },
    "effective_date": {"vi": "Ngày hiệu lực", "en": "Effective date"},
    "coverage_over_time": {"vi": "Mức độ đưa tin theo thời gian", "en": "Coverage over time"},
    "main_concerns": {"vi": "Mối quan tâm chính (bài tiêu cực)", "en": "Main concerns (negative documents)"},
    "main_concerns_caption": {
        "vi": "Cụm từ khóa thường gặp nhất trong các bài tiêu cực nhắc đến văn bản.",
        "en": "The key phrases most frequent in negative documents citing the reference.",
    },
    "before_after": {"vi": "Trước và sau ngày hiệu lực", "en": "Before and after the effective date"},
    "no_effective_date": {
        "vi": "Chưa biết ngày hiệu lực của văn bản này (thêm vào dashboard/effective_dates.toml).",
        "en": "The effective date of this document is not known (add it to dashboard/effective_dates.toml).",
    },
    "period_before": {"vi": "{days} ngày trước", "en": "{days} days before"},
    "period_after": {"vi": "{days} ngày sau", "en": "{days} days after"},
    # Alerts
    "nav_alerts": {"vi": "Cảnh báo", "en": "Alerts"},
    "subscriptions": {"vi": "Đăng ký nhận cảnh báo", "en": "Subscriptions"},
    "alert_history": {"vi": "Lịch sử cảnh báo", "en": "Alert history"},
    "directory": {"vi": "Danh bạ đơn vị", "en": "Directory of units"},
    "edit_subscription": {"vi": "Tạo hoặc sửa đăng ký", "en": "Create or edit a subscription"},
    "new_subscription": {"vi": "➕ Đăng ký mới", "en": "➕ New subscription"},
    "who": {"vi": "Người nhận", "en": "Recipient"},
    "what": {"vi": "Theo dõi", "en": "Follows"},
    "what_topic": {"vi": "chủ đề", "en": "topic"},
    "what_keyword": {"vi": "từ khóa", "en": "keyword"},
    "what_place": {"vi": "địa phương", "en": "place"},
    "what_legal_ref": {"vi": "văn bản pháp luật", "en": "legal reference"},
    "what_entity": {"vi": "cơ quan, tổ chức", "en": "agency or organisation"},
    "what_emerging_negative": {"vi": "câu chuyện tiêu cực nổi lên", "en": "emerging negative narratives"},
    "target": {"vi": "Đối tượng", "en": "Target"},
    "target_help": {
        "vi": "Mã chủ đề (vd. giao-thong), từ khóa, địa phương hoặc mã văn bản; để trống với câu chuyện tiêu cực.",
        "en": "Topic slug (e.g. giao-thong), keyword, place or legal id; empty for emerging negative.",
    },
    "channels": {"vi": "Kênh nhận (mỗi dòng một URL)", "en": "Channels (one URL a line)"},
    "channels_help": {
        "vi": "URL theo kiểu apprise: mailto://…, tgram://…, slack://…, json://…",
        "en": "Apprise URLs: mailto://…, tgram://…, slack://…, json://…",
    },
    "channel": {"vi": "Kênh", "en": "Channel"},
    "sensitivity": {"vi": "Ngưỡng", "en": "Sensitivity"},
    "sensitivity_help": {
        "vi": "Cảnh báo khi điểm sự kiện đạt ngưỡng này; thấp hơn là nhiều cảnh báo hơn.",
        "en": "Alerts when an event's score reaches this; lower means more alerts.",
    },
    "mode": {"vi": "Cách gửi", "en": "Delivery"},
    "mode_immediate": {"vi": "ngay", "en": "immediate"},
    "mode_digest": {"vi": "bản tin tổng hợp", "en": "digest"},
    "paused": {"vi": "Tạm dừng", "en": "Paused"},
    "feedback": {"vi": "Đánh giá", "en": "Feedback"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "useful": {"vi": "👍 Hữu ích", "en": "👍 Useful"},
    "not_useful": {"vi": "👎 Không hữu ích", "en": "👎 Not useful"},
    "thanks": {"vi": "Đã ghi nhận đánh giá.", "en": "Feedback recorded."},
    "unit_id": {"vi": "Mã đơn vị", "en": "Unit id"},
    "unit_name": {"vi": "Đơn vị", "en": "Unit"},
    "level": {"vi": "Cấp", "en": "Level"},
    "level_ministry": {"vi": "bộ, ngành", "en": "ministry"},
    "level_province": {"vi": "tỉnh, thành", "en": "province"},
    "level_other": {"vi": "khác", "en": "other"},
    "spokesperson": {"vi": "Người phát ngôn", "en": "Spokesperson"},
    "unit_topics": {"vi": "Chủ đề phụ trách", "en": "Topics answered for"},
    "unit_places": {"vi": "Địa bàn phụ trách", "en": "Places answered for"},
    "comma_separated": {"vi": "Cách nhau bằng dấu phẩy.", "en": "Comma-separated."},
    # Search and SQL
    "download_excel": {"vi": "Tải về Excel", "en": "Download Excel"},
    "highlighted_matches": {"vi": "Kết quả với từ khóa được tô sáng", "en": "Matches highlighted"},
    "table": {"vi": "Bảng", "en": "Table"},
    "saved_queries": {"vi": "Truy vấn đã lưu", "en": "Saved queries"},
    "open_saved": {"vi": "Chọn truy vấn", "en": "Choose a query"},
    "load": {"vi": "Mở vào ô soạn", "en": "Load into the editor"},
    "query_name": {"vi": "Tên truy vấn để lưu", "en": "Name to save the query under"},
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
