"""XenForo 2 forums (voz.vn): forum listing -> threads -> posts; quotes link a reply to the post it quotes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawlers.social.errors import AuthError, SocialError
from crawlers.social.model import Post, Skip, nfc
from crawlers.social.parse import block_text, parse_count, parse_time
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context

_THREAD = re.compile(r"^(?P<prefix>.*?/(?:t|threads))/(?:[^/]*\.)?(?P<id>\d+)/?")
_POST = re.compile(r"post[-: ]+(\d+)")
QUOTES = "blockquote.bbCodeBlock--quote"


@dataclass(frozen=True)
class ThreadRef:
    """A thread as the forum listing shows it."""

    url: str
    title: str
    replies: int | None
    views: int | None


@dataclass
class ForumPage:
    """Threads on one listing page and the next page's address."""

    threads: list[ThreadRef] = field(default_factory=list)
    next_url: str | None = None


@dataclass
class ThreadPage:
    """Posts on one thread page, the thread's title and its number of pages."""

    title: str = ""
    posts: list[Post] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    last_page: int = 1


def thread_url(href: str, page_url: str) -> str | None:
    """Stable address of a thread, without its slug (titles get edited) or page: …/t/123/."""
    match = _THREAD.match(urljoin(page_url, href))
    return f"{match['prefix']}/{match['id']}/" if match else None


def parse_forum(html: str, page_url: str) -> ForumPage:
    """Threads (title, replies, views) of a forum listing page and its 'next' link."""
    doc = Selector(text=html)
    page = ForumPage()
    for item in doc.css(".structItem--thread"):
        link = item.css(".structItem-title a[data-tp-primary], .structItem-title a:last-child")
        href = link.attrib.get("href") if link else None
        url = thread_url(href, page_url) if href else None
        if not url:
            continue
        pairs = {
            (p.css("dt::text").get() or "").strip().lower(): parse_count(p.css("dd::text").get())
            for p in item.css("dl.pairs")
        }
        title = nfc("".join(link[0].css("::text").getall()).strip())
        page.threads.append(ThreadRef(url, title, pairs.get("replies", pairs.get("trả lời")),
                                      pairs.get("views", pairs.get("lượt xem"))))
    nxt = doc.css("a.pageNav-jump--next::attr(href)").get()
    page.next_url = urljoin(page_url, nxt) if nxt else None
    return page


def _reactions(message: Selector) -> int | None:
    # The bar names a few members and sums up the rest: "A, B and 12 others" / "A, B và 12 người khác".
    bar = message.css(".reactionsBar-link")
    if not bar:
        return None
    names = len(bar.css("bdi"))
    others = re.search(r"(\d[\d.,]*)\s*(?:others|người khác)", "".join(bar.css("::text").getall()))
    return names + (parse_count(others.group(1)) or 0 if others else 0)


def parse_thread(html: str, thread: str) -> ThreadPage:
    """Posts of one thread page: text without the quoted blocks, the quoted post as parent, reactions."""
    doc = Selector(text=html)
    page = ThreadPage(title=nfc((doc.css("h1.p-title-value") or doc.css("h1")).xpath("string()").get("").strip()))
    numbers = [int(n) for n in doc.css(".pageNav-page a::text").getall() if n.strip().isdigit()]
    page.last_page = max(numbers, default=1)
    for message in doc.css("article.message--post, article.message[data-content^='post-']"):
        match = _POST.search(message.attrib.get("data-content", "") or message.attrib.get("id", ""))
        if not match:
            continue
        url = f"{thread}post-{match.group(1)}"
        if "message--deleted" in message.attrib.get("class", ""):
            page.skips.append(Skip(url, "deleted by the forum"))
            continue
        body = message.css(".message-body .bbWrapper")
        if not body:
            continue
        quoted = [m.group(1) for m in (_POST.search(q.attrib.get("data-source", "")) for q in body.css(QUOTES)) if m]
        text = block_text(body[0], drop=QUOTES)
        if not text:
            page.skips.append(Skip(url, "no text (quote or media only)", gone=False))
            continue
        user = message.css(".message-name .username, .message-userDetails .username")
        author = user.attrib.get("data-user-id") if user else None
        engagement = {"reactions": n} if (n := _reactions(message)) is not None else {}
        page.posts.append(Post(
            url=url, kind="comment", text=text,
            published_at=parse_time(message.css(".message-attribution-main time::attr(datetime)").get()
                                    or message.css("time.u-dt::attr(datetime)").get()),
            parent_url=f"{thread}post-{quoted[0]}" if quoted else thread, thread_url=thread,
            author_id=author or message.attrib.get("data-author"), engagement=engagement,
            extra={"post_id": int(match.group(1)), **({"quotes": [int(q) for q in quoted]} if quoted else {})},
        ))
    return page


def _thread_pages(last: int, limit: int) -> list[int]:
    # Page 1 holds the opening post (the thread itself); the newest replies are on the last pages.
    if last <= limit:
        return list(range(2, last + 1))
    return list(range(last - limit + 2, last + 1))


def _check(status: int, url: str) -> None:
    if status in (401, 403):
        raise AuthError(f"{url} needs a login (HTTP {status}): guests cannot read this forum")
    if status != 200:
        raise SocialError(f"{url} answered HTTP {status}")


def collect_thread(ref: ThreadRef, context: Context, max_pages: int) -> Iterator[Post | Skip]:
    """The thread as a social document (its opening post), then its replies as comments."""
    first = context.http.get(ref.url)
    if first.status in (403, 404, 410):
        yield Skip(ref.url, f"thread not readable (HTTP {first.status}: deleted, moved or private)")
        return
    _check(first.status, ref.url)
    page = parse_thread(first.text(), ref.url)
    pages = [page]
    for number in _thread_pages(page.last_page, max_pages):
        answer = context.http.get(f"{ref.url}page-{number}")
        if answer.status == 200:
            pages.append(parse_thread(answer.text(), ref.url))
    opening = page.posts.pop(0) if page.posts else None
    # The opening post is the thread: kind social, titled, with the listing's counts.
    counts = {k: v for k, v in (("replies", ref.replies), ("views", ref.views)) if v is not None}
    title = page.title or ref.title
    yield Post(url=ref.url, kind="social", text=opening.text if opening else title,
               published_at=opening.published_at if opening else None, title=title,
               author_id=opening.author_id if opening else None,
               engagement={**(opening.engagement if opening else {}), **counts},
               extra={"pages": page.last_page, **({"first_post_id": opening.extra["post_id"]} if opening else {})})
    for current in pages:
        yield from current.skips
        for post in current.posts:
            if opening and post.parent_url == opening.url:
                post.parent_url = ref.url  # quoting the opening post is replying to the thread
            yield post

def collect(source: SocialSource, context: Context) -> Iterator[Post | Skip]:
    """Threads of the forum's first listing pages, each with its opening post and newest replies."""
    max_threads = int(source.option("max_threads", 20))
    thread_pages = int(source.option("max_thread_pages", 3))
    url: str | None = source.url
    seen: list[ThreadRef] = []
    for _ in range(context.pages(source)):
        if not url or len(seen) >= max_threads:
            break
        answer = context.http.get(url)
        _check(answer.status, url)
        listing = parse_forum(answer.text(), url)
        if not listing.threads and not seen:
            raise SocialError(f"{urlsplit(url).netloc}: no threads on {url} (not a XenForo forum listing?)")
        seen += [t for t in listing.threads if t.url not in {s.url for s in seen}]
        url = listing.next_url
    for ref in seen[:max_threads]:
        yield from collect_thread(ref, context, thread_pages)
