"""Article extraction: one saved page (bytes or text) to an `Article`, or None for non-articles."""

from __future__ import annotations

import copy
import html as html_lib
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from itertools import chain
from typing import Any
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import courlan
import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import Document
from trafilatura.utils import handle_compressed_file
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from crawlers.dates import (
    HEADING_XPATH,
    VIETNAM_TZ,
    find_published,
    headline_element,
    is_article_type,
    jsonld_objects,
    shown_times,
)
from crawlers.urls import canonicalize

LOGGER = logging.getLogger(__name__)

# Below this many characters of body text a page is a stub, a video or a gallery, not an article.
MIN_TEXT_CHARS = 250
_VI_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


@dataclass
class Article:
    """One extracted news article."""

    url: str
    canonical_url: str
    title: str
    text: str
    published_at: datetime | None = None
    author: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    lang: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (published_at as ISO 8601 with its offset)."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "text": self.text,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "author": self.author,
            "section": self.section,
            "lang": self.lang,
            "tags": list(self.tags),
        }


# --- decoding -----------------------------------------------------------------------------------


def _strict(data: bytes, encoding: str | None) -> str | None:
    """Decode strictly with a (resolved) encoding name, or None when it does not fit."""
    if not encoding:
        return None
    name = resolve_encoding(encoding) or encoding
    try:
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def decode_html(data: bytes | str, declared: str | None = None) -> str:
    """Bytes to NFC text: BOM, valid UTF-8, the page's meta charset, the HTTP charset, then detection.

    `declared` is the HTTP Content-Type header (or just its charset), when there was one.
    """
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    # Saved pages may be gzip/zstd/brotli compressed (trafilatura's bounded decompression).
    data = handle_compressed_file(data)
    bom_encoding, bom = read_bom(data)
    text = _strict(data[len(bom) :], bom_encoding) if bom_encoding and bom else None
    if text is None:
        # Valid UTF-8 with non-ASCII bytes is almost never another encoding, whatever the labels say.
        text = _strict(data, "utf-8")
    if text is None:
        header = http_content_type_encoding(declared) if declared and "=" in declared else declared
        # The page's own meta charset beats the header: servers often send a wrong default
        # (iso-8859-1), while whoever wrote the page knew its encoding.
        for candidate in (html_body_declared_encoding(data), header):
            if candidate and (resolve_encoding(candidate) or "").startswith("utf"):
                continue  # UTF-8 was proven wrong above
            text = _strict(data, candidate)
            if text is not None:
                break
    if text is None:
        best = charset_normalizer.from_bytes(data).best()
        text = str(best) if best is not None else data.decode("utf-8", errors="replace")
    # windows-1258 spells tones as combining marks: NFC makes them the usual precomposed letters.
    return unicodedata.normalize("NFC", text)


# --- metadata -----------------------------------------------------------------------------------


def unescape(value: str) -> str:
    """Undo HTML entities, twice-escaped ones included (JSON-LD and meta values often carry them)."""
    for _ in range(3):
        unescaped = html_lib.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    return unicodedata.normalize("NFC", value)


def _squash(value: str) -> str:
    """Entities undone, whitespace collapsed."""
    return " ".join(unescape(value).split())


def _meta(tree: lxml_html.HtmlElement, *keys: str) -> list[str]:
    """Contents of meta tags named (name/property/itemprop) by any of the keys, in key order."""
    wanted = {k.lower() for k in keys}
    found: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@content]"):
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key in wanted:
                value = _squash(meta.get("content") or "")
                if value:
                    found.setdefault(key, []).append(value)
    return [v for k in keys for v in found.get(k.lower(), [])]


