"""Training and evaluation data for the policy-topic classifier, built from ../shared.

Sources (all read from the caller's ``shared_dir``; nothing here is shipped):

* Timeline ``data/timeline/rss_timeline_2025_2026.jsonl.gz`` (VnExpress, Thanh Niên, Tuổi Trẻ).
  The newest ``DEMO_DAYS`` days (counted back from the newest ``published``) are never used
  for training: the demo shows them, and the evaluation set is drawn from them, together with
  every VnExpress item whose link carries a section path (``URL_SECTIONS``: health,
  entertainment; too rare to take from 60 days only).
  Older items of the VnExpress section feeds are labelled by ``TIMELINE_SECTIONS`` (the
  ``category`` field), other outlets' links with a section path by ``URL_SECTIONS``.
  Older items of the general feeds (category "Tổng hợp") get a weak label when their title
  holds strong phrases of exactly one weak topic (``nlp/gazetteer/topic_keywords.toml``).
  Text = title + ". " + summary.
* Báo Mới ``data/topics/baomoi_tc201805.jsonl.gz`` (title + lead), mapped by ``BAOMOI_MAP``.
* VNTC ``data/topics/vntc_train.jsonl.gz`` (full articles, cut to ``VNTC_CHARS`` characters so
  that training text looks like a headline + lead), mapped by ``VNTC_MAP``.

Exact duplicate texts (after case and space folding) are kept once, and no training text shares
a title with an evaluation item. ``docs/taxonomy.md`` holds the tables in prose.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple

KEYWORDS_FILE = Path(__file__).parent / "gazetteer" / "topic_keywords.toml"
TIMELINE = Path("data/timeline/rss_timeline_2025_2026.jsonl.gz")
BAOMOI = Path("data/topics/baomoi_tc201805.jsonl.gz")
VNTC = Path("data/topics/vntc_train.jsonl.gz")

DEMO_DAYS = 60
VNTC_CHARS = 500

# Timeline `category` of the VnExpress section feeds -> slug. The general feeds are "Tổng hợp".
TIMELINE_SECTIONS: dict[str, str] = {
    "Kinh doanh": "kinh-te",
    "Thể thao": "van-hoa-the-thao",
    "Công nghệ": "khoa-hoc-cong-nghe",
    "Thế giới": "doi-ngoai",
}
# First path segment of a timeline link -> slug (only a few general-feed links carry one).
# "oto-xe-may" (car market) and "thoi-trang-tre" (fashion) are left out: neither is one topic.
URL_SECTIONS: dict[str, str] = {
    "suc-khoe": "y-te",
    "giai-tri": "van-hoa-the-thao",
    "the-thao": "van-hoa-the-thao",
    "the-gioi": "doi-ngoai",
    "van-hoa": "van-hoa-the-thao",
}


class SourceLabel(NamedTuple):
    """How a corpus label maps to a slug: a default (None = drop) and slugs a title may pick."""

    default: str | None
    refine: tuple[str, ...] = ()


# A title holding strong phrases of exactly one `refine` slug (or of the default) takes that
# slug; grab-bag categories thus split into topics instead of polluting one.
BAOMOI_MAP: dict[str, SourceLabel] = {
    "Bất động sản": SourceLabel("dat-dai-xay-dung"),
    "Chính trị và Pháp luật": SourceLabel("phap-luat", ("chinh-tri", "quoc-phong")),
    "Con người & Xã hội - Gia đình & mối quan hệ - Hôn nhân": SourceLabel("doi-song"),
    "Con người & Xã hội - Khoa học xã hội - Văn hoá": SourceLabel("van-hoa-the-thao"),
    "Con người & Xã hội": SourceLabel("doi-song", ("lao-dong", "y-te", "giao-duc", "giao-thong")),
    "Du lịch": SourceLabel("van-hoa-the-thao"),
    "Giáo dục và Việc làm - Giáo dục": SourceLabel("giao-duc"),
    "Giáo dục và Việc làm - Việc làm": SourceLabel("lao-dong"),
    "Khoa học - Sinh thái & Môi trường": SourceLabel("moi-truong"),
    "Khoa học": SourceLabel("khoa-hoc-cong-nghe", ("moi-truong",)),
    "Kinh doanh và Công nghiệp": SourceLabel("kinh-te", ("dat-dai-xay-dung", "giao-thong")),
    "Làm đẹp và Thể hình - Sức khỏe": SourceLabel("y-te"),
    "Máy vi tính và Đồ điện tử - Mạng máy tính và Viễn thông": SourceLabel("khoa-hoc-cong-nghe"),
    "Máy vi tính và Đồ điện tử": SourceLabel("khoa-hoc-cong-nghe"),
    "Mạng máy tính và Viễn thông": SourceLabel("khoa-hoc-cong-nghe"),
    "Sức khoẻ": SourceLabel("y-te"),
    "Thể Thao - Thể thao đồng đội - Bóng Đá": SourceLabel("van-hoa-the-thao"),
    "Thể thao - Thể thao đối kháng": SourceLabel("van-hoa-the-thao"),
    "Tài chính - Đầu tư - Cổ phiếu và trái phiếu": SourceLabel("kinh-te"),
    "Tài chính": SourceLabel("kinh-te"),
    "Văn hóa Ẩm thực": SourceLabel("doi-song"),
    # Pets, games, shopping/fashion and home & garden are not policy topics.
    "Thú cưng và Động vật": SourceLabel(None),
    "Trò chơi": SourceLabel(None),
    "Mua sắm - Trang phục": SourceLabel(None),
    "Nhà vườn": SourceLabel(None),
}

_VNTC_SOCIAL = (
    "chinh-tri", "lao-dong", "giao-duc", "giao-thong", "moi-truong", "dat-dai-xay-dung",
    "quoc-phong", "y-te",
)
VNTC_MAP: dict[str, SourceLabel] = {
    "The thao": SourceLabel("van-hoa-the-thao"),
    # "Politics & society" is a grab bag: only titles that name one topic are kept.
    "Chinh tri Xa hoi": SourceLabel(None, _VNTC_SOCIAL),
    "Phap luat": SourceLabel("phap-luat"),
    "Suc khoe": SourceLabel("y-te"),
    "Doi song": SourceLabel("doi-song"),
    "Van hoa": SourceLabel("van-hoa-the-thao"),
    "The gioi": SourceLabel("doi-ngoai"),
    "Kinh doanh": SourceLabel("kinh-te"),
    "Vi tinh": SourceLabel("khoa-hoc-cong-nghe"),
    "Khoa hoc": SourceLabel("khoa-hoc-cong-nghe"),
}


class TopicExample(NamedTuple):
    """One training example with where it came from (for model cards and audits)."""

    text: str
    slug: str
    origin: str  # "timeline-section", "timeline-weak", "baomoi", "vntc"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _tokens(text: str) -> list[str]:
    """Lower-case words and single punctuation marks: phrases match on whole tokens."""
    return _TOKEN.findall(_nfc(text).lower())


class KeywordIndex(NamedTuple):
    """Every phrase of the keyword file as a token tuple, with the (slug, kind, phrase) it is."""

    slugs: tuple[str, ...]
    weak: frozenset[str]
    phrases: dict[tuple[str, ...], list[tuple[str, str, str]]]
    longest: int
    starts: frozenset[str]  # first tokens of phrases: other positions need no lookup


@cache
def load_keywords(path: Path = KEYWORDS_FILE) -> KeywordIndex:
    """The keyword file as a phrase index (a dict lookup per n-gram beats 40 regex scans)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tables = {slug: t for slug, t in data.items() if isinstance(t, dict)}
    phrases: dict[tuple[str, ...], list[tuple[str, str, str]]] = {}
    for slug, table in tables.items():
        for kind in ("strong", "keywords", "exclude"):
            for phrase in table.get(kind, []):
                key = tuple(_tokens(phrase))
                if key:
                    phrases.setdefault(key, []).append((slug, kind, phrase))
    weak = frozenset(slug for slug, t in tables.items() if t.get("weak", False))
    longest = max(map(len, phrases), default=0)
    return KeywordIndex(tuple(tables), weak, phrases, longest, frozenset(k[0] for k in phrases))


