"""Article extraction: one saved page (bytes or text) to an `Article`, or None for non-articles."""

from __future__ import annotations

import copy
import html as html_lib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import Document
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from crawlers.dates import VIETNAM_TZ, find_published, jsonld_objects
from crawlers.urls import canonicalize

LOGGER = logging.getLogger(__name__)

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
    """Bytes to text: BOM, valid UTF-8, the page's meta charset, the HTTP header, then detection."""
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    bom_encoding, bom = read_bom(data)
    if bom_encoding and bom:
        text = _strict(data[len(bom) :], bom_encoding)
        if text is not None:
            return unicodedata.normalize("NFC", text)
    # Valid UTF-8 with non-ASCII bytes is almost never another encoding, whatever the labels say.
    text = _strict(data, "utf-8")
    if text is None:
        header = http_content_type_encoding(declared) if declared and "=" in declared else declared
        # The page's own meta charset beats the header: servers often send a wrong default
        # (iso-8859-1), while the page was saved by someone who knew its encoding.
        for candidate in (html_body_declared_encoding(data), header):
            if candidate and (resolve_encoding(candidate) or "").startswith(("utf", "ascii")):
                continue  # proven wrong above
            text = _strict(data, candidate)
            if text is not None:
                break
    if text is None:
        best = charset_normalizer.from_bytes(data).best()
        text = str(best) if best is not None else data.decode("utf-8", errors="replace")
    # windows-1258 spells tones as combining marks: NFC makes them the usual precomposed letters.
    return unicodedata.normalize("NFC", text)


# --- metadata -----------------------------------------------------------------------------------


def _meta(tree: lxml_html.HtmlElement, *keys: str) -> list[str]:
    """Contents of meta tags named (name/property/itemprop) by any of the keys, in key order."""
    wanted = {k.lower() for k in keys}
    found: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@content]"):
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key in wanted:
                value = " ".join(unescape(meta.get("content") or "").split())
                if value:
                    found.setdefault(key, []).append(value)
    return [v for k in keys for v in found.get(k.lower(), [])]