def _names(value: Any) -> list[str]:
    """Names out of a JSON-LD author/section value (string, object or list of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def _clean_name(value: str) -> str:
    """One-line, trimmed name."""
    return _squash(value).strip(" ,;-–|:")


def _fold(value: str) -> str:
    """Lower-case ASCII letters and digits only, so "Dân Trí" matches "dantri"."""
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", decomposed)


_NOT_A_PERSON = re.compile(
    r"^(https?://|www\.)|\.(vn|com|net|org)\b|\b(corp|team|seo|online|news|admin|channelvn|ban biên tập|"
    r"báo|tạp chí|cổng thông tin|trang tin)\b",
    re.IGNORECASE,
)


def _outlet_keys(url: str, tree: lxml_html.HtmlElement, publishers: list[str]) -> set[str]:
    """Folded names of the outlet itself (host label, site name, publisher)."""
    # The registered domain's name: "dantri" for m.dantri.com.vn, "vnexpress" for e.vnexpress.net.
    domain = courlan.extract_domain(url, fast=True) if url else None
    keys = {_fold(domain.split(".")[0])} if domain else set()
    keys.update(_fold(n) for n in publishers + _meta(tree, "og:site_name", "application-name"))
    return {k for k in keys if len(k) >= 3}


def _title_outlet(tree: lxml_html.HtmlElement, headline: str) -> set[str]:
    """The outlet named after the headline in <title> ("<headline> | Thanh Niên Online")."""
    page_title = _squash(tree.findtext(".//title") or "")
    if not headline or not _key(page_title).startswith(_key(headline)):
        return set()
    tail = re.split(r"\s+[-|–—]\s+", page_title)
    name = _fold(tail[-1]) if len(tail) > 1 else ""
    return {name} if len(name) >= 3 and _key(tail[-1]) not in _key(headline) else set()


def _is_person(name: str, outlets: set[str]) -> bool:
    """Whether a byline value names people rather than the outlet, a team or a URL."""
    folded = _fold(name)
    if not folded or len(name) > 80 or _NOT_A_PERSON.search(name) or not re.search(r"[^\W\d_]{2}", name):
        return False
    if any(o in folded for o in outlets):
        return False  # "Báo Dân trí", "baotuoitre", "VnExpress"
    # "TUOI TRE ONLINE" style labels: all-caps ASCII is a brand, Vietnamese names carry diacritics.
    return not (name.isupper() and name.isascii() and len(name.split()) >= 2)


# "Theo", "Bài và ảnh:", "Tin, ảnh:", "Tác giả:" before a byline's names.
_CREDIT_PREFIX = re.compile(
    r"^((theo|by|tác giả|bài|tin|ảnh|bài và ảnh|tin và ảnh|tin, ảnh|bài, ảnh)\s*:?\s+)+", re.IGNORECASE
)

_BYLINE_XPATH = "//*[@rel='author' or @itemprop='author' or contains(@class,'author') or contains(@class,'byline')]"


def _author(
    tree: lxml_html.HtmlElement, articles: list[dict[str, Any]], outlets: set[str], byline: str | None
) -> str | None:
    """Author names: JSON-LD persons, byline meta, a byline element, the signature line of the text."""
    sources: list[list[str]] = []
    sources.append([n for obj in articles for n in _names(obj.get("author"))])
    sources.append(_meta(tree, "dable:author", "article:author", "author", "dc.creator", "sailthru.author"))
    sources.append([el.text_content() for el in tree.xpath(_BYLINE_XPATH)[:5]])
    if byline:
        sources.append([byline])
    for values in sources:
        people: list[str] = []
        for raw in values:
            if len(raw) > 120:
                continue  # a whole block of text, not a byline
            for part in re.split(r"[;|]|\s-\s", unescape(raw)):
                if re.match(r"^\W*(ảnh|video|photo|clip|đồ họa|nguồn|theo)\b", part.strip(), re.IGNORECASE):
                    continue  # a picture credit or a source outlet ("Theo Ngôi sao"), not the writer
                name = _clean_name(_CREDIT_PREFIX.sub("", part.strip()))
                if _is_person(name, outlets) and name.lower() not in (p.lower() for p in people):
                    people.append(name)
        if people:
            return ", ".join(people)
    return None


def _tags(tree: lxml_html.HtmlElement, articles: list[dict[str, Any]], outlets: set[str], title: str) -> list[str]:
    """Article tags: article:tag, JSON-LD keywords, else news_keywords/keywords."""
    raw: list[str] = _meta(tree, "article:tag")
    if not raw:
        for obj in articles:
            kw = obj.get("keywords")
            raw.extend(kw if isinstance(kw, list) else [kw] if isinstance(kw, str) else [])
    if not raw:
        # Old templates put the same site-wide list (outlet name first) on every page: skip it.
        lists = _meta(tree, "news_keywords", "keywords")
        raw = [v for v in lists if not any(_fold(t) in outlets for t in re.split(r"[,;]", v))][:1]
    if not raw:
        # The tag links shown under the story ("#học phí").
        raw = _page_links(tree, _TAG_BOX_XPATH, _TAG_CLASS, title, after=True)[:20]
    tags: list[str] = []
    for value in raw:
        for part in re.split(r"[,;]", unescape(str(value))):
            tag = _clean_name(part)
            # Placeholders some templates fill in for every page.
            if tag.lower() in {"news", "tin tuc", "tin tức"} or len(tag) > 80:
                continue
            if tag and tag.lower() not in (t.lower() for t in tags):
                tags.append(tag)
    return tags


# Link boxes whose class names tags ("tags", "box-tag", "the-article-tags") or the section
# ("breadcrumb", "detail-cate"); the XPath is loose, _page_links below is strict.
_TAG_BOX_XPATH = "//*[contains(@class,'tag')][not(self::a)]"
_SECTION_BOX_XPATH = "//*[contains(@class,'breadcrumb') or contains(@class,'cate')][not(self::a)]"
_TAG_CLASS = re.compile(r"^(?!.*hot)(.*[-_])?tags?([-_].*)?$")
_SECTION_CLASS = re.compile(r"breadcrumb|^(.*[-_])?cate(gory)?$")


def _page_links(
    tree: lxml_html.HtmlElement, box_xpath: str, class_re: re.Pattern[str], title: str, after: bool
) -> list[str]:
    """Texts of links in small boxes whose class matches, after (tags) or before (section) the headline."""
    headline = headline_element(tree, title)
    if headline is None:
        return []
    order = {el: i for i, el in enumerate(tree.iter())}
    mark = order[headline]
    texts: list[str] = []
    for box in tree.xpath(box_xpath):
        if not any(class_re.search(c) for c in (box.get("class") or "").split()):
            continue
        links = box.xpath(".//a")
        if not links or len(links) > 15 or (order.get(box, mark) > mark) != after:
            continue
        texts.extend(_clean_name(a.text_content()).lstrip("# ") for a in links)
    return [t for t in texts if 2 <= len(t) <= 40 and _key(t) != _key(title)]


_PLACEHOLDER_SECTIONS = {"news", "tin tuc", "tin tức", "home", "trang chủ", "trang chu"}


def _section(
    tree: lxml_html.HtmlElement,
    articles: list[dict[str, Any]],
    objects: list[dict[str, Any]],
    outlets: set[str],
    title: str,
) -> str | None:
    """Section: article:section, JSON-LD articleSection, else the breadcrumb's first item."""
    values = _meta(tree, "article:section")
    for obj in articles:
        values.extend(_names(obj.get("articleSection")))
    values.extend(_breadcrumbs(objects))
    # The section link shown above the headline (breadcrumb or category label).
    values.extend(_page_links(tree, _SECTION_BOX_XPATH, _SECTION_CLASS, title, after=False))
    for value in values:
        name = _clean_name(value)
        if not name or name.lower() in _PLACEHOLDER_SECTIONS or "." in name or _fold(name) in outlets:
            continue  # "Trang chủ", "xinhxinh.com.vn"
        return name
    return None


