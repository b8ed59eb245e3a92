"""Build a large warehouse (1,000,000 documents by default) by replicating a real, processed one.

    python -m bench.make_scale_db [--base /work/scale/base.duckdb] [--out /work/scale/radar-1m.duckdb]
                                  [--documents 1000000] [--span-days 364]

The base is a warehouse `radar demo --no-serve` (or `radar ingest` + `radar process`) filled from the
real timeline; it is built first when missing. Each copy of its documents gets new ids and its
dates shifted by a different number of whole days, wrapped into the `--span-days` before the newest
document, so the large warehouse has the real texts, sources and annotations at an even density
(hours of the day kept). Annotations and narratives are copied with the documents; hourly
aggregates, spike scores and the BM25 index are then rebuilt by the pipeline's own functions. All
copying runs as SQL inside DuckDB: nothing is re-annotated.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.process import hourly_topic_counts, score_topic_spikes
from warehouse.db import open_writer
from warehouse.search import build_search_index
from warehouse.write import refresh_hourly_aggregates, replace_topic_spikes

SCALE_DIR = Path(os.environ.get("RADAR_SCALE_DIR", "/work/scale"))
DEFAULT_BASE = SCALE_DIR / "base.duckdb"
DEFAULT_OUT = SCALE_DIR / "radar-1m.duckdb"

# A copy's id: md5 of the original id and the copy number (32 hex digits, like the real ids).
NEW_ID = "CASE WHEN m.k = 0 THEN {col} ELSE md5({col} || ':' || m.k) END"
# A timestamp moved by the copy's whole-day shift, wrapped into the span before the newest document.
SHIFT = ("to_timestamp(p.newest_s - ((p.newest_s - epoch({col}) + m.shift_s) % p.span_s))")


@contextmanager
def timed(label: str) -> Iterator[None]:
    """Print how long a build step took."""
    started = time.perf_counter()
    print(f"  {label}…", end="", flush=True)
    yield
    print(f" {time.perf_counter() - started:.1f}s", flush=True)


def build_base(base: Path) -> None:
    """Fill `base` from the shared timeline the way `radar demo` does (ingest the newest days, process)."""
    print(f"building the base warehouse {base} with `radar demo --no-serve` (a few minutes)…", flush=True)
    radar = Path(sys.executable).with_name("radar")
    subprocess.run([str(radar), "demo", "--no-serve", "--no-browser", "--db", str(base)], check=True)


def _per_copy(table: str, id_col: str, start: str, end: str, kept_if: str) -> str:
    """Every row of base `table` once per copy: `id_col` renamed, `start` shifted, `end` kept as far from it."""
    return f"""
        INSERT INTO {table} BY NAME
        SELECT t.* REPLACE ({NEW_ID.format(col=f't.{id_col}')} AS {id_col},
                            {SHIFT.format(col=f't.{start}')} AS {start},
                            {SHIFT.format(col=f't.{start}')} + (t.{end} - t.{start}) AS {end})
        FROM base.{table} t CROSS JOIN copies m CROSS JOIN params p
        WHERE {NEW_ID.format(col=f't.{id_col}')} IN ({kept_if});
    """


def _copy_sql(target: int, copies: int, span_days: int) -> list[tuple[str, str]]:
    """The build's SQL steps, in order, as (label, sql); `base` is the attached base warehouse."""
    doc_id, doc_parent = NEW_ID.format(col="d.id"), "pm.new_id"
    return [
        ("plan", f"""
            CREATE TEMP TABLE params AS
            SELECT epoch(max(published_at)) AS newest_s, {span_days} * 86400 AS span_s, count(*) AS n
            FROM base.documents;
            CREATE TEMP TABLE copies AS
            SELECT k, (k * {span_days} // {copies}) * 86400 AS shift_s FROM range({copies}) t(k);
            CREATE TEMP TABLE doc_map AS
            SELECT d.id AS old_id, m.k, m.shift_s, {doc_id} AS new_id
            FROM (SELECT id, row_number() OVER (ORDER BY published_at DESC NULLS LAST, id) - 1 AS rn
                  FROM base.documents) d
            CROSS JOIN copies m, params p
            WHERE m.k * p.n + d.rn < {target};
        """),
        # Inserted in publication order, as a warehouse fed over time is: DuckDB's zone maps then
        # skip the row groups outside a page's dates. BY NAME with `* REPLACE`: columns that later
        # migrations add are carried over (or take their defaults) without this file changing.
        ("documents", f"""
            INSERT INTO documents BY NAME
            SELECT d.* REPLACE (
                m.new_id AS id, {doc_parent} AS parent_id,
                CASE WHEN m.k = 0 THEN d.url ELSE d.url || '#copy-' || m.k END AS url,
                {SHIFT.format(col='d.published_at')} AS published_at,
                d.fetched_at + ({SHIFT.format(col='d.published_at')} - d.published_at) AS fetched_at,
                d.ingested_at + ({SHIFT.format(col='d.published_at')} - d.published_at) AS ingested_at)
            FROM doc_map m JOIN base.documents d ON d.id = m.old_id CROSS JOIN params p
            LEFT JOIN doc_map pm ON pm.old_id = d.parent_id AND pm.k = m.k
            ORDER BY published_at NULLS FIRST;
        """),
        ("annotations", """
            INSERT INTO annotations BY NAME
            SELECT a.* REPLACE (m.new_id AS document_id)
            FROM doc_map m JOIN base.annotations a ON a.document_id = m.old_id
            JOIN documents d ON d.id = m.new_id
            ORDER BY d.published_at;
        """),
        ("narratives", f"""
            INSERT INTO narrative_members BY NAME
            SELECT n.* REPLACE (m.new_id AS document_id, {NEW_ID.format(col='n.narrative_id')} AS narrative_id,
                                dm.new_id AS duplicate_of)
            FROM doc_map m JOIN base.narrative_members n ON n.document_id = m.old_id
            LEFT JOIN doc_map dm ON dm.old_id = n.duplicate_of AND dm.k = m.k;
            {_per_copy("narratives", "id", "first_seen", "last_seen", "SELECT narrative_id FROM narrative_members")}
        """),
        ("registry", """
            INSERT INTO topics BY NAME SELECT * FROM base.topics;
            INSERT INTO sources BY NAME SELECT * FROM base.sources;
        """),
    ]


