"""The `radar` command: the only place that turns typed errors into one-line messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from pipelines.cli_alerts import alerts_app
from pipelines.cli_crawl import crawl_app, reprocess_cmd, sources_app
from pipelines.cli_export import export_app
from pipelines.cli_nlp import nlp_app
from pipelines.cli_social import social_app
from pipelines.cli_trends import trends_app
from pipelines.cli_users import users_app
from pipelines.errors import UserError
from pipelines.settings import Settings, load_settings
from warehouse.errors import WarehouseError

app = typer.Typer(
    help="Policy Radar — Radar Truyền thông Chính sách: media monitoring for Vietnamese press and social media.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(crawl_app, name="crawl")
app.add_typer(sources_app, name="sources")
app.command("reprocess")(reprocess_cmd)
app.add_typer(nlp_app, name="nlp")
app.add_typer(trends_app, name="trends")
app.add_typer(social_app, name="social")
app.add_typer(alerts_app, name="alerts")
app.add_typer(export_app, name="export")
app.add_typer(users_app, name="users")

DbOption = Annotated[Path | None, typer.Option("--db", help="Warehouse file (default data/radar.duckdb, or RADAR_DB).")]


def _progress(total: int, desc: str) -> tqdm:
    # disable=None: no bar when stderr is not a terminal (CI logs, pipes).
    return tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, dynamic_ncols=True, mininterval=0.5,
                disable=None)


def _ingest(settings: Settings, file: Path, newest_days: int | None = None) -> None:
    from pipelines.ingest import ingest_file

    if not file.is_file():
        raise UserError(f"no such file: {file}")
    with _progress(0, "Nhập / ingest") as bar:
        def tick(n: int, total: int) -> None:
            bar.total = total
            bar.update(n)

        report = ingest_file(file, settings.db, newest=newest_days, lock_timeout=settings.lock_timeout,
                             progress=tick)
    print(
        f"ingest {file.name}: {report.new} new, {report.duplicate} duplicate, {report.rejected} rejected"
        + (f", {report.skipped_old} older than {newest_days} days skipped" if newest_days else "")
    )
    for reason, count in report.reasons.most_common():
        print(f"  rejected {count} × {reason}")
    for example in report.examples[:5]:
        print(f"    e.g. {example}")


def _process(settings: Settings, quiet: bool = False) -> str:
    from nlp.annotate import Annotator
    from pipelines.process import process

    annotator = Annotator.load(settings.models_dir)
    with _progress(0, "Phân tích / annotate") as bar:
        def tick(n: int, total: int) -> None:
            bar.total = total
            bar.update(n)

        report = process(settings.db, annotator, batch_size=settings.process_batch, progress=tick,
                         lock_timeout=settings.lock_timeout)
    summary = (
        f"{report.annotated} documents annotated ({report.docs_per_second:.0f} docs/s), "
        f"{report.aggregate_rows} hourly aggregate rows, {report.spike_rows} topic and "
        f"{report.series_spike_rows} place/agency/legal/keyword spike scores, {report.alerts} spike alerts, "
        f"{report.narrated} documents placed in narratives ({report.narratives_opened} new, "
        f"{report.narratives_merged} merged, {report.narratives_split} split), {report.forecasts} hourly forecast rows"
    )
    if not quiet:
        print(f"process: {summary}")
    return summary


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="JSON Lines file (.jsonl or .jsonl.gz).")],
    db: DbOption = None,
) -> None:
    """Nhập tài liệu từ JSON Lines / Import documents from JSON Lines (idempotent)."""
    _ingest(load_settings(db=db), file)


@app.command()
def process(db: DbOption = None) -> None:
    """Phân tích tài liệu mới / Annotate new documents, update aggregates and spike scores."""
    _process(load_settings(db=db))


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One SELECT / WITH / EXPLAIN / DESCRIBE / SUMMARIZE query.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or table.")] = "table",
    max_rows: Annotated[int, typer.Option("--max-rows", help="Row limit.")] = 10_000,
    timeout: Annotated[float, typer.Option("--timeout", help="Time limit in seconds.")] = 30.0,
) -> None:
    """Truy vấn SQL chỉ đọc / Read-only SQL on the warehouse."""
    from warehouse.sql import run_query

    if fmt not in ("csv", "json", "table"):
        raise UserError(f"--format must be one of csv, json, table, not {fmt!r}")
    result = run_query(load_settings(db=db).db, query, max_rows=max_rows, timeout_s=timeout)
    frame = result.frame
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        for record in frame.to_dict(orient="records"):
            print(json.dumps(record, ensure_ascii=False, default=str))
    else:
        print(frame.to_string(index=False) if not frame.empty else "(0 rows)")
    if result.truncated:
        print(f"radar: note: output cut at {max_rows} rows (--max-rows)", file=sys.stderr)


@app.command()
def dashboard(
    db: DbOption = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8501).")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
) -> None:
    """Mở bảng điều khiển / Serve the dashboard."""
    from pipelines.serve import serve_dashboard

    settings = load_settings(db=db, dashboard_port=port)
    raise typer.Exit(serve_dashboard(settings.db, settings.dashboard_port, headless=no_browser))


@app.command()
def demo(
    db: DbOption = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Fill the warehouse, do not serve.")] = False,
) -> None:
    """Chạy thử với tin thật / Fill a warehouse with real news, annotate, detect, serve the dashboard."""
    from pipelines.demo import choose_demo_input, first_admin
    from pipelines.serve import serve_dashboard

    settings = load_settings(db=db)
    mode, path = choose_demo_input(settings)
    if mode == "file" and path is not None:
        print(f"demo: newest {settings.demo_days} days of {path}")
        _ingest(settings, path, newest_days=settings.demo_days)
    else:
        from crawlers.run import CrawlError, run_crawl

        print(f"demo: crawling the live feeds for {settings.demo_crawl_minutes:g} minutes")
        try:
            stats = run_crawl(settings.db, None, max_items_per_feed=30,
                              time_limit_s=int(settings.demo_crawl_minutes * 60), user_agent=settings.user_agent)
        except CrawlError as exc:
            raise UserError(f"demo crawl failed: {exc}") from None
        print(f"crawl: {stats.summary()}")
        if stats.new == 0:
            raise UserError("demo crawl stored no documents: the news sites could not be reached or parsed")
    _process(settings)
    first_admin(settings)
    if not no_serve:
        raise typer.Exit(serve_dashboard(settings.db, settings.dashboard_port, headless=no_browser))


@app.command("run")
def run_command(
    every: Annotated[str, typer.Option("--every", help="Interval between cycles: 30s, 10m, 1h.")] = "10m",
    once: Annotated[bool, typer.Option("--once", help="Run one cycle and exit.")] = False,
    no_crawl: Annotated[bool, typer.Option("--no-crawl", help="Skip crawling (process what is stored).")] = False,
    source: Annotated[list[str] | None, typer.Option("--source", help="Crawl only these sources.")] = None,
    db: DbOption = None,
) -> None:
    """Chạy định kỳ / Crawl, process, detect and notify every interval (one run at a time; stops on SIGTERM)."""
    from pipelines.schedule import Cycle, parse_interval, run_lock, run_loop, stop_on_signals

    settings = load_settings(db=db)
    every_s = parse_interval(every)
    steps: list[tuple[str, object]] = []
    if not no_crawl:
        def crawl() -> str:
            from crawlers.run import run_crawl

            # A cycle's crawl never outlasts the interval, so cycles do not pile up.
            stats = run_crawl(settings.db, source or None, time_limit_s=max(30.0, every_s * 0.8),
                              user_agent=settings.user_agent)
            from pipelines.syndication import mark_syndication

            _, copies = mark_syndication(settings.db, lock_timeout=settings.lock_timeout)
            return f"{stats.new} new, {stats.duplicate} duplicate, {stats.failed} failed, {copies} syndicated"
        steps.append(("crawl", crawl))

    def process_step() -> str:
        return _process(settings, quiet=True)
    steps.append(("process", process_step))

    def alerts_step() -> str:
        from pipelines.alerts.run import run_alerts

        r = run_alerts(settings.db, lock_timeout=settings.lock_timeout)
        return (f"{r.events} events, {r.queued} queued, {r.suppressed} suppressed, {r.sent.sent} sent, "
                f"{r.sent.retried} to retry, {r.sent.failed} failed")
    steps.append(("alerts", alerts_step))

    def report(cycle: Cycle) -> None:
        parts = "; ".join(f"{name}: {result}" for name, result in cycle.results.items())
        print(f"run: {parts}", flush=True)

    import threading

    stop = threading.Event()
    with run_lock(settings.db), stop_on_signals(stop):
        run_loop(steps, every_s, once=once, stop=stop, report=report)  # type: ignore[arg-type]


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except (UserError, WarehouseError, FileNotFoundError, ValueError) as exc:
        print(f"radar: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("radar: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