def _breadcrumbs(objects: list[dict[str, Any]]) -> list[str]:
    """Names of a JSON-LD BreadcrumbList, home item dropped."""
    names: list[str] = []
    for obj in objects:
        if obj.get("@type") != "BreadcrumbList":
            continue
        items = obj.get("itemListElement")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                name = _names(item.get("name")) or _names(item.get("item"))
                if name:
                    names.append(name[0])
    return [n for n in names if _clean_name(n).lower() not in _PLACEHOLDER_SECTIONS][:1]


def _canonical(tree: lxml_html.HtmlElement, url: str) -> str:
    """The page's canonical URL (link rel=canonical, og:url), canonicalised; else the fetch URL."""
    hrefs = tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    hrefs += _meta(tree, "og:url")
    for href in hrefs:
        href = href.strip()
        absolute = urljoin(url, href) if url else href
        if href and urlsplit(absolute).scheme in ("http", "https"):
            try:
                return canonicalize(absolute)
            except ValueError:
                continue
    try:
        return canonicalize(url)
    except ValueError:
        return url


def _lang(tree: lxml_html.HtmlElement, text: str) -> str | None:
    """Language of the text: Vietnamese by its letters, else the page's declared language."""
    # Old Vietnamese templates declare lang="en" by default; the letters do not lie.
    if len(_VI_LETTERS.findall(text)) > len(text) / 50:
        return "vi"
    declared = (tree.get("lang") or "").strip().lower()
    if not declared:
        declared = next(iter(_meta(tree, "og:locale", "language", "content-language")), "").lower()
    return declared.replace("_", "-").split("-")[0] or None


def _default_tz(url: str, tree: lxml_html.HtmlElement, text: str) -> timezone:
    """Offset to assume for times written without one: Vietnam's for Vietnamese outlets."""
    host = urlsplit(url).hostname or ""
    if host.endswith(".vn") or _lang(tree, text) == "vi":
        return VIETNAM_TZ
    return UTC


# --- title --------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Comparison key: lower-case letters and digits only."""
    return re.sub(r"\W+", "", text.lower())