def match_keywords(text: str, *, strong_only: bool = False) -> dict[str, list[str]]:
    """Slug -> keyword phrases found in text (whole words, case-insensitive, excludes applied)."""
    index = load_keywords()
    toks = _tokens(text)
    spans: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for i, tok in enumerate(toks):
        if tok not in index.starts:
            continue
        for n in range(1, min(index.longest, len(toks) - i) + 1):
            for slug, kind, phrase in index.phrases.get(tuple(toks[i : i + n]), ()):
                spans.setdefault((slug, kind), []).append((i, i + n, phrase))
    found: dict[str, list[str]] = {}
    for slug in index.slugs:
        blocked = spans.get((slug, "exclude"), [])
        hits = spans.get((slug, "strong"), []) + ([] if strong_only else spans.get((slug, "keywords"), []))
        # A phrase inside an exclude phrase, or inside a longer hit, does not count on its own.
        kept = [
            (s, e, p)
            for s, e, p in hits
            if not any(bs <= s and e <= be for bs, be, _ in blocked)
            and not any(hs <= s and e <= he and (hs, he) != (s, e) for hs, he, _ in hits)
        ]
        if kept:
            found[slug] = [p for _, _, p in sorted(kept)]
    return found


def weak_topic(title: str) -> str | None:
    """The weak-labelling slug of a title: strong phrases of exactly one slug, a weak one."""
    slugs = list(match_keywords(title, strong_only=True))
    if len(slugs) != 1:
        return None
    return slugs[0] if slugs[0] in load_keywords().weak else None


