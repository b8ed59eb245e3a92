"""Narratives on one real day of the press timeline (../shared): stories group across outlets, no blob."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipelines.narratives.step import update_narratives
from warehouse.db import open_reader, open_writer
from warehouse.records import Document
from warehouse.write import ANNOTATION_COLUMNS, write_annotations, write_documents

DAY = "2025-10-05"  # Typhoon Matmo reaches the Gulf of Tonkin


def test_a_real_day_groups_stories_across_outlets_without_a_blob(shared_dir: Path, db_path: Path) -> None:
    docs = []
    with gzip.open(shared_dir / "data/timeline/rss_timeline_2025_2026.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item["published"].startswith(DAY):
                docs.append(Document(url=item["link"], source=item["source"].split(" - ")[0], title=item["title"],
                                     text=item.get("summary") or "",
                                     published_at=datetime.fromisoformat(item["published"])))
    ann = pd.DataFrame({"document_id": [d.id for d in docs], "model_version": "test", "sentiment": "neutral",
                        "sentiment_score": 0.5, "toxicity": "clean", "toxicity_score": 0.5, "topic": "doi-song",
                        "topics": [["doi-song"]] * len(docs), "topic_scores": [[0.5]] * len(docs), "tokens": 30})
    with open_writer(db_path) as con:
        stored = write_documents(con, docs).new
        write_annotations(con, ann[ANNOTATION_COLUMNS])
    report = update_narratives(db_path)
    assert report.documents == stored > 200
    with open_reader(db_path) as con:
        rows = con.execute("SELECT label, n_documents, len(sources) FROM narratives "
                           "ORDER BY n_documents DESC").fetchall()
        storm = con.execute("SELECT max(n_documents), max(len(sources)) FROM narratives "
                            "WHERE lower(label) LIKE '%matmo%' OR lower(label) LIKE '%bão số 11%'").fetchone()
    assert len(rows) < 0.95 * stored  # stories do group
    assert rows[0][1] < 0.1 * stored  # but no narrative swallows the day
    # A storm's coverage has many facets (forecasts, school closures, airports): several narratives,
    # at least one of them carried by more than one outlet.
    assert storm is not None and storm[0] is not None and storm[0] >= 2 and storm[1] >= 2
    assert any(n >= 3 and k >= 2 for _, n, k in rows)  # a story carried by several outlets
