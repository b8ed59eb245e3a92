"""The dashboard's data layer: what may be fetched, and how a write changes the data version."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import data
from tests.dashboard.corpus import ITEMS, NEWEST, build_warehouse
from warehouse import read
from warehouse.db import open_writer
from warehouse.records import Document
from warehouse.write import write_documents


def test_fetch_takes_read_api_functions_only(corpus_db: Path) -> None:
    assert data.fetch(str(corpus_db), read.data_bounds)["n_documents"].iloc[0] == len(ITEMS)
    with pytest.raises(ValueError, match="not a read-API function"):
        data.fetch(str(corpus_db), write_documents)


def test_every_write_changes_the_data_version(tmp_path: Path) -> None:
    db = build_warehouse(tmp_path / "r.duckdb")
    before = data.data_version(str(db))
    assert before == data.data_version(str(db))
    with open_writer(db) as con:
        write_documents(con, [Document(url="https://v.example.vn/1", source="tuoitre", title="Tin",
                                       text="", published_at=NEWEST)])
    assert data.data_version(str(db)) != before
    assert data.data_version(str(tmp_path / "none.duckdb")) == (0, 0)


def test_warehouse_state(corpus_db: Path, tmp_path: Path) -> None:
    state = data.warehouse_state(str(corpus_db))
    assert state.status is data.Status.READY and state.n_documents == len(ITEMS) and state.last == NEWEST
    assert data.warehouse_state(str(tmp_path / "none.duckdb")).status is data.Status.MISSING
    with open_writer(tmp_path / "empty.duckdb"):
        pass
    assert data.warehouse_state(str(tmp_path / "empty.duckdb")).status is data.Status.EMPTY