# Tables of later migrations, copied when the base has them: (label, table, SQL).
OPTIONAL_COPIES = [
    ("merged narratives", "narrative_merges", f"""
        INSERT INTO narrative_merges BY NAME
        SELECT g.* REPLACE ({NEW_ID.format(col='g.narrative_id')} AS narrative_id,
                            {NEW_ID.format(col='g.merged_into')} AS merged_into)
        FROM base.narrative_merges g CROSS JOIN copies m
        WHERE {NEW_ID.format(col='g.merged_into')} IN (SELECT id FROM narratives);
    """),
    ("forecasts", "narrative_forecasts",
     _per_copy("narrative_forecasts", "narrative_id", "made_at", "hour", "SELECT id FROM narratives")),
    # Scores of one hourly series per key: copies would collide on (hour, kind, key), so the newest
    # copy's (the real dates, what the dashboard opens on) are kept as they are.
    ("series spikes", "series_spikes", "INSERT INTO series_spikes BY NAME SELECT * FROM base.series_spikes;"),
]


def build(base: Path, out: Path, target: int, span_days: int, search_index: bool = True) -> None:
    """Write the large warehouse `out` from `base` (replaced if it exists)."""
    with duckdb.connect(str(base), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM documents").fetchone()
    n_base = int(row[0]) if row else 0
    if n_base == 0:
        raise SystemExit(f"the base warehouse {base} has no documents")
    copies = math.ceil(target / n_base)
    print(f"{out}: {target:,} documents from {copies} copies of the {n_base:,} in {base}", flush=True)
    # Built under another name and renamed at the end, so a file at `out` is always a finished build.
    building = out.with_name(out.name + ".building")
    for path in (building, building.with_name(building.name + ".wal")):
        path.unlink(missing_ok=True)
    started = time.perf_counter()
    with open_writer(building) as con:
        con.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
        for label, sql in _copy_sql(target, copies, span_days):
            with timed(label):
                con.execute("BEGIN TRANSACTION")
                con.execute(sql)
                con.execute("COMMIT")
        present = {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'base'").fetchall()}
        for label, table, sql in OPTIONAL_COPIES:
            if table in present:
                with timed(label):
                    con.execute(sql)
        con.execute("DETACH base")
        with timed("hourly aggregates"):
            refresh_hourly_aggregates(con)
        with timed("spike scores"):
            replace_topic_spikes(con, score_topic_spikes(hourly_topic_counts(con), since=None))
        if search_index:
            with timed("BM25 index"):
                build_search_index(con)
        with timed("checkpoint"):
            con.execute("CHECKPOINT")
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                  for t in ("documents", "annotations", "narratives", "hourly_aggregates", "topic_spikes")}
        bounds = con.execute("SELECT min(published_at), max(published_at) FROM documents").fetchone()
    building.replace(out)
    size = out.stat().st_size / 1e9
    print(f"built in {time.perf_counter() - started:.0f}s, {size:.2f} GB: "
          + ", ".join(f"{n:,} {t}" for t, n in counts.items())
          + (f"; published {bounds[0]:%Y-%m-%d} .. {bounds[1]:%Y-%m-%d}" if bounds else ""), flush=True)


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE, help="processed warehouse to replicate")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="warehouse to write (replaced)")
    parser.add_argument("--documents", type=int, default=1_000_000, help="documents to reach")
    parser.add_argument("--span-days", type=int, default=364, help="days the copies spread over")
    parser.add_argument("--no-search-index", action="store_true", help="skip the BM25 index (faster)")
    parser.add_argument("--if-missing", action="store_true", help="do nothing when --out exists")
    args = parser.parse_args(argv)
    if args.if_missing and args.out.exists():
        print(f"{args.out} exists (delete it to rebuild)")
        return
    if not args.base.exists():
        build_base(args.base)
    build(args.base, args.out, args.documents, args.span_days, search_index=not args.no_search_index)


if __name__ == "__main__":
    main()
