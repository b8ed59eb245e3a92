"""File imports: CSV, JSON Lines and Excel exports of other tools, through a column-mapping TOML file."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawlers.social.errors import ConfigError
from crawlers.social.model import Post, Skip, nfc
from crawlers.social.parse import parse_count, parse_time
from crawlers.social.registry import SocialSource
from crawlers.social.runner import Context

MAPPINGS_DIR = Path(__file__).with_name("mappings")
FORMATS = ("csv", "jsonl", "xlsx")
COLUMN_KEYS = ("url", "id", "text", "title", "published_at", "author_id", "parent_url", "parent_id", "kind")
_TOP_KEYS = {"format", "platform", "kind", "lang", "url_template", "time_format", "timezone", "sheet", "keep",
             "columns", "engagement"}


@dataclass(frozen=True)
class Mapping:
    """How the columns of an export become posts: which column is the URL, the text, the time…"""

    columns: dict[str, str]
    engagement: dict[str, str] = field(default_factory=dict)
    format: str | None = None
    platform: str = "import"
    kind: str = "social"
    lang: str = "vi"
    url_template: str | None = None
    time_format: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    sheet: str | None = None
    keep: tuple[str, ...] = ()


def parse_mapping(text: str, origin: str) -> Mapping:
    """Validate a mapping file; errors name the file and the valid keys."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{origin}: unknown key(s) {', '.join(unknown)}; valid: {', '.join(sorted(_TOP_KEYS))}")
    columns = data.get("columns", {})
    bad = sorted(set(columns) - set(COLUMN_KEYS))
    if bad:
        raise ConfigError(f"{origin}: unknown [columns] key(s) {', '.join(bad)}; valid: {', '.join(COLUMN_KEYS)}")
    if "text" not in columns:
        raise ConfigError(f"{origin}: [columns] needs text = \"<column holding the post text>\"")
    if "url" not in columns and not ("id" in columns and data.get("url_template")):
        raise ConfigError(f"{origin}: [columns] needs url, or id together with url_template")
    if data.get("format") not in (None, *FORMATS):
        raise ConfigError(f"{origin}: format must be one of {', '.join(FORMATS)}, not {data['format']!r}")
    if data.get("kind", "social") not in ("social", "comment"):
        raise ConfigError(f"{origin}: kind must be social or comment, not {data['kind']!r}")
    try:
        ZoneInfo(data.get("timezone", "Asia/Ho_Chi_Minh"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{origin}: unknown timezone {data.get('timezone')!r}") from None
    return Mapping(
        columns=dict(columns), engagement=dict(data.get("engagement", {})), format=data.get("format"),
        platform=data.get("platform", "import"), kind=data.get("kind", "social"), lang=data.get("lang", "vi"),
        url_template=data.get("url_template"), time_format=data.get("time_format"),
        timezone=data.get("timezone", "Asia/Ho_Chi_Minh"), sheet=data.get("sheet"), keep=tuple(data.get("keep", ())),
    )


def load_mapping(name: str) -> Mapping:
    """A mapping file by path, or by name from the shipped mappings folder."""
    path = Path(name)
    if not path.is_file():
        path = MAPPINGS_DIR / name
    try:
        return parse_mapping(path.read_text(encoding="utf-8"), str(path))
    except OSError:
        shipped = ", ".join(sorted(p.name for p in MAPPINGS_DIR.glob("*.toml")))
        raise ConfigError(f"no mapping file {name!r}; shipped mappings: {shipped}") from None


def _format_of(path: Path, mapping: Mapping) -> str:
    if mapping.format:
        return mapping.format
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    found = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".xlsx": "xlsx"}.get(suffix)
    if not found:
        raise ConfigError(f"{path}: cannot tell the format from {suffix!r}; set format = csv, jsonl or xlsx")
    return found


def read_rows(path: Path, fmt: str, sheet: str | None = None) -> Iterator[dict[str, Any]]:
    """Rows of an export as dicts (JSON Lines may nest: columns then name dotted paths)."""
    if fmt == "xlsx":
        yield from _xlsx_rows(path, sheet)
        return
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        raw = gzip.decompress(raw)
    # utf-8-sig: Excel and many tools put a byte-order mark at the start of CSV exports.
    text = raw.decode("utf-8-sig")
    if fmt == "csv":
        yield from csv.DictReader(io.StringIO(text, newline=""))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        yield row if isinstance(row, dict) else {"__error__": f"line {number} is not a JSON object"}


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[dict[str, Any]]:
    import openpyxl  # Imported here: only Excel imports need it.

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet and sheet not in book.sheetnames:
            raise ConfigError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for values in rows:
            if any(v is not None for v in values):
                yield dict(zip(header, values, strict=False))
    finally:
        book.close()


def _get(row: dict[str, Any], column: str | None) -> Any:
    if not column:
        return None
    if column in row:
        return row[column]
    value: Any = row
    for part in column.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str:
    return "" if value is None else nfc(str(value)).strip()


def _when(value: Any, mapping: Mapping) -> datetime | None:
    # Naive times in an export are local times of the tool's user: the mapping says which zone.
    zone = ZoneInfo(mapping.timezone)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if mapping.time_format and isinstance(value, str) and value.strip():
        try:
            when = datetime.strptime(value.strip(), mapping.time_format)
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=zone)
    return parse_time(value if isinstance(value, str | int | float) else None, naive_tz=zone)


