"""Writes tests/data/corpus.jsonl: a small corpus of headlines written by the team (not from ../shared).

The headlines are invented for tests; the times spread them over ten days with a burst on the
last day (flooding in the central provinces), so trend detection has something to find.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 5, 1, 6, 0, tzinfo=VN)

BACKGROUND = [
    ("Báo Mẫu", "Thời sự", "Chính phủ họp phiên thường kỳ tháng 4, bàn giải pháp thúc đẩy tăng trưởng",
     "Thủ tướng yêu cầu các bộ, ngành tháo gỡ vướng mắc thủ tục để giải ngân vốn đầu tư công."),
    ("Báo Mẫu", "Pháp luật", "Khởi tố nhóm đối tượng lừa đảo qua mạng chiếm đoạt hàng chục tỷ đồng",
     "Công an thành phố đã bắt giữ năm nghi phạm giả danh nhân viên ngân hàng để lừa người dân."),
    ("Nhật báo Thử", "Kinh doanh", "Giá vàng trong nước tăng mạnh, vượt mốc kỷ lục",
     "Giá vàng miếng sáng nay tăng thêm một triệu đồng mỗi lượng so với hôm qua."),
    ("Nhật báo Thử", "Kinh doanh", "Ngân hàng Nhà nước giữ nguyên lãi suất điều hành",
     "Lãi suất tiền gửi tại các ngân hàng thương mại tiếp tục ổn định trong quý hai."),
    ("Báo Mẫu", "Giáo dục", "Hơn một triệu thí sinh đăng ký dự thi tốt nghiệp trung học phổ thông",
     "Bộ Giáo dục và Đào tạo cho biết số thí sinh năm nay tăng so với năm trước."),
    ("Cổng Tin Thử", "Y tế", "Bệnh viện tuyến tỉnh thiếu thuốc, người bệnh phải tự mua ngoài",
     "Nhiều bệnh nhân bức xúc vì phải chờ đợi lâu và tự chi trả tiền thuốc."),
    ("Cổng Tin Thử", "Y tế", "Tiêm chủng mở rộng đạt tỷ lệ cao nhờ chiến dịch tại cơ sở",
     "Ngành y tế đánh giá tích cực kết quả tiêm chủng cho trẻ em vùng sâu vùng xa."),
    ("Nhật báo Thử", "Giao thông", "Cao tốc Bắc – Nam đoạn qua miền Trung thông xe sớm hai tháng",
     "Dự án giúp rút ngắn thời gian di chuyển và được người dân địa phương đón nhận."),
    ("Báo Mẫu", "Giao thông", "Ùn tắc kéo dài trên cửa ngõ phía đông thành phố giờ cao điểm",
     "Hàng nghìn phương tiện nhích từng mét, nhiều người đi làm muộn."),
    ("Báo Mẫu", "Việc làm", "Lương tối thiểu vùng dự kiến tăng từ đầu năm sau",
     "Người lao động kỳ vọng mức tăng giúp bù đắp chi phí sinh hoạt."),
    ("Cổng Tin Thử", "Bất động sản", "Giá chung cư tại Hà Nội tiếp tục tăng, người trẻ khó mua nhà",
     "Nhiều dự án mới mở bán có giá vượt xa khả năng chi trả của người lao động."),
    ("Nhật báo Thử", "Thế giới", "Hội nghị cấp cao ASEAN thông qua tuyên bố chung về hợp tác kinh tế",
     "Lãnh đạo các nước cam kết thúc đẩy thương mại nội khối."),
    ("Nhật báo Thử", "Thể thao", "Đội tuyển Việt Nam thắng thuyết phục trong trận giao hữu",
     "Các cầu thủ trẻ thi đấu tự tin, mang lại niềm vui cho người hâm mộ."),
    ("Báo Mẫu", "Công nghệ", "Chuyển đổi số giúp người dân làm thủ tục hành chính trực tuyến nhanh hơn",
     "Cổng dịch vụ công quốc gia ghi nhận số hồ sơ trực tuyến tăng mạnh."),
]

HOSTS = {"Báo Mẫu": "baomau", "Nhật báo Thử": "nhatbaothu", "Cổng Tin Thử": "congtinthu"}

BURST = [
    ("Báo Mẫu", "Thời sự", "Lũ dâng cao ở miền Trung, hàng nghìn hộ dân phải sơ tán khẩn cấp",
     "Mưa lớn kéo dài khiến nhiều khu dân cư ngập sâu, giao thông chia cắt."),
    ("Nhật báo Thử", "Thời sự", "Sạt lở đất vùi lấp nhà dân, lực lượng cứu hộ tìm kiếm người mất tích",
     "Mưa lũ gây thiệt hại nặng nề về người và tài sản tại các tỉnh miền Trung."),
    ("Cổng Tin Thử", "Thời sự", "Bão lũ làm hư hại hàng nghìn hecta lúa, nông dân lo mất trắng",
     "Ngành nông nghiệp khẩn trương thống kê thiệt hại do thiên tai."),
    ("Báo Mẫu", "Thời sự", "Người dân vùng lũ thiếu nước sạch, lương thực sau nhiều ngày bị cô lập",
     "Chính quyền địa phương được yêu cầu hỗ trợ khẩn cấp cho các hộ bị ảnh hưởng."),
]


def rows() -> list[dict[str, str]]:
    """Background stories every ~8 hours for ten days, then a flood burst on the last day."""
    out = []
    for day in range(10):
        for slot in range(3):
            i = (day * 3 + slot) % len(BACKGROUND)
            source, section, title, summary = BACKGROUND[i]
            when = START + timedelta(days=day, hours=8 * slot, minutes=7 * i)
            out.append({
                "link": f"https://{HOSTS[source]}.example.vn/{section.lower().replace(' ', '-')}/bai-{day}-{slot}.html",
                "title": title if day == 0 else f"{title} (ngày {day + 1})",
                "summary": summary,
                "source": f"{source} - {section}",
                "category": section,
                "published": when.isoformat(),
            })
    burst_start = START + timedelta(days=10)
    for k in range(16):
        source, section, title, summary = BURST[k % len(BURST)]
        when = burst_start + timedelta(minutes=25 * k)
        out.append({
            "link": f"https://baomau.example.vn/thoi-su/lu-mien-trung-{k}.html",
            "title": f"{title} – cập nhật {k + 1}",
            "summary": summary,
            "source": f"{source} - {section}",
            "category": section,
            "published": when.isoformat(),
        })
    return out


def main() -> None:
    """Write the corpus next to this script."""
    path = Path(__file__).with_name("corpus.jsonl")
    with path.open("w", encoding="utf-8") as fh:
        for row in rows():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
