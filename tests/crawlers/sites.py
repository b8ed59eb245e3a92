"""Local news sites for crawler tests: pages we wrote, served on 127.0.0.1 by a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

VN = timezone(timedelta(hours=7))


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Called on each hit; may return a replacement Route (e.g. 304 when the validators match).
    dynamic: Callable[[dict[str, str]], Route | None] | None = None


@dataclass
class Site:
    """A running local site: its base URL, its routes and the log of requested paths."""

    base: str
    routes: dict[str, Route]
    hits: list[str]
    request_headers: list[dict[str, str]]
    hit_times: dict[str, list[float]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        """Absolute URL of a path on this site."""
        return self.base + path

    def count(self, path: str) -> int:
        """How many times a path was requested, whatever its query string."""
        return sum(1 for h in self.hits if h.split("?", 1)[0] == path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            return

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            path = self.path
            site.hits.append(path)
            site.hit_times.setdefault(path, []).append(time.monotonic())
            headers = {k.lower(): v for k, v in self.headers.items()}
            site.request_headers.append({"path": path, **headers})
            # Like the real sites, unknown query strings (utm_*) do not change the page.
            route = site.routes.get(path) or site.routes.get(path.split("?", 1)[0])
            if route is None:
                route = Route(b"not found", 404, {"Content-Type": "text/plain"})
            if route.dynamic:
                route = route.dynamic(headers) or route
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(route.status)
                sent = {k.lower() for k in route.headers}
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if "content-length" not in sent:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run `handler` on a random 127.0.0.1 port for the duration of the block; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Site]:
    """Serve `routes` on a random local port for the duration of the block."""
    site = Site(base="", routes=routes, hits=[], request_headers=[])
    with local_server(_handler(site)) as base:
        site.base = base
        yield site


def html_route(text: str, charset: str = "utf-8") -> Route:
    """An HTML page."""
    return Route(text.encode(charset), 200, {"Content-Type": f"text/html; charset={charset}"})


def xml_route(text: str) -> Route:
    """An RSS feed."""
    return Route(text.encode("utf-8"), 200, {"Content-Type": "application/rss+xml; charset=utf-8"})


def robots_route(*disallow: str, agent: str = "*") -> Route:
    """A robots.txt disallowing the given path prefixes for one agent (others may go everywhere)."""
    lines = [f"User-agent: {agent}", *(f"Disallow: {p}" for p in disallow), ""]
    if agent != "*":
        lines += ["User-agent: *", "Disallow: /khong-ai-vao/", ""]
    return Route("\n".join(lines).encode(), 200, {"Content-Type": "text/plain"})


@dataclass(frozen=True)
class Story:
    """An article we wrote for the tests."""

    slug: str
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    published: datetime
    section: str = "Thời sự"
    author: str = "Minh Anh"

    @property
    def text_start(self) -> str:
        """The first words of the body, which extraction must keep."""
        return self.paragraphs[0][:60]


STORIES = (
    Story(
        slug="ha-noi-mo-rong-tuyen-xe-buyt-dien-5047001",
        title="Hà Nội mở rộng mạng lưới xe buýt điện ra các huyện ngoại thành",
        lead="Từ tháng tới, thêm 12 tuyến xe buýt điện sẽ nối trung tâm thành phố với các huyện phía tây.",
        paragraphs=(
            "Sở Giao thông vận tải Hà Nội cho biết thành phố sẽ đưa vào khai thác thêm 12 tuyến xe buýt "
            "điện, nâng tổng số tuyến dùng năng lượng sạch lên gần 40 tuyến vào cuối năm nay.",
            "Theo kế hoạch, các tuyến mới đi qua Hoài Đức, Quốc Oai, Thạch Thất và Sơn Tây, nơi người dân "
            "nhiều năm phản ánh tình trạng thiếu phương tiện công cộng vào giờ cao điểm.",
            "Đại diện doanh nghiệp vận hành cho biết giá vé giữ nguyên như xe buýt thông thường, học sinh "
            "và người cao tuổi tiếp tục được miễn giảm theo quy định hiện hành của thành phố.",
        ),
        published=datetime(2026, 3, 5, 8, 30, tzinfo=VN),
        section="Giao thông",
    ),
    Story(
        slug="dieu-chinh-luong-toi-thieu-vung-5047002",
        title="Đề xuất điều chỉnh lương tối thiểu vùng từ đầu năm sau",
        lead="Hội đồng Tiền lương quốc gia thảo luận phương án tăng lương tối thiểu vùng khoảng 7%.",
        paragraphs=(
            "Tại phiên họp thứ hai trong năm, Hội đồng Tiền lương quốc gia đã thảo luận các phương án điều "
            "chỉnh lương tối thiểu vùng áp dụng cho người lao động làm việc theo hợp đồng lao động.",
            "Đại diện tổ chức công đoàn đề nghị mức tăng cao hơn để bù đắp chi phí sinh hoạt, trong khi "
            "phía doanh nghiệp mong muốn lộ trình phù hợp với tình hình đơn hàng còn nhiều khó khăn.",
            "Bộ Nội vụ sẽ tổng hợp ý kiến và trình Chính phủ xem xét, quyết định trong quý tới.",
        ),
        published=datetime(2026, 3, 5, 9, 15, tzinfo=VN),
        section="Lao động - Việc làm",
        author="Thu Hà",
    ),
    Story(
        slug="tuyen-sinh-lop-10-cong-lap-5047003",
        title="TP.HCM công bố chỉ tiêu tuyển sinh lớp 10 công lập",
        lead="Năm nay thành phố dành khoảng 98.000 chỉ tiêu lớp 10 công lập cho học sinh.",
        paragraphs=(
            "Sở Giáo dục và Đào tạo TP.HCM vừa công bố chỉ tiêu tuyển sinh lớp 10 công lập năm học mới "
            "với khoảng 98.000 chỉ tiêu, tăng hơn 3.000 so với năm trước nhờ các trường mới xây dựng.",
            "Thí sinh dự thi ba môn gồm ngữ văn, toán và ngoại ngữ; điểm xét tuyển là tổng điểm ba bài "
            "thi, không nhân hệ số, cộng điểm ưu tiên nếu có theo quy định của Bộ Giáo dục.",
            "Phụ huynh có thể tra cứu thông tin tuyển sinh trên cổng thông tin điện tử của sở.",
        ),
        published=datetime(2026, 3, 5, 10, 0, tzinfo=VN),
        section="Giáo dục",
    ),
    Story(
        slug="canh-bao-mua-lon-mien-trung-5047004",
        title="Cảnh báo mưa lớn và nguy cơ sạt lở ở các tỉnh miền Trung",
        lead="Trung tâm Dự báo khí tượng thủy văn quốc gia cảnh báo mưa lớn kéo dài ba ngày.",
        paragraphs=(
            "Do ảnh hưởng của không khí lạnh kết hợp nhiễu động gió đông, từ đêm nay các tỉnh từ Hà Tĩnh "
            "đến Quảng Ngãi có mưa to đến rất to, lượng mưa phổ biến 150 đến 300 mm.",
            "Cơ quan khí tượng cảnh báo nguy cơ lũ quét, sạt lở đất ở vùng núi và ngập úng tại vùng trũng "
            "thấp, đề nghị chính quyền địa phương chủ động sơ tán người dân khỏi khu vực nguy hiểm.",
            "Ban Chỉ huy phòng thủ dân sự các tỉnh đã yêu cầu tàu thuyền theo dõi chặt chẽ diễn biến.",
        ),
        published=datetime(2026, 3, 5, 11, 45, tzinfo=VN),
        section="Thời tiết",
        author="Quốc Việt",
    ),
)


def article_html(story: Story, canonical: str, site_name: str = "Báo Thử Nghiệm") -> str:
    """A news article page in the shape of the big Vietnamese sites (meta tags, JSON-LD, body)."""
    iso = story.published.isoformat()
    body = "\n".join(f'<p class="Normal">{escape(p)}</p>' for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{escape(story.title)} - {escape(site_name)}</title>
<link rel="canonical" href="{canonical}">
<meta property="og:title" content="{escape(story.title)}">
<meta property="og:url" content="{canonical}">
<meta property="og:description" content="{escape(story.lead)}">
<meta property="article:published_time" content="{iso}">
<meta name="pubdate" content="{iso}">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{escape(story.title)}",
 "datePublished": "{iso}", "author": {{"@type": "Person", "name": "{escape(story.author)}"}},
 "articleSection": "{escape(story.section)}"}}
</script>
</head>
<body>
<header><nav>
<a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a> <a href="/kinh-te">Kinh tế</a>
</nav></header>
<section class="container">
<div class="sidebar-1">
<ul class="breadcrumb"><li><a href="/">Trang chủ</a></li>
<li><a href="/s">{escape(story.section)}</a></li></ul>
<span class="date">{story.published.strftime("%d/%m/%Y, %H:%M")} (GMT+7)</span>
<h1 class="title-detail">{escape(story.title)}</h1>
<p class="description">{escape(story.lead)}</p>
<article class="fck_detail">
{body}
<p class="author_mail"><strong>{escape(story.author)}</strong></p>
</article>
</div>
<aside><h3>Tin liên quan</h3><ul><li><a href="/khac-1">Một tin khác</a></li></ul></aside>
</section>
<footer>© {escape(site_name)}. Giấy phép số 000/GP-BTTTT.</footer>
</body>
</html>
"""


