"""Telegram public channels through the web preview t.me/s/CHANNEL, newest first, older pages by ?before=ID."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from parsel import Selector

from crawlers.social.errors import SocialError
from crawlers.social.model import Post, Skip
from crawlers.social.parse import block_text, parse_count, parse_time
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context

PUBLIC_BASE = "https://t.me"
# Ids missing inside a page's range are posts deleted since; a huge gap means something else (a reset).
MAX_GAP = 500
MEDIA = ".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player, .tgme_widget_message_document"


@dataclass
class ChannelPage:
    """What one preview page shows: posts, skipped items, all message ids present, the next cursor."""

    posts: list[Post] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    before: int | None = None
    is_channel: bool = False


def channel_of(url: str) -> str:
    """The channel name in a t.me/s/NAME (or t.me/NAME) address."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if parts and parts[0] == "s":
        parts = parts[1:]
    if not parts:
        raise SocialError(f"no channel name in {url!r}: use https://t.me/s/CHANNEL")
    return parts[0]


def parse_page(html: str, channel: str) -> ChannelPage:
    """Parse one t.me/s/CHANNEL page into posts (views and reactions as engagement)."""
    doc = Selector(text=html)
    page = ChannelPage(is_channel=bool(doc.css(".tgme_channel_info, .tgme_widget_message")))
    for message in doc.css(".tgme_widget_message[data-post]"):
        data_post = message.attrib["data-post"]
        name, _, number = data_post.rpartition("/")
        if not number.isdigit():
            continue
        page.ids.add(int(number))
        url = f"{PUBLIC_BASE}/{name or channel}/{number}"
        if "service_message" in message.attrib.get("class", ""):
            page.skips.append(Skip(url, "service message", gone=False))
            continue
        text_node = message.css(".js-message_text, .tgme_widget_message_text")
        text = block_text(text_node[0]) if text_node else ""
        if not text:
            page.skips.append(Skip(url, "no text (media only)", gone=False))
            continue
        engagement: dict[str, int] = {}
        views = parse_count(message.css(".tgme_widget_message_views::text").get())
        if views is not None:
            engagement["views"] = views
        reactions = [parse_count("".join(r.xpath("./text()").getall())) for r in message.css(".tgme_reaction")]
        if reactions:
            engagement["reactions"] = sum(r or 0 for r in reactions)
        extra: dict[str, object] = {"channel": name or channel, "message_id": int(number)}
        forwarded = message.css(".tgme_widget_message_forwarded_from_name")
        if forwarded:
            extra["forwarded_from"] = "".join(forwarded.css("::text").getall()).strip()
        if message.css(MEDIA):
            extra["has_media"] = True
        page.posts.append(Post(
            url=url, kind="social", text=text,
            published_at=parse_time(message.css(".tgme_widget_message_date time::attr(datetime)").get()),
            author_id=(message.css(".tgme_widget_message_from_author::text").get() or "").strip() or None,
            engagement=engagement, extra=extra,
        ))
    more = doc.css(".tme_messages_more::attr(data-before)").get()
    # Only the "load older" link says there is more: the channel's first page has none.
    page.before = int(more) if more and more.isdigit() else None
    return page


def gaps(ids: set[int], upper: int | None) -> list[int]:
    """Message ids missing between the lowest id on the page and the last one seen above it."""
    if not ids:
        return []
    top = (upper - 1) if upper is not None else max(ids)
    if top - min(ids) > MAX_GAP:
        return []
    return [i for i in range(min(ids), top + 1) if i not in ids]


def collect(source: SocialSource, context: Context) -> Iterator[Post | Skip]:
    """Newest posts of the channel, then older pages until max_pages or the channel's start."""
    channel = str(source.option("channel") or channel_of(source.url))
    base = source.url.split("?", 1)[0]
    before: int | None = None
    upper: int | None = None
    for page_no in range(context.pages(source)):
        response = context.http.get(base, {"before": before} if before else None)
        page = parse_page(response.text(), channel) if response.ok else ChannelPage()
        if response.status == 404 or (response.ok and page_no == 0 and not page.is_channel):
            # A private or unknown channel redirects to its t.me/NAME card, which has no messages.
            raise SocialError(f"t.me/s/{channel} shows no public preview: the channel is private, renamed or gone")
        if not response.ok:
            raise SocialError(f"t.me/s/{channel} answered HTTP {response.status}")
        yield from page.posts
        yield from page.skips
        for missing in gaps(page.ids, upper):
            yield Skip(f"{PUBLIC_BASE}/{channel}/{missing}", "missing from the public preview (deleted or hidden)")
        if not page.ids or page.before is None or page.before <= 1 or page.before == before:
            return
        upper = min(page.ids)
        before = page.before
