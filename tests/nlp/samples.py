"""Small labelled texts written by the team for tests (not taken from any corpus)."""

from __future__ import annotations

SENTIMENT: list[tuple[str, str]] = [
    ("Chính sách mới rất tốt, người dân hài lòng", "positive"),
    ("Tôi rất vui vì thủ tục nhanh gọn", "positive"),
    ("Cán bộ phường nhiệt tình, hỗ trợ chu đáo", "positive"),
    ("Dịch vụ công trực tuyến tiện lợi, tuyệt vời", "positive"),
    ("Cảm ơn thành phố đã sửa đường rất nhanh", "positive"),
    ("Bệnh viện sạch sẽ, bác sĩ tận tâm, rất hài lòng", "positive"),
    ("Quy định này thật tệ, gây khó khăn cho dân", "negative"),
    ("Thủ tục rườm rà, chờ cả ngày, quá thất vọng", "negative"),
    ("Đường ngập nặng mà không ai xử lý, bức xúc", "negative"),
    ("Giá điện tăng vô lý, người dân khổ sở", "negative"),
    ("Cán bộ hách dịch, thái độ tệ hại", "negative"),
    ("Bệnh viện quá tải, chờ đợi mệt mỏi, thất vọng", "negative"),
    ("Sáng nay ủy ban tổ chức họp báo về quy hoạch", "neutral"),
    ("Bộ Tài chính công bố dự thảo nghị định", "neutral"),
    ("Lịch tiếp công dân được đăng trên cổng thông tin", "neutral"),
    ("Hội nghị diễn ra vào thứ hai tuần sau", "neutral"),
    ("Thành phố có mười hai quận và năm huyện", "neutral"),
    ("Văn bản được ban hành ngày mùng một", "neutral"),
]

TOXICITY: list[tuple[str, str]] = [
    ("Chính sách này chưa hợp lý, cần sửa lại", "clean"),
    ("Tôi không đồng ý với quy định mới về phí", "clean"),
    ("Cảm ơn mọi người đã chia sẻ thông tin", "clean"),
    ("Bài viết hay, rất bổ ích", "clean"),
    ("Đồ ngu, nói như con chó", "offensive"),
    ("Thằng này óc lợn à, im mồm đi", "offensive"),
    ("Mày ngu như bò, cút đi", "offensive"),
    ("Đồ khốn nạn, câm mồm", "offensive"),
    ("Bọn chúng nó là lũ sâu bọ phải tiêu diệt hết", "hate"),
    ("Lũ người vùng đó toàn đồ rác rưởi cần đuổi đi", "hate"),
    ("Giết hết bọn chúng đi lũ súc vật", "hate"),
    ("Cả cái dân tộc đó là lũ súc sinh", "hate"),
]

TOPIC: list[tuple[str, str]] = [
    ("Bệnh viện tuyến tỉnh quá tải bệnh nhân sốt xuất huyết", "y-te"),
    ("Bộ Y tế cấp phép vaccine mới cho trẻ em", "y-te"),
    ("Bác sĩ cảnh báo dịch cúm mùa tăng mạnh", "y-te"),
    ("Thuốc và thiết bị y tế thiếu ở trạm xá", "y-te"),
    ("Học sinh thi tốt nghiệp trung học phổ thông", "giao-duc"),
    ("Bộ Giáo dục công bố điểm chuẩn đại học", "giao-duc"),
    ("Giáo viên mầm non thiếu lương, trường học xuống cấp", "giao-duc"),
    ("Sinh viên nhận học bổng du học", "giao-duc"),
    ("Cao tốc Bắc Nam thông xe đoạn mới", "giao-thong"),
    ("Xe buýt và tàu điện đô thị tăng chuyến", "giao-thong"),
    ("Tai nạn giao thông trên quốc lộ giảm", "giao-thong"),
    ("Sân bay Long Thành đẩy nhanh tiến độ thi công", "giao-thong"),
]