def rss_xml(title: str, items: Sequence[tuple[str, str, str, datetime | None]]) -> str:
    """An RSS 2.0 feed of (title, link, description, published) items, like the sites' own feeds."""
    parts = []
    for item_title, link, description, published in items:
        date = f"<pubDate>{format_datetime(published)}</pubDate>" if published else ""
        parts.append(
            f"<item><title>{escape(item_title)}</title><link>{escape(link)}</link>"
            f'<description><![CDATA[<a href="{escape(link)}"><img src="/a.jpg"></a></br>{description}]]>'
            f"</description>{date}<guid>{escape(link)}</guid></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>{escape(title)}</description>{''.join(parts)}</channel></rss>"
    )


def news_site(stories: tuple[Story, ...] = STORIES, *, feed_path: str = "/rss/tin-moi-nhat.rss") -> dict[str, Route]:
    """Routes of a small site: robots.txt allowing all, one feed, one page per story.

    Feed links are relative to the site (`{base}` placeholders are filled by `bind`).
    """
    routes: dict[str, Route] = {"/robots.txt": robots_route()}
    items = []
    for story in stories:
        path = f"/thoi-su/{story.slug}.html"
        routes[path] = Route(
            article_html(story, "{base}" + path).encode("utf-8"),
            200,
            {"Content-Type": "text/html; charset=utf-8"},
        )
        items.append((story.title, "{base}" + path, story.lead, story.published))
    routes[feed_path] = xml_route(rss_xml("Tin mới nhất - Báo Thử Nghiệm", items))
    return routes


