"""`radar crawl extract FILE_OR_URL`: one article page to one JSON object."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated

import typer

from crawlers.extract import extract_article
from pipelines.errors import UserError
from pipelines.settings import load_settings

FETCH_TIMEOUT_S = 20.0
MAX_PAGE_BYTES = 20_000_000


def fetch(url: str, user_agent: str, timeout: float = FETCH_TIMEOUT_S) -> tuple[bytes, str | None, str]:
    """GET one page; return its body, Content-Type header and final URL (all network I/O of this command)."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "text/html,*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_PAGE_BYTES)
            return body, response.headers.get("Content-Type"), response.geturl() or url
    except urllib.error.HTTPError as exc:
        raise UserError(f"cannot fetch {url}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(f"cannot fetch {url}: {reason}") from exc


def _is_url(target: str) -> bool:
    """Whether the argument is an http(s) URL rather than a file path."""
    return target.lower().startswith(("http://", "https://"))


def extract_cmd(
    target: Annotated[
        str,
        typer.Argument(metavar="FILE_OR_URL", help="Tệp HTML hoặc URL / saved HTML file or http(s) URL."),
    ],
    url: Annotated[
        str | None, typer.Option("--url", help="URL gốc của FILE / original URL of a saved FILE.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Bảng mã khai báo / declared charset of FILE, if known.")
    ] = None,
) -> None:
    """Trích xuất một bài báo / Extract one article page to JSON (url, canonical_url, title, text, …)."""
    if _is_url(target):
        body, content_type, final_url = fetch(target, load_settings().user_agent)
        if content_type and not any(kind in content_type.lower() for kind in ("html", "xml", "text/plain")):
            raise UserError(f"{target} is not an HTML page ({content_type})")
        page_url = url or final_url
        declared = encoding or content_type
    else:
        path = Path(target)
        if not path.is_file():
            raise UserError(f"no such file: {target} (give a saved HTML file or an http(s) URL)")
        body, declared = path.read_bytes(), encoding
        page_url = url or path.resolve().as_uri()
    article = extract_article(body, page_url, encoding=declared)
    if article is None:
        raise UserError(f"no article found in {target} (empty page, or a list/home page)")
    typer.echo(json.dumps(article.to_dict(), ensure_ascii=False))
