"""Pages/min of our full crawl (fetch + extract + store) against `scrapy bench`, in the same session.

Usage: python bench/bench_crawl.py [--n 1000] [--sites 4] [--shared ../shared]

Our crawl reads the feeds of local outlets on 127.0.0.1 and follows them to N article pages built
from the real timeline (title, lead and body from timeline items, with the menus, related-article
lists, scripts and styles of a real page: about 100 KB each), extracts and stores every one, raw
page included. The politeness delays are off on both sides (`scrapy bench` has none), so what is
measured is the work per page. `scrapy bench` (fetch and follow links only) runs before and after
ours and the mean is the reference. Issue 3 aims at 0.3 of `scrapy bench` or better.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.crawlers.sites import Story

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 0.3
UA = "PolicyRadarBench/1.0 (+http://127.0.0.1/bench)"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "ERROR"}
TIMELINE = "data/timeline/rss_timeline_2025_2026.jsonl.gz"
_STAT = re.compile(r"'(response_received_count|elapsed_time_seconds)': ([0-9.]+)")


def timeline_stories(shared: Path, n: int) -> list[Story]:
    """n stories from the timeline: an item's title, summary and time, the next items' summaries as body."""
    from tests.crawlers.sites import VN, Story

    items = []
    with gzip.open(shared / TIMELINE, "rt", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            if obj.get("title") and obj.get("summary") and obj.get("published"):
                items.append(obj)
            if len(items) >= n + 6:
                break
    stories = []
    for i, item in enumerate(items[:n]):
        published = datetime.fromisoformat(item["published"]).astimezone(VN).replace(second=0, microsecond=0)
        body = tuple(str(o["summary"]) for o in items[i + 1 : i + 6])
        stories.append(Story(slug=f"bai-viet-{i}-{7000000 + i}", title=item["title"], lead=item["summary"],
                             paragraphs=body, published=published, section=item.get("category") or "Thời sự"))
    return stories


def synthetic_stories(n: int) -> list[Story]:
    """Stories we wrote, for a clone without ../shared."""
    from tests.crawlers.sites import many_stories

    return list(many_stories(n))


def realistic_page(related: list[str]) -> Callable[[Story, str], str]:
    """A page renderer: the test article page with a big site's menus, related lists, scripts and styles."""
    from tests.crawlers.sites import article_html

    menu = "".join(f'<li><a href="/chuyen-muc-{k}">Chuyên mục {k}</a></li>' for k in range(80))
    ads = "".join(f"window.ads_{k}={{slot:{k},size:[300,250],lazy:true}};" for k in range(900))
    boxes = "".join(f".box-{k}{{margin:{k % 9}px;padding:{k % 7}px;color:#3{k % 10}3}}" for k in range(500))
    script, style = f"<script>{ads}</script>", f"<style>{boxes}</style>"

    def render(story: Story, canonical: str) -> str:
        html = article_html(story, canonical)
        links = "".join(f'<li><a href="/tin-lien-quan-{k}.html">{escape(t)}</a></li>' for k, t in enumerate(related))
        html = html.replace("</head>", f"{style}{script}</head>", 1)
        html = html.replace("<header>", f'<header><ul class="menu">{menu}</ul>', 1)
        return html.replace("</footer>", f'</footer><div class="box-related"><ul>{links}</ul></div>{script}', 1)

    return render


def scrapy_bench(workdir: Path) -> float:
    """Pages/min of `scrapy bench` (its responses over its elapsed time, from the final stats dump)."""
    scrapy = Path(sys.executable).with_name("scrapy")
    out = subprocess.run([str(scrapy), "bench"], cwd=workdir, capture_output=True, text=True, timeout=300)
    found = dict(_STAT.findall(out.stderr + out.stdout))
    if len(found) < 2:
        raise RuntimeError(f"scrapy bench gave no statistics (exit {out.returncode})")
    return float(found["response_received_count"]) / float(found["elapsed_time_seconds"]) * 60


def main(argv: list[str] | None = None) -> int:
    """Print both rates and their ratio; exit 0 (a benchmark reports, it does not gate), 1 if pages were lost."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    from crawlers.run import run_crawl
    from tests.crawlers.sites import bind, press_site, serve, write_registry
    from warehouse.db import open_reader

    real = (args.shared / TIMELINE).is_file()
    stories = timeline_stories(args.shared, args.n) if real else synthetic_stories(args.n)
    render = realistic_page([s.title for s in stories[:40]])
    share = -(-len(stories) // args.sites)
    with tempfile.TemporaryDirectory(prefix="radar-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        before = scrapy_bench(work)
        parts = [stories[k * share : (k + 1) * share] for k in range(args.sites)]
        sites = [stack.enter_context(serve(press_site(part, page=render))) for part in parts if part]
        for site in sites:
            bind(site)
        page_kb = sum(len(r.body) for s in sites for p, r in s.routes.items() if p.startswith("/thoi-su/")) / 1024
        registry = write_registry(work / "sources.toml", [
            {"name": f"bao-{k}", "url": s.base, "feeds": [s.url(f"/rss/feed-{f}.rss") for f in range(3)]}
            for k, s in enumerate(sites)
        ])
        db = work / "radar.duckdb"
        started = time.perf_counter()
        stats = run_crawl(db, None, registry_path=registry, user_agent=UA, overrides=FAST, max_items_per_feed=share)
        wall = time.perf_counter() - started
        after = scrapy_bench(work)
        with open_reader(db) as con:
            docs, distinct = con.execute("SELECT count(*), count(DISTINCT id) FROM documents").fetchone()  # type: ignore[misc]
            raw = con.execute("SELECT count(*) FROM raw_pages").fetchone()[0]  # type: ignore[index]
            times = dict(con.execute("SELECT regexp_extract(url, '/thoi-su/(.*)[.]html', 1), published_at "
                                     "FROM documents").fetchall())
    reference = (before + after) / 2
    right_time = sum(times.get(s.slug) == s.published for s in stories)
    ours = stats.requests / stats.elapsed_s * 60
    articles = stats.articles_extracted / stats.elapsed_s * 60
    ratio = ours / reference
    print(f"pages: {len(stories)} articles ({'timeline' if real else 'synthetic'}, "
          f"{page_kb / len(stories):.0f} KB each) on {len(sites)} local sites, 3 feeds each")
    print(f"stored: {docs} documents ({distinct} distinct), {raw} raw pages, "
          f"{stats.articles_extracted} extracted, {stats.failed} failed, {right_time} with the exact time")
    print(f"scrapy bench:     {reference:8.0f} pages/min (before {before:.0f}, after {after:.0f})")
    print(f"radar crawl:      {ours:8.0f} pages/min ({stats.requests} requests in {stats.elapsed_s:.1f}s, "
          f"{articles:.0f} articles/min stored; {wall:.1f}s with process start)")
    verdict = "meets" if ratio >= TARGET else "below"
    print(f"ratio: {ratio:.2f} ({verdict} the {TARGET}x target)")
    return 0 if docs == distinct == raw == right_time == len(stories) else 1


if __name__ == "__main__":
    sys.exit(main())