def _strip_outlet(title: str, outlets: set[str]) -> str:
    """A title without trailing " - Báo Người Lao Động" / " | VTV.VN" outlet segments."""
    while True:
        seps = list(re.finditer(r"\s+[-|–—]\s+", title))
        if not seps:
            return title
        last = title[seps[-1].end() :]
        if not (any(o in _fold(last) for o in outlets) or re.match(r"^(báo|tạp chí)\b", last, re.I)):
            return title
        title = title[: seps[-1].start()]


def _title(tree: lxml_html.HtmlElement, articles: list[dict[str, Any]], outlets: set[str], fallback: str) -> str:
    """Headline: JSON-LD headline, a heading the <title> starts with, og:title, else <title>'s first part."""
    for obj in articles:
        for headline in _names(obj.get("headline")) + _names(obj.get("name")):
            if _squash(headline):
                return _strip_outlet(_squash(headline), outlets)
    page_title = _squash(tree.findtext(".//title") or "")
    headings = [_squash(h.text_content()) for h in tree.xpath(HEADING_XPATH)]
    for heading in headings:
        # <title> is "headline - section - outlet"; an h1 that it starts with is the bare headline.
        if len(heading) >= 10 and page_title and _key(page_title).startswith(_key(heading)):
            return heading
    og = _meta(tree, "og:title", "twitter:title")
    if og:
        return _strip_outlet(og[0], outlets)
    segments = {_key(seg) for seg in re.split(r"\s+[-|–—:]\s+", page_title) if len(seg) >= 15}
    for heading in headings:
        if _key(heading) in segments:
            return heading  # "Outlet - Headline" titles
    if page_title:
        # "Headline - Section | Outlet": the first segment is the headline.
        return re.split(r"\s+[-|–—]\s+", page_title)[0]
    return _squash(fallback)


# --- text ---------------------------------------------------------------------------------------

# Page furniture that is never the story (trafilatura misses some of it): semantic tags, and blocks
# named "footer" (those only when footer-sized, as a class name may also sit on a story wrapper).
_FURNITURE_XPATH = "//footer | //nav | //aside"
_FOOTER_XPATH = "//*[contains(@class,'footer') or contains(@id,'footer')]"
# Picture captions: trafilatura drops <figcaption> but not the caption blocks of many Vietnamese CMSs.
_CAPTION_XPATH = "//figcaption | //*[contains(translate(@class,'CAPTION','caption'),'caption')]"
# Boxes that sit inside or beside the story (related links, sharing, tags, ads); class names vary, so
# they are removed only when they read like link lists (see _prune). Matched in Python: an XPath
# with this many contains() costs more than the extraction itself.
_BOX_CLASS = re.compile(
    r"related|relate-|lienquan|lien-quan|box-tag|tags-|social|share|comment|breadcrumb|banner|advert"
    r"|qc-|newsletter|most-|xem-them|readmore",
    re.IGNORECASE,
)
_BOX_ID = re.compile(r"related|comment|lienquan", re.IGNORECASE)