def _refine(label: SourceLabel, title: str) -> str | None:
    """Apply a corpus label mapping, letting the title pick among the allowed slugs."""
    if not label.refine:
        return label.default
    allowed = set(label.refine) | ({label.default} if label.default else set())
    hits = set(match_keywords(title, strong_only=True)) & allowed
    if len(hits) == 1:
        return hits.pop()
    if not hits:
        return label.default
    return label.default if label.default in hits else None


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _read_jsonl(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _feed_slug(row: dict[str, str]) -> str | None:
    """Slug given by the section feed a timeline item came from, if any."""
    return TIMELINE_SECTIONS.get(row.get("category", ""))


def _link_slug(row: dict[str, str]) -> str | None:
    """Slug given by the section path of a timeline item's link, if any."""
    m = re.match(r"https?://[^/]+/([a-z0-9-]+)/", row.get("link", ""))
    return URL_SECTIONS.get(m.group(1)) if m else None


class _Timeline(NamedTuple):
    train: list[TopicExample]
    eval: list[tuple[str, str]]


@cache
def _timeline(path: Path) -> _Timeline:
    """Split the timeline once: eval (VnExpress items of known section) and training items."""
    rows = list(_read_jsonl(path))
    newest = max(datetime.fromisoformat(r["published"]) for r in rows)
    cutoff = newest - timedelta(days=DEMO_DAYS)
    evals: list[tuple[str, str]] = []
    older: list[dict[str, str]] = []
    for r in rows:
        r = {k: _nfc(v) if isinstance(v, str) else v for k, v in r.items()}
        recent = datetime.fromisoformat(r["published"]) > cutoff
        vnexpress = r["source"].startswith("VnExpress")
        feed, link = _feed_slug(r), _link_slug(r)
        if vnexpress and ((recent and feed) or link):
            # Link-path sections (health, entertainment) give ~7 items a month: all of them are
            # held out, whatever their date, so that no eval class rests on a dozen items.
            evals.append((_join(r), feed or link or ""))
        elif not recent:
            older.append(r)
    eval_titles = {_key(t.split(". ", 1)[0]) for t, _ in evals}
    train: list[TopicExample] = []
    for r in older:
        if _key(r["title"]) in eval_titles:
            continue
        slug = _feed_slug(r) or _link_slug(r)
        if slug:
            train.append(TopicExample(_join(r), slug, "timeline-section"))
        elif (weak := weak_topic(r["title"])) is not None:
            train.append(TopicExample(_join(r), weak, "timeline-weak"))
    return _Timeline(train, evals)


def _join(row: dict[str, str]) -> str:
    title = row.get("title", "").strip()
    summary = row.get("summary", "").strip()
    return f"{title}. {summary}" if summary else title


@cache
def _corpora(shared_dir: Path) -> tuple[TopicExample, ...]:
    """All training examples, deduplicated, in a fixed order."""
    timeline = _timeline(shared_dir / TIMELINE)
    eval_titles = {_key(t.split(". ", 1)[0]) for t, _ in timeline.eval}
    seen: set[str] = set()
    out: list[TopicExample] = []

    def add(text: str, slug: str | None, origin: str, title: str) -> None:
        key = _key(text)
        if slug is None or not key or key in seen or _key(title) in eval_titles:
            return
        seen.add(key)
        out.append(TopicExample(text, slug, origin))

    for ex in timeline.train:
        add(ex.text, ex.slug, ex.origin, ex.text.split(". ", 1)[0])
    for row in _read_jsonl(shared_dir / BAOMOI):
        label = BAOMOI_MAP.get(row["label"])
        title = _nfc(row.get("title", ""))
        if label is not None:
            add(_nfc(row["text"]).strip(), _refine(label, title), "baomoi", title)
    for row in _read_jsonl(shared_dir / VNTC):
        label = VNTC_MAP.get(row["label"])
        text = _nfc(row.get("text") or row.get("title", "")).strip()
        if label is not None:
            head = text[:VNTC_CHARS]
            add(head, _refine(label, head[:200]), "vntc", head[:200])
    return tuple(out)


def load_topic_examples(
    shared_dir: Path, *, limit_per_label: int | None = None, seed: int = 0
) -> list[TopicExample]:
    """Training examples with their origin, at most limit_per_label per slug, shuffled by seed."""
    rng = random.Random(seed)
    by_slug: dict[str, list[TopicExample]] = {}
    for ex in _corpora(Path(shared_dir).resolve()):
        by_slug.setdefault(ex.slug, []).append(ex)
    picked: list[TopicExample] = []
    for slug in sorted(by_slug):
        items = by_slug[slug]
        if limit_per_label is not None and len(items) > limit_per_label:
            items = rng.sample(items, limit_per_label)
        picked.extend(items)
    rng.shuffle(picked)
    return picked


def load_topic_training(
    shared_dir: Path, *, limit_per_label: int | None = None, seed: int = 0
) -> list[tuple[str, str]]:
    """(text, taxonomy slug) training pairs from the timeline, Báo Mới and VNTC."""
    return [
        (ex.text, ex.slug)
        for ex in load_topic_examples(shared_dir, limit_per_label=limit_per_label, seed=seed)
    ]


def load_topic_eval(shared_dir: Path) -> list[tuple[str, str]]:
    """Held-out (title + ". " + summary, slug) pairs of VnExpress items with a known section.

    The section feeds' items of the newest 60 days, plus every item whose link carries a
    section path (health, entertainment: too rare to take from 60 days only).
    """
    return list(_timeline(Path(shared_dir).resolve() / TIMELINE).eval)
