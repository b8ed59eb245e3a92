"""Syndicated copies across outlets: grouped, every copy kept, the group marked."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.cli import main
from pipelines.syndication import group_copies, group_id, signature
from tests.crawlers.sites import STORIES, Story, bind, news_site, serve, write_registry
from warehouse.db import open_reader

BASE = STORIES[1]
# The same agency story as two other outlets carry it: their own headline, a lead trimmed, a
# credit line added; the body is the agency's.
LONG = replace(BASE, paragraphs=(*BASE.paragraphs, *STORIES[3].paragraphs))
COPY = replace(LONG, slug="de-xuat-tang-luong-toi-thieu-8801234",
               title="Lương tối thiểu vùng có thể tăng 7% từ năm sau",
               paragraphs=(*LONG.paragraphs, "Theo TTXVN"), published=LONG.published + timedelta(hours=2))
OTHER = replace(STORIES[2], paragraphs=(*STORIES[2].paragraphs, *STORIES[0].paragraphs))


def _frame(rows: list[tuple[str, str, int, Story]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": i, "source": s, "time": st.published + timedelta(minutes=m),
          "sig": signature(st.title, " ".join((st.lead, *st.paragraphs)))} for i, s, m, st in rows]
    )


def test_signature_needs_enough_words() -> None:
    assert signature("Tin ngắn", "Chỉ vài chữ.") is None
    sig = signature(LONG.title, " ".join(LONG.paragraphs))
    assert sig is not None and sig.dtype == np.uint32 and len(sig) == 64


def test_copies_from_other_outlets_join_one_group() -> None:
    batch = _frame([("a1", "bao-a", 0, LONG), ("b1", "bao-b", 120, COPY), ("c1", "bao-c", 30, OTHER),
                    ("a2", "bao-a", 5, COPY)])
    marked = group_copies(pd.DataFrame(columns=["id", "source", "time", "sig", "syndication_group"]), batch)
    rows = marked.batch.set_index("document_id")
    # b1 is a copy of a1 and of a2 (a1's outlet running it again): all three are one story.
    assert rows.loc["a1", "syndication_group"] == rows.loc["b1", "syndication_group"] == group_id("a1")
    assert rows.loc["a2", "syndication_group"] == group_id("a1")
    assert rows.loc["b1", "similarity"] == 1.0 and pd.isna(rows.loc["a1", "similarity"])
    assert pd.isna(rows.loc["c1", "syndication_group"])  # a different story
    assert marked.opened.empty


def test_a_late_copy_joins_the_group_of_an_earlier_check_and_far_copies_do_not() -> None:
    context = _frame([("a1", "bao-a", 0, LONG)]).assign(syndication_group=[None])
    batch = _frame([("b1", "bao-b", 60, COPY), ("c1", "bao-c", 60 * 24 * 5, COPY)])
    marked = group_copies(context, batch)
    rows = marked.batch.set_index("document_id")
    assert rows.loc["b1", "syndication_group"] == group_id("a1")
    assert pd.isna(rows.loc["c1", "syndication_group"])  # five days later: a new story, not a copy
    assert marked.opened.to_dict("records") == [{"document_id": "a1", "syndication_group": group_id("a1")}]


def test_crawl_marks_the_same_story_in_two_outlets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "radar.duckdb"

    def radar(*args: str) -> str:
        monkeypatch.setattr(sys, "argv", ["radar", *args, "--db", str(db)])
        with pytest.raises(SystemExit) as exit_info:
            main()
            raise SystemExit(0)
        out, err = capsys.readouterr()
        assert exit_info.value.code in (0, None), err
        return out

    with serve(news_site((LONG, OTHER))) as a, serve(news_site((COPY, STORIES[0]))) as b:
        for site in (a, b):
            bind(site)
        registry = write_registry(tmp_path / "sources.toml", [
            {"name": "bao-a", "url": a.base, "feeds": [a.url("/rss/tin-moi-nhat.rss")]},
            {"name": "bao-b", "url": b.base, "feeds": [b.url("/rss/tin-moi-nhat.rss")]},
        ])
        out = radar("crawl", "run", "--registry", str(registry))
        assert out.splitlines()[-1] == "bản đăng lại / syndicated copies: 1"
        out = radar("crawl", "run", "--registry", str(registry), "--format", "json")
        assert json.loads(out)["syndicated"] == 0 and json.loads(out)["new"] == 0
    with open_reader(db) as con:
        rows = con.execute(
            "SELECT d.source, d.title, s.syndication_group FROM documents d "
            "JOIN document_syndication s ON s.document_id = d.id ORDER BY d.source, d.title"
        ).fetchall()
    assert len(rows) == 4  # every copy kept, every document checked once
    groups = {title: group for _, title, group in rows}
    assert groups[LONG.title] == groups[COPY.title] is not None
    assert groups[OTHER.title] is None and groups[STORIES[0].title] is None
    assert radar("crawl", "syndicate").strip() == "đã đối chiếu / checked: 0  bản đăng lại / syndicated copies: 0"