def bind(site: Site) -> None:
    """Fill the `{base}` placeholders of every route body with the site's real base URL."""
    for route in site.routes.values():
        route.body = route.body.replace(b"{base}", site.base.encode())


def registry_toml(entries: list[dict[str, object]]) -> str:
    """A registry file for tests: each entry gets defaults for the fields it leaves out."""
    out = []
    for e in entries:
        entry = {
            "display_name": str(e["name"]).title(),
            "kind": "commercial-press",
            "connector": "rss",
            "status": "active",
            **e,
        }
        lines = ["[[source]]"]
        for key, value in entry.items():
            if key == "feeds":
                feeds = ", ".join(f'{{ url = "{u}", category = "Tin mới" }}' for u in value)  # type: ignore[attr-defined]
                lines.append(f"feeds = [{feeds}]")
            else:
                lines.append(f'{key} = "{value}"')
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def write_registry(path: Path, entries: list[dict[str, object]]) -> Path:
    """Write a test registry and return its path."""
    path.write_text(registry_toml(entries), encoding="utf-8")
    return path


def listing_html(stories: Sequence[Story], section: str = "Thời sự") -> str:
    """A section page: each story linked from its picture, its headline and its lead, plus menus."""
    blocks = "\n".join(
        f'<article class="item-news"><a href="/thoi-su/{s.slug}.html"><img src="/{i}.jpg" alt=""></a>'
        f'<h3 class="title-news"><a href="/thoi-su/{s.slug}.html">{escape(s.title)}</a></h3>'
        f'<p class="description"><a href="/thoi-su/{s.slug}.html?x=lead">{escape(s.lead)}</a></p></article>'
        for i, s in enumerate(stories)
    )
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(section)}</title></head>
<body><nav><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a> <a href="/kinh-te.htm">Kinh tế</a>
<a href="/chu-de/bau-cu-e587.htm">Bầu cử</a> <a href="https://other.example.vn/tin-khac-1234567.html">Tin khác</a></nav>
<h1>{escape(section)}</h1>
{blocks}
<footer><a href="/lien-he">Liên hệ</a> <a href="/gioi-thieu-toa-soan-2024.htm">Giới thiệu</a></footer>
</body></html>
"""


PLACES = (
    "Hà Nội", "TP.HCM", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Huế", "Nghệ An", "Quảng Ninh", "Khánh Hòa", "Lâm Đồng",
)
SUBJECTS = (
    ("giá điện sinh hoạt", "Bộ Công Thương", "Kinh tế"),
    ("tuyển sinh đầu cấp", "Sở Giáo dục và Đào tạo", "Giáo dục"),
    ("bảo hiểm xã hội một lần", "Bảo hiểm xã hội Việt Nam", "Lao động"),
    ("cấp sổ đỏ lần đầu", "Sở Nông nghiệp và Môi trường", "Bất động sản"),
    ("tuyến metro số 2", "Ban Quản lý đường sắt đô thị", "Giao thông"),
    ("khám chữa bệnh bảo hiểm y tế", "Sở Y tế", "Sức khỏe"),
    ("sắp xếp đơn vị hành chính cấp xã", "Sở Nội vụ", "Thời sự"),
    ("phòng chống sạt lở mùa mưa", "Ban Chỉ huy phòng thủ dân sự", "Thời tiết"),
)


def many_stories(n: int, start: datetime = datetime(2026, 3, 1, 6, 0, tzinfo=VN)) -> tuple[Story, ...]:
    """n distinct stories, three minutes apart from `start`, in the shape of the real ones."""
    stories = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        subject, agency, section = SUBJECTS[(i // len(PLACES)) % len(SUBJECTS)]
        number = 3 + (i * 7) % 90
        stories.append(Story(
            slug=f"ke-hoach-moi-ban-tin-{i}-{6000000 + i}",
            title=f"{place} công bố kế hoạch mới về {subject}, bản tin số {i}",
            lead=f"{agency} {place} cho biết sẽ điều chỉnh quy định về {subject} trong {number} ngày tới.",
            paragraphs=(
                f"Theo {agency} {place}, kế hoạch số {i}/KH được xây dựng sau khi lấy ý kiến người dân và doanh "
                f"nghiệp trên địa bàn, với {number * 10} ý kiến góp ý gửi về trong tháng qua.",
                f"Nội dung đáng chú ý nhất liên quan đến {subject}: thủ tục được rút gọn, hồ sơ nộp trực tuyến "
                "và thời gian giải quyết giảm gần một nửa so với trước đây.",
                f"Đại diện {agency.lower()} cho biết việc triển khai sẽ được đánh giá sau {number} ngày, các vướng "
                "mắc phát sinh sẽ được tổng hợp để báo cáo Ủy ban nhân dân xem xét, quyết định.",
            ),
            published=start + timedelta(minutes=3 * i),
            section=section,
        ))
    return tuple(stories)


def press_site(
    stories: Sequence[Story], *, feeds: int = 3, page: Callable[[Story, str], str] | None = None
) -> dict[str, Route]:
    """A site whose feed 0 carries every story and feeds 1.. each a slice, so stories repeat across feeds."""
    render = page or article_html
    routes: dict[str, Route] = {"/robots.txt": robots_route()}
    entries = []
    for story in stories:
        path = f"/thoi-su/{story.slug}.html"
        routes[path] = Route(render(story, "{base}" + path).encode("utf-8"), 200,
                             {"Content-Type": "text/html; charset=utf-8"})
        entries.append((story.title, "{base}" + path, story.lead, story.published))
    routes["/rss/feed-0.rss"] = xml_route(rss_xml("Tin mới nhất", entries))
    for k in range(1, feeds):
        routes[f"/rss/feed-{k}.rss"] = xml_route(rss_xml(f"Chuyên mục {k}", entries[k - 1 :: feeds - 1]))
    return routes