def _boxes(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Related-story, sharing, tag and ad boxes, in document order."""
    return [
        el
        for el in tree.xpath("//*[@class or @id or @type or @data-role]")
        if _BOX_CLASS.search(el.get("class") or "")
        or _BOX_ID.search(el.get("id") or "")
        or el.get("type") in ("RelatedNewsBox", "RelatedOneNews")
        or "related" in (el.get("data-role") or "")
    ]


_LAYOUT_TAGS = dict.fromkeys(("table", "thead", "tbody", "tfoot", "tr", "td", "th"), "div")


def _unwrap_layout_tables(tree: lxml_html.HtmlElement) -> None:
    """Turn tables used for page layout (cells holding paragraphs or long prose) into plain divs.

    Old sites and government portals lay whole pages out in tables; extractors then flatten a
    story into one "table cell". Data tables (short cells) are left alone.
    """
    for table in tree.xpath("//table"):
        layout = bool(table.xpath(".//td//p | .//td//div | .//td//table | .//td//h1 | .//td//ul | .//td//br"))
        if not layout:
            cells = table.xpath(".//td | .//th")
            layout = len(cells) <= 2 and any(len(c.text_content()) > 200 for c in cells)
        if layout:
            for el in [table, *table.iterdescendants("thead", "tbody", "tfoot", "tr", "td", "th")]:
                el.tag = _LAYOUT_TAGS[el.tag]


def _link_density(el: lxml_html.HtmlElement) -> float:
    """Share of an element's text that sits inside links."""
    total = len(" ".join(el.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / total if total else 1.0


def _prune(tree: lxml_html.HtmlElement) -> None:
    """Remove boilerplate blocks in place, but never one that holds the headline or most of the page."""
    _unwrap_layout_tables(tree)
    body_len = len(tree.text_content()) or 1
    # Largest block each kind may be when it is not a link list: beyond, it may hold the story.
    groups = (
        (tree.xpath(_FURNITURE_XPATH), body_len),
        (tree.xpath(_FOOTER_XPATH), 1500),
        (tree.xpath(_CAPTION_XPATH), 400),
        (_boxes(tree), 300),
    )
    for found, largest in groups:
        for el in found:
            size = len(el.text_content())
            if el.getparent() is None or el.xpath(".//h1") or size > body_len / 2:
                continue
            if size > largest and _link_density(el) < 0.3:
                continue  # "no-caption", "share-bar", "footer-sticky" wrappers around the story
            el.drop_tree()


# Where a sapo lives: class names in Vietnamese CMSs (sapo, chapeau, tóm tắt, mô tả) and elsewhere.
_SAPO_CLASS = re.compile(
    r"sapo|chapeau|chappeau|lead|desc|tomtat|mota|summary|excerpt|intro|abstract", re.IGNORECASE
)


def _sapo_blocks(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Blocks whose class, id or itemprop names a sapo, in document order."""
    return [
        el
        for el in tree.xpath("//*[@class or @id or @itemprop][not(self::meta)]")
        if _SAPO_CLASS.search(el.get("class") or "")
        or el.get("itemprop") == "description"
        or re.search(r"sapo|lead", el.get("id") or "", re.IGNORECASE)
    ]


_STRONG_SAPO = ("sapo", "chapeau", "chappeau", "tomtat")
# "(Dân trí) - ", "TTO - ", "Chinhphu.vn: "; written without overlapping parts so it runs in linear time.
_SOURCE_PREFIX = re.compile(r"(?:\([^()]{1,30}\)|[^\W\d][^()\-–—:]{0,29})\s*[-–—:]\s*")


def _strip_source(text: str) -> str:
    """Text without a leading "(Dân trí) - " / "TTO - " style source prefix."""
    text = text.lstrip()
    m = _SOURCE_PREFIX.match(text)
    return text[m.end() :] if m else text


_OUTSIDE_STORY = "ancestor-or-self::a or ancestor::li or ancestor::nav or ancestor::header or ancestor::footer"


def _lead_text(el: lxml_html.HtmlElement) -> str:
    """Text of a lead element without a trailing ">> related story" link."""
    return re.sub(r"\s*(>>|»)\s*[^>»]*$", "", _squash(el.text_content()))


def _description_blocks(tree: lxml_html.HtmlElement, desc_keys: list[str]) -> Iterator[lxml_html.HtmlElement]:
    """Blocks whose text starts like the page's meta description."""
    for node in tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]"):
        if len(node) < 30:
            continue
        key = _key(_strip_source(str(node)[:200]))
        if len(key) >= 30 and any(key.startswith(d[:30]) for d in desc_keys):
            # A tail text belongs to the block around the element it follows.
            holder = node.getparent()
            yield holder.getparent() if node.is_tail else holder


def _lead(tree: lxml_html.HtmlElement, text: str, descriptions: list[str]) -> str | None:
    """The sapo (lead paragraph) when the extractor dropped it.

    Either an element whose class says so (sapo, lead, chapeau…) or the block that shows the page's
    meta description, which on news sites is the sapo. Class-named blocks are tried first: they
    settle most pages without a scan of every text node.
    """
    body_key = _key(text[:3000])
    desc_keys = [_key(_strip_source(d))[:60] for d in descriptions if len(d) > 40]
    desc_keys = [d for d in desc_keys if len(d) >= 30]
    candidates = chain(_sapo_blocks(tree), _description_blocks(tree, desc_keys) if desc_keys else ())
    for el in candidates:
        if el.xpath(_OUTSIDE_STORY):
            continue
        lead = _lead_text(el)
        if not 40 <= len(lead) <= 1500:
            continue
        key = _key(lead)
        bare = _key(_strip_source(lead))
        if key[:80] in body_key or bare[:80] in body_key:
            return None  # already there
        classes = ((el.get("class") or "") + (el.get("id") or "")).lower()
        strong = any(name in classes for name in _STRONG_SAPO)
        if strong or any(key.startswith(d) or bare.startswith(d) for d in desc_keys):
            return lead
    return None


_SENTENCE_END = re.compile(r"[.!?…:;\"”»]\s*$")
# Closing lines that credit a source or a picture, not the writer: "Theo Nhịp sống thị trường",
# "(Nguồn: Đại Đoàn kết)", "Ảnh: Ngọc Thành".
_SOURCE_CREDIT = re.compile(r"^\(?\s*(theo|nguồn|source|ảnh|video|clip|đồ họa)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^([-•+*–]|\d+[.)])\s")
# Signatures made of initials: "H.V.", "K.Miên", "T.L."
_INITIALS = re.compile(r"^(?:[A-ZĐ]\.\s?){1,3}(?:[A-ZĐ]\w*\.?)?$")
_TEASER = re.compile(r"(\.\.\.|…)\s*$")
_END_MARKER = re.compile(
    r"^(ý kiến bạn đọc|ý kiến của bạn|gửi ý kiến|bình luận|tin liên quan|tin cùng (chuyên )?mục|các tin khác"
    r"|tin khác|bài viết liên quan|đọc thêm|xem thêm|xem tất cả|thông tin cập nhật về|chia sẻ ảnh của bạn"
    r"|theo dòng sự kiện)\b"
    r"|hoan nghênh ý kiến (của )?bạn đọc",
    re.IGNORECASE,
)
_NAV_LINE = re.compile(r"^(\[?(quay lại|trở về|về đầu trang|in bài|gửi bài|bình luận|chia sẻ)\]?)$", re.I)


def _table_cells(line: str) -> list[str]:
    """A table row rendered by trafilatura ("| a | b |") as text; other lines unchanged.

    A row with one filled cell is a layout cell (its prose is kept); a data row stays one line
    ("An Giang | IR 50404 | 7.800"); separator rows and calendar grids ("CN | T2 | T3") go.
    """
    if not line.startswith("|"):
        return [line]
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    filled = [c for c in cells if c and not set(c) <= set("-: ")]
    if len(filled) <= 1:
        return filled
    if all(len(c) <= 3 for c in filled):
        return []
    return [" | ".join(filled)]


def _anchor_keys(tree: lxml_html.HtmlElement) -> set[str]:
    """Keys of the texts of links to other pages (to spot related-article lists in the text)."""
    keys = set()
    for a in tree.xpath("//a[@href]"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        key = _key(a.text_content())
        if len(key) >= 15:
            keys.add(key)
    return keys


def _linked_prefix(line: str, anchors: set[str]) -> int:
    """Length (in key characters) of the longest link text the paragraph starts with; 0 if none."""
    stripped = re.sub(r"^(>>|»|-|•|\*|xem thêm:?|đọc thêm:?|tin liên quan:?)\s*", "", line, flags=re.I)
    key = _key(stripped)[:300]
    for n in range(len(key), 14, -1):
        if key[:n] in anchors:
            return n
    return 0


def _is_link_line(line: str, anchors: set[str]) -> bool:
    """Whether a paragraph is a link to another story (">> Xem thêm …", a related headline + its date)."""
    if len(line) >= 220:
        return False
    n = _linked_prefix(line, anchors)
    rest = len(_key(line)) - n
    # A paragraph that merely opens with a linked law name is prose; a headline plus a date is not.
    return n > 0 and (rest <= 14 or n >= 0.6 * (n + rest))


def _is_dateline(line: str) -> bool:
    """Whether a line is only a date/time stamp ("Thứ Hai, 24/12/2012, 03:04 AM (GMT+7)")."""
    for begin, finish, _shown in shown_times(line):
        rest = line[:begin] + line[finish:]
        rest = re.sub(
            r"(thứ\s+\w+|chủ nhật|cập nhật|ngày|lúc|gmt\s*[+-]\s*\d+|[\W\d])",
            " ",
            rest,
            flags=re.I,
        )
        return len(rest.strip()) <= 3
    return False


def _looks_like_names(line: str) -> bool:
    """Whether a signature line reads as people's names ("Hà Thu", "K. Miên", "NHẬT XUÂN - NGHI VŨ")."""
    words = re.findall(r"[^\W\d_][\w.]*", line)
    return 0 < len(words) <= 8 and all(w[0].isupper() for w in words)


def _is_meta_line(line: str) -> bool:
    """Whether an opening line is a byline/dateline ("Theo Nhịp sống thị trường 12-03-2026 - 09:30 AM")."""
    if _is_dateline(line):
        return True
    stamped = next(iter(shown_times(line)), None) is not None
    return stamped and len(line) < 90 and not _SENTENCE_END.search(line)


def _closing_line(line: str) -> tuple[bool, str | None]:
    """Whether a story's last line is a credit or page debris rather than prose; and the byline it names.

    "Hà Thu (tổng hợp)", "K. Miên", "Bài và ảnh: Minh Anh" name the writer; "Theo VnExpress" names a
    source; a phone number, a hashtag row or a short unpunctuated label is debris. A list item or a
    sentence is the story.
    """
    if len(line) > 90 or _LIST_ITEM.match(line):
        return False, None
    if _SOURCE_CREDIT.match(line):
        return len(line) <= 70, None
    if not re.search(r"[^\W\d_]", line) or all(w.startswith("#") for w in line.split()):
        return True, None
    name = _CREDIT_PREFIX.sub("", re.sub(r"\s*\((tổng hợp|theo [^)]*|lược dịch|dịch|ghi|thực hiện)\)$", "", line))
    name = name.strip(" .") if _INITIALS.match(name) else name.strip()
    if _INITIALS.match(line) or (not _SENTENCE_END.search(line) and _looks_like_names(name)):
        return True, name or None
    # A short unpunctuated tail ("Nhịp sống thị trường", a box heading, the headline again) is debris.
    return not _SENTENCE_END.search(line) and len(line) <= 60, None


def _clean_lines(lines: list[str], title: str, anchors: set[str]) -> tuple[list[str], str | None]:
    """Body paragraphs without the repeated title, link lists and trailing credit lines; and the byline."""
    out: list[str] = []
    for line in lines:
        for cell in _table_cells(line):
            cell = " ".join(cell.split())
            # The lead is often also linked from a "most read" box: a long opening line stays.
            linked = _is_link_line(cell, anchors) and (len(out) >= 2 or len(cell) < 100 or cell[:1] in ">»")
            if cell and not _NAV_LINE.match(cell) and not linked:
                out.append(cell)
    # What follows a "Ý kiến bạn đọc" / "Tin cùng chuyên mục" heading is not the story; an inline
    # "Xem thêm: <headline>" is a longer line and only drops itself (as a link line, above).
    for i, line in enumerate(out):
        if i >= 2 and i >= len(out) * 0.3 and _END_MARKER.search(line) and (len(line) <= 40 or "ý kiến" in line):
            out = out[:i]
            break
    title_key = _key(title)

    def preamble(line: str) -> bool:
        key = _key(line)
        if key == title_key or _is_dateline(line):
            return True
        if len(title_key) >= 10 and title_key in key:
            # "Thứ năm, 20/12/2012, 10:18 GMT+7 <headline>": the headline plus a dateline or a kicker.
            rest = key.replace(title_key, "", 1)
            return len(rest) <= 12 or (len(rest) <= 40 and next(iter(shown_times(line)), None) is not None)
        return len(line) < 40 and not _SENTENCE_END.search(line)  # a kicker, an app banner

    while len(out) > 1 and preamble(out[0]):
        out = out[1:]
    out = [line for i, line in enumerate(out) if i >= 3 or not _is_meta_line(line)]
    while len(out) > 2 and _TEASER.search(out[-1]) and _TEASER.search(out[-2]):
        out = out[:-2]  # teasers of other stories ("… nhất là...")

    byline: str | None = None
    while len(out) > 1:
        verdict, name = _closing_line(out[-1])
        if not verdict:
            break
        out.pop()
        byline = byline or name
    return out, byline


def _looks_like_list(lines: list[str], anchors: set[str]) -> bool:
    """Whether the text reads as a list of stories: linked headlines or "source | time" lines."""
    if not lines:
        return False
    # A headline-sized link opening the line; a linked law name ("Nghị định 168/2024/NĐ-CP") is not one.
    linked = sum(1 for line in lines if (n := _linked_prefix(line, anchors)) >= 40 or n >= len(_key(line)) / 2)
    stamped = sum(1 for line in lines if len(line) < 90 and next(iter(shown_times(line)), None))
    return any(n >= 4 and n / len(lines) > 0.3 for n in (linked, stamped))


def _article_evidence(
    tree: lxml_html.HtmlElement,
    objects: list[dict[str, Any]],
    articles: list[dict[str, Any]],
    title: str,
    url: str,
) -> int:
    """Signals that a page is one article (positive) rather than a section or home page (negative)."""
    score = 0
    if urlsplit(url).scheme in ("http", "https") and urlsplit(url).path in ("", "/"):
        score -= 2  # a site's root is its home page
    if articles:
        score += 2
    elif any(str(o.get("@type")) in ("WebSite", "CollectionPage", "ItemList") for o in objects):
        score -= 1  # the site writes JSON-LD and says this page is not an article
    og_type = next(iter(_meta(tree, "og:type")), "").lower()
    score += 1 if og_type == "article" else 0
    if _meta(tree, "article:published_time", "datepublished", "pubdate"):
        score += 1
    if headline_element(tree, title) is not None:
        score += 1  # the headline is shown as a heading, as on every article page
    return score


def _jsonld_body(articles: list[dict[str, Any]]) -> list[str]:
    """Paragraphs of a JSON-LD articleBody (plain text or HTML), for pages rendered by scripts."""
    for obj in articles:
        body = obj.get("articleBody")
        if not isinstance(body, str) or not body.strip():
            continue
        body = unescape(body)
        if "<" in body:
            body = re.sub(r"(?i)<br\s*/?>|</(p|div|h\d|li)>", "\n", body)
            body = lxml_html.fragment_fromstring(body, create_parent="div").text_content()
        return [line for line in (" ".join(part.split()) for part in body.splitlines()) if line]
    return []


def extract_article(html: bytes | str, url: str, encoding: str | None = None) -> Article | None:
    """Extract the article of one page; None (with a logged reason) for a non-article or empty page.

    `encoding` is the HTTP Content-Type header or charset, when known. Never raises on bad HTML.
    """
    try:
        return _extract(html, url, encoding)
    except Exception as exc:
        # The spider hands every fetched page here: one malformed page must not stop a crawl.
        LOGGER.warning("extraction failed for %s: %s: %s", url, type(exc).__name__, exc)
        return None


def _extract(html: bytes | str, url: str, encoding: str | None) -> Article | None:
    """Body of extract_article (may raise on hopeless input)."""
    text_html = decode_html(html, encoding)
    if not text_html.strip():
        LOGGER.info("empty page: %s", url)
        return None
    tree = trafilatura.load_html(text_html)
    if tree is None:
        LOGGER.info("unparsable page: %s", url)
        return None
    objects = jsonld_objects(tree)
    articles = [o for o in objects if is_article_type(o)]
    work = copy.deepcopy(tree)
    _prune(work)
    doc = trafilatura.bare_extraction(
        work,
        url=url or None,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
    )
    found = doc if isinstance(doc, Document) else None
    raw_lines = [" ".join(line.split()) for line in ((found.text if found else "") or "").splitlines()]
    raw_lines = [line for line in raw_lines if line]
    shipped = _jsonld_body(articles)
    if sum(map(len, raw_lines)) < MIN_TEXT_CHARS <= sum(map(len, shipped)) or (
        shipped and _key("".join(raw_lines)) == _key("".join(shipped))
    ):
        # The page draws the story with scripts and its JSON-LD carries the text (trafilatura may
        # have read it there too, flattened into one paragraph).
        raw_lines = shipped
    if not raw_lines:
        LOGGER.info("no main text: %s", url)
        return None
    publishers = [n for obj in articles for n in _names(obj.get("publisher"))]
    canonical = _canonical(tree, url)
    # The fetch URL may be unknown (a saved file): the page's canonical URL names the outlet too.
    outlets = _outlet_keys(url, tree, publishers) | _outlet_keys(canonical, tree, publishers)
    title = _title(tree, articles, outlets, (found.title if found else "") or "")
    outlets |= _title_outlet(tree, title)
    anchors = _anchor_keys(tree)
    if _looks_like_list(raw_lines, anchors) or _article_evidence(tree, objects, articles, title, url) < 1:
        LOGGER.info("list or home page, not an article: %s", url)
        return None
    lines, byline = _clean_lines(raw_lines, title, anchors)
    descriptions = _meta(tree, "og:description", "description", "twitter:description")
    descriptions += [d for obj in articles for d in _names(obj.get("description"))]
    lead = _lead(tree, "\n".join(lines), descriptions)
    if lead:
        lines.insert(0, lead)
    text = "\n".join(lines)
    if len(text) < MIN_TEXT_CHARS:
        LOGGER.info("text too short (%d chars), not an article: %s", len(text), url)
        return None
    if not title:
        LOGGER.info("no title: %s", url)
        return None
    default_tz = _default_tz(canonical, tree, text)
    published = find_published(tree, default_tz, objects, title)
    if published is not None and default_tz is VIETNAM_TZ:
        published = published.astimezone(VIETNAM_TZ)
    return Article(
        url=url,
        canonical_url=canonical,
        title=title,
        text=text,
        published_at=published,
        author=_author(tree, articles, outlets, byline),
        section=_section(tree, articles, objects, outlets, title),
        tags=_tags(tree, articles, outlets, title),
        lang=_lang(tree, text),
    )
