"""The by-id and pre-filtered read queries return exactly what the straightforward joins return."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries
from tests.dashboard.corpus import LEGAL_REF, NARRATIVE, NEWEST
from warehouse import narratives
from warehouse.db import open_reader
from warehouse.read import query_frame

_TIME = "coalesce(d.published_at, d.fetched_at, d.ingested_at)"
_JOINED = ("narrative_members m JOIN documents d ON d.id = m.document_id "
           "LEFT JOIN annotations a ON a.document_id = d.id WHERE m.narrative_id = ?")
_REF_DOCS = ("SELECT DISTINCT document_id FROM (SELECT document_id, unnest(legal_refs) AS ref "
             "FROM narrative_members) WHERE ref = ?")


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Equal rows, compared in a fixed order (the queries leave ties in any order)."""
    def norm(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values(list(frame.columns)).reset_index(drop=True)
    pd.testing.assert_frame_equal(norm(left), norm(right), check_exact=True)


def test_narrative_reads_equal_the_joins(corpus_db: Path) -> None:
    start, end = NEWEST - timedelta(days=30), NEWEST + timedelta(hours=1)
    with open_reader(corpus_db) as con:
        listed = query_frame(con, "WITH period AS (SELECT m.narrative_id, count(*) AS n_period "
                                  "FROM narrative_members m JOIN documents d ON d.id = m.document_id "
                                  f"WHERE {_TIME} BETWEEN ? AND ? GROUP BY ALL) "
                                  "SELECT n.id, n.label, n.key_terms, n.first_seen, n.last_seen, n.n_documents, "
                                  "n.n_duplicates, p.n_period, n.sources, n.kinds, n.n_negative, n.n_neutral, "
                                  "n.n_positive, n.topics, n.places, n.agencies, n.legal_refs "
                                  "FROM narratives n JOIN period p ON p.narrative_id = n.id WHERE n.n_documents >= 1 "
                                  "ORDER BY p.n_period DESC, n.n_documents DESC, n.id LIMIT 2", [start, end])
        assert len(listed) == 2
        pd.testing.assert_frame_equal(narratives.list_narratives(con, start, end, min_documents=1, limit=2), listed,
                                      check_exact=True)
        documents = query_frame(con, f"SELECT d.id, {_TIME} AS time, d.title, d.url, d.source, d.kind, a.sentiment, "
                                     f"a.topic, m.duplicate_of, m.similarity FROM {_JOINED} "
                                     "ORDER BY m.duplicate_of IS NOT NULL, time DESC, d.id", [NARRATIVE])
        assert len(documents) > 1
        pd.testing.assert_frame_equal(narratives.narrative_documents(con, NARRATIVE), documents, check_exact=True)
        for by, key in queries.VOLUME_KEYS.items():
            joined = query_frame(con, f"SELECT date_trunc('day', {_TIME}) AS bucket, {key} AS key, "
                                      f"count(*) AS n_documents FROM {_JOINED} GROUP BY ALL", [NARRATIVE])
            _same(queries.narrative_volume(con, NARRATIVE, "day", by), joined)
        sources = query_frame(con, f"SELECT d.source, any_value(d.kind) AS kind, count(*) AS n_documents, "
                                   f"min({_TIME}) AS first_at, count(*) FILTER (WHERE a.sentiment = 'negative') "
                                   f"/ nullif(count(a.sentiment), 0) AS negative_share FROM {_JOINED} "
                                   "GROUP BY d.source", [NARRATIVE])
        _same(queries.narrative_sources(con, NARRATIVE), sources)


def test_legal_reference_reads_equal_the_joins(corpus_db: Path) -> None:
    with open_reader(corpus_db) as con:
        coverage = query_frame(con, f"SELECT date_trunc('day', {_TIME}) AS bucket, coalesce(a.sentiment, "
                                    f"'unannotated') AS sentiment, count(*) AS n_documents FROM ({_REF_DOCS}) r "
                                    "JOIN documents d ON d.id = r.document_id LEFT JOIN annotations a "
                                    "ON a.document_id = d.id GROUP BY ALL", [LEGAL_REF])
        assert not coverage.empty
        _same(queries.legal_ref_coverage(con, LEGAL_REF, "day"), coverage)
        concerns = query_frame(con, "SELECT t.key_term, count(DISTINCT t.document_id) AS n_documents FROM ("
                                    "SELECT m.document_id, unnest(m.key_terms) AS key_term FROM narrative_members m "
                                    f"WHERE m.document_id IN ({_REF_DOCS})) t JOIN annotations a "
                                    "ON a.document_id = t.document_id WHERE a.sentiment = 'negative' "
                                    "GROUP BY t.key_term ORDER BY n_documents DESC, t.key_term", [LEGAL_REF])
        pd.testing.assert_frame_equal(queries.legal_ref_concerns(con, LEGAL_REF, limit=1000), concerns,
                                      check_exact=True)
        documents = query_frame(con, f"SELECT {_TIME} AS published_at, d.source, d.title, d.url, a.topic, "
                                     "coalesce(a.sentiment, 'unannotated') AS sentiment FROM "
                                     f"({_REF_DOCS}) r JOIN documents d ON d.id = r.document_id "
                                     "LEFT JOIN annotations a ON a.document_id = d.id", [LEGAL_REF])
        _same(queries.legal_ref_documents(con, LEGAL_REF, limit=1000), documents)


def test_emerging_members_equal_the_join(corpus_db: Path) -> None:
    from pipelines.narratives.query import MEMBERS_SQL
    joined = (f"SELECT m.narrative_id, d.id AS document_id, d.title, d.source, d.kind, {_TIME} AS time, a.sentiment, "
              "a.topic, m.places, m.agencies, m.legal_refs, m.key_terms, m.duplicate_of FROM narrative_members m "
              "JOIN documents d ON d.id = m.document_id LEFT JOIN annotations a ON a.document_id = d.id "
              "WHERE m.narrative_id IN (SELECT m2.narrative_id FROM narrative_members m2 JOIN documents d "
              f"ON d.id = m2.document_id WHERE {_TIME} > ? AND {_TIME} <= ?) AND {_TIME} > ? AND {_TIME} <= ?")
    with open_reader(corpus_db) as con:
        for now in (NEWEST, NEWEST - timedelta(hours=30)):
            start, past = now - timedelta(hours=24), now - timedelta(days=8)
            expected = query_frame(con, joined, [start, now, past, now])
            assert not expected.empty
            key = ["narrative_id", "document_id"]
            pd.testing.assert_frame_equal(
                query_frame(con, MEMBERS_SQL, [start, now, past, now]).sort_values(key).reset_index(drop=True),
                expected.sort_values(key).reset_index(drop=True), check_exact=True)


def test_long_id_lists_are_joined_short_ones_looked_up(corpus_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from warehouse import read
    monkeypatch.setattr(read, "INDEX_LOOKUP_KEYS", 3)
    with open_reader(corpus_db) as con:
        ids = [str(r[0]) for r in con.execute("SELECT id FROM documents ORDER BY id LIMIT 10").fetchall()]
        for wanted in (ids[:3], ids):
            sql, params = read.by_ids("documents", "id", [*wanted, wanted[0]])
            assert ("unnest" in sql) == (len(wanted) > 3)
            assert sorted(r[0] for r in con.execute(f"SELECT id FROM {sql}", params).fetchall()) == wanted
        assert con.execute(f"SELECT count(*) FROM {read.by_ids('documents', 'id', [])[0]}").fetchone() == (0,)