def row_to_post(row: dict[str, Any], mapping: Mapping, where: str) -> Post | Skip:
    """One export row as a post, or a skip naming the row and what is missing."""
    if "__error__" in row:
        return Skip(where, row["__error__"], gone=False)
    cols = mapping.columns
    url = _text(_get(row, cols.get("url")))
    ident = _text(_get(row, cols.get("id")))
    if not url and ident and mapping.url_template:
        url = mapping.url_template.format(id=ident)
    if not url:
        return Skip(where, "no url", gone=False)
    text = _text(_get(row, cols.get("text")))
    if not text:
        return Skip(url, "no text", gone=False)
    parent = _text(_get(row, cols.get("parent_url")))
    parent_ident = _text(_get(row, cols.get("parent_id")))
    if not parent and parent_ident and mapping.url_template:
        parent = mapping.url_template.format(id=parent_ident)
    kind = _text(_get(row, cols.get("kind"))).lower() or mapping.kind
    if kind not in ("social", "comment"):
        kind = "comment" if parent else mapping.kind
    engagement = {}
    for metric, column in mapping.engagement.items():
        value = _get(row, column)
        count = int(value) if isinstance(value, int | float) else parse_count(_text(value))
        if count is not None:
            engagement[metric] = count
    extra = {name: _get(row, name) for name in mapping.keep if _get(row, name) not in (None, "")}
    author = _text(_get(row, cols.get("author_id"))) or None
    return Post(
        url=url, kind="comment" if parent else kind, text=text, title=_text(_get(row, cols.get("title"))),
        published_at=_when(_get(row, cols.get("published_at")), mapping), parent_url=parent or None,
        author_id=author, engagement=engagement, lang=mapping.lang, platform=mapping.platform,
        extra={"imported_from": where.rsplit("#", 1)[0], **({"kept": extra} if extra else {})},
    )


def collect(source: SocialSource, context: Context) -> Iterator[Post | Skip]:
    """Every row of the export file named by the source's url, mapped by its `mapping` option."""
    mapping_name = source.option("mapping")
    if not mapping_name:
        raise ConfigError(f"source {source.name}: options.mapping must name a mapping file")
    mapping = load_mapping(str(mapping_name))
    path = Path(source.url)
    if not path.is_file():
        raise ConfigError(f"source {source.name}: no export file at {path}")
    fmt = _format_of(path, mapping)
    for number, row in enumerate(read_rows(path, fmt, mapping.sheet), start=2 if fmt != "jsonl" else 1):
        yield row_to_post(row, mapping, f"{path.name}#{number}")