def _article_objects(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON-LD objects that describe an article."""
    out = []
    for obj in objects:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and (k.endswith("Article") or k == "BlogPosting") for k in kinds):
            out.append(obj)
    return out


def _names(value: Any) -> list[str]:
    """Names out of a JSON-LD author/section value (string, object or list of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def unescape(value: str) -> str:
    """Undo HTML entities, twice-escaped ones included (JSON-LD and meta values often carry them)."""
    for _ in range(3):
        unescaped = html_lib.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    return unicodedata.normalize("NFC", value)


def _clean_name(value: str) -> str:
    """One-line, trimmed name."""
    return " ".join(unescape(value).split()).strip(" ,;-–|")


_GENERIC_AUTHORS = re.compile(r"^(https?://|www\.)|\.(vn|com|net|org)$", re.IGNORECASE)


def _author(tree: lxml_html.HtmlElement, articles: list[dict[str, Any]], fallback: str | None) -> str | None:
    """Author names: JSON-LD persons, then byline meta, never the outlet's own name or a URL."""
    candidates: list[str] = []
    for obj in articles:
        candidates.extend(_names(obj.get("author")))
    candidates.extend(_meta(tree, "dable:author", "article:author", "author", "dc.creator", "byl"))
    if fallback:
        candidates.extend(fallback.split(";"))
    publisher = {n.lower() for obj in articles for n in _names(obj.get("publisher"))}
    publisher.update(v.lower() for v in _meta(tree, "og:site_name"))
    seen: list[str] = []
    for raw in candidates:
        for part in re.split(r";", raw):
            name = _clean_name(part)
            if not name or _GENERIC_AUTHORS.search(name) or name.lower() in publisher:
                continue
            if name.isupper() and name.replace(" ", "").isascii() and len(name.split()) >= 2:
                continue  # "TUOI TRE ONLINE": an outlet label, not a person
            if name.lower() not in (s.lower() for s in seen):
                seen.append(name)
        if seen:
            break
    return ", ".join(seen) if seen else None


def _tags(tree: lxml_html.HtmlElement, articles: list[dict[str, Any]]) -> list[str]:
    """Article tags: article:tag, JSON-LD keywords, else news_keywords/keywords."""
    raw: list[str] = _meta(tree, "article:tag")
    if not raw:
        for obj in articles:
            kw = obj.get("keywords")
            raw.extend(kw if isinstance(kw, list) else [kw] if isinstance(kw, str) else [])
    if not raw:
        raw = _meta(tree, "news_keywords", "keywords")[:1]
    tags: list[str] = []
    for value in raw:
        for part in re.split(r"[,;]", value):
            tag = _clean_name(part)
            if tag and tag.lower() not in (t.lower() for t in tags) and len(tag) <= 80:
                tags.append(tag)
    return tags


def _section(tree: lxml_html.HtmlElement, articles: list[dict[str, Any]]) -> str | None:
    """Section: article:section, JSON-LD articleSection, else the breadcrumb's first item."""
    values = _meta(tree, "article:section")
    for obj in articles:
        values.extend(_names(obj.get("articleSection")))
    values.extend(jsonld_breadcrumbs(tree))
    for value in values:
        name = _clean_name(value)
        # Templates often fill a placeholder ("News") that says nothing.
        if name and name.lower() not in {"news", "tin tuc", "tin tức", "home", "trang chủ"}:
            return name
    return None


def jsonld_breadcrumbs(tree: lxml_html.HtmlElement) -> list[str]:
    """Names of a JSON-LD BreadcrumbList, home item dropped."""
    names: list[str] = []
    for obj in jsonld_objects(tree):
        if obj.get("@type") != "BreadcrumbList":
            continue
        items = obj.get("itemListElement") or []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            name = _names(item.get("name")) or _names(item.get("item"))
            if name:
                names.append(name[0])
    return [n for n in names if n.strip().lower() not in {"trang chủ", "home"}][:1]


def _canonical(tree: lxml_html.HtmlElement, url: str) -> str:
    """The page's canonical URL (link rel=canonical, og:url), canonicalised; else the fetch URL."""
    hrefs = tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    hrefs += _meta(tree, "og:url")
    for href in hrefs:
        href = href.strip()
        if not href:
            continue
        absolute = urljoin(url, href) if url else href
        if urlsplit(absolute).scheme in ("http", "https"):
            try:
                return canonicalize(absolute)
            except ValueError:
                continue
    try:
        return canonicalize(url)
    except ValueError:
        return url


def _lang(tree: lxml_html.HtmlElement, text: str) -> str | None:
    """Language: the html lang attribute, else 'vi' when the text is written in Vietnamese."""
    declared = (tree.get("lang") or "").strip().lower()
    if not declared:
        declared = next(iter(_meta(tree, "og:locale", "language", "content-language")), "").lower()
    if declared:
        return declared.replace("_", "-").split("-")[0] or None
    if len(_VI_LETTERS.findall(text)) > len(text) / 50:
        return "vi"
    return None


def _default_tz(url: str, tree: lxml_html.HtmlElement) -> timezone:
    """Offset to assume for times written without one: Vietnam's for Vietnamese outlets."""
    host = urlsplit(url).hostname or ""
    lang = (tree.get("lang") or "").lower()
    if host.endswith(".vn") or lang.startswith("vi") or not host:
        return VIETNAM_TZ
    return UTC


# --- text ---------------------------------------------------------------------------------------

_SAPO_XPATH = (
    "//*[contains(translate(@class,'SAPOLEADCHPU','sapoleadchpu'),'sapo')"
    " or contains(translate(@class,'SAPOLEADCHPU','sapoleadchpu'),'chapeau')"
    " or contains(translate(@class,'SAPOLEADCHPU','sapoleadchpu'),'lead')"
    " or contains(translate(@class,'DESCRIPTON','descripton'),'description')"
    " or contains(translate(@class,'SUMARY','sumary'),'summary')"
    " or @itemprop='description' or contains(@id,'sapo') or contains(@id,'Lead')][not(self::meta)]"
)
_SOURCE_PREFIX = re.compile(r"^\s*\(?[^()]{0,30}\)?\s*[-–—:]\s*")
_TRAILING_SOURCE = re.compile(
    r"^(theo|nguồn|source|ảnh|video|tin|bài|nhóm phóng viên|pv|ctv)\b.{0,70}$|^[\w\s.&,()/-]{2,60}$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…:;\"”»)]\s*$")


def _key(text: str) -> str:
    """Comparison key: lower-case letters and digits only."""
    return re.sub(r"\W+", "", text.lower())


def _lead(tree: lxml_html.HtmlElement, text: str, descriptions: list[str]) -> str | None:
    """The sapo (lead paragraph) when the extractor dropped it: a sapo-classed element or the description."""
    body_key = _key(text[:3000])
    desc_keys = [_key(_SOURCE_PREFIX.sub("", d))[:60] for d in descriptions if len(d) > 40]
    for el in tree.xpath(_SAPO_XPATH):
        if el.xpath("ancestor::a or ancestor::li or ancestor::nav or ancestor::header or ancestor::footer"):
            continue
        lead = " ".join(el.text_content().split())
        if not 40 <= len(lead) <= 1500:
            continue
        key = _key(lead)
        if key[:80] in body_key:
            return None  # already there
        classes = ((el.get("class") or "") + (el.get("id") or "")).lower()
        strong = "sapo" in classes or "chapeau" in classes
        bare = _key(_SOURCE_PREFIX.sub("", lead))
        if strong or any(d and (key.startswith(d) or bare.startswith(d)) for d in desc_keys):
            return lead
    return None


def _strip_edges(lines: list[str], title: str) -> list[str]:
    """Drop a repeated title at the top and source-name/byline lines at the bottom."""

    def kicker(line: str) -> bool:
        return _key(line) == _key(title) or len(line) < 40 and not _SENTENCE_END.search(line)

    while lines and kicker(lines[0]):
        # A short unpunctuated first line is a kicker or an app banner, not the lead.
        if len(lines) == 1:
            break
        lines = lines[1:]

    def source_line(line: str) -> bool:
        return len(line) <= 80 and bool(_TRAILING_SOURCE.match(line)) and not _SENTENCE_END.search(line)

    while len(lines) > 1 and source_line(lines[-1]):
        lines = lines[:-1]
    return lines


def _looks_like_list(tree: lxml_html.HtmlElement, lines: list[str]) -> bool:
    """Whether most extracted paragraphs start with a link's text: a section or home page."""
    anchors = {_key(" ".join(a.text_content().split()))[:40] for a in tree.xpath("//a")}
    anchors = {a for a in anchors if len(a) >= 20}
    if not lines or not anchors:
        return False
    linked = sum(1 for line in lines if _key(line)[:40] in anchors)
    return linked >= 4 and linked / len(lines) > 0.35


def extract_article(html: bytes | str, url: str, encoding: str | None = None) -> Article | None:
    """Extract the article of one page; None (with a logged reason) for a non-article or empty page."""
    try:
        return _extract(html, url, encoding)
    except (ValueError, TypeError, etree.LxmlError, RecursionError) as exc:
        LOGGER.warning("extraction failed for %s: %s", url, exc)
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
    doc = trafilatura.bare_extraction(
        copy.deepcopy(tree),
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    if not isinstance(doc, Document) or not (doc.text or "").strip():
        LOGGER.info("no main text: %s", url)
        return None
    title = " ".join((doc.title or "").split())
    objects = jsonld_objects(tree)
    articles = _article_objects(objects)
    for obj in articles:
        headline = obj.get("headline")
        if isinstance(headline, str) and headline.strip():
            title = " ".join(unescape(headline).split())
            break
    og_title = _meta(tree, "og:title")
    if not title and og_title:
        title = og_title[0]
    lines = [" ".join(line.split()) for line in (doc.text or "").splitlines()]
    lines = [line for line in lines if line]
    if _looks_like_list(tree, lines):
        LOGGER.info("list page, not an article: %s", url)
        return None
    lines = _strip_edges(lines, title)
    descriptions = _meta(tree, "og:description", "description")
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
    default_tz = _default_tz(url, tree)
    published = find_published(tree, default_tz, objects)
    if published is not None and default_tz is VIETNAM_TZ:
        published = published.astimezone(VIETNAM_TZ)
    return Article(
        url=url,
        canonical_url=_canonical(tree, url),
        title=title,
        text=text,
        published_at=published,
        author=_author(tree, articles, doc.author),
        section=_section(tree, articles),
        tags=_tags(tree, articles),
        lang=_lang(tree, text),
    )


__all__ = ["Article", "decode_html", "extract_article"]
