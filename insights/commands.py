"""What each `insights` command does (cli.py parses the arguments and says how a command
ended): the settings from the environment with the command line's flags over them, and one
function per command, each returning its exit status."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from insights.errors import InsightsError
from insights.settings import SPECS, Settings


class UsageError(InsightsError):
    """The command line asks for something it cannot mean (exit 2, like argparse's errors)."""


def settings_of(args: argparse.Namespace) -> Settings:
    """The environment's settings with the flags given on the command line over them."""
    overrides: dict[str, Any] = {}
    for item in SPECS:
        value = getattr(args, item.name, None)
        if value is not None and value != []:
            overrides[item.name] = tuple(value) if isinstance(value, list) else value
    return Settings.from_env().with_(**overrides)


def ingest(args: argparse.Namespace) -> int:
    from insights.ingest.run import IngestOptions, Progress, run_ingest
    from insights.store.database import Store

    settings = settings_of(args)
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}.")
    if args.base_url and settings.source == "demo" and not args.source:
        settings = settings.with_(source="graph")

    def show(event: Progress) -> None:
        if not args.quiet:
            wait = f" (waiting {event.waiting_s:.0f} s)" if event.waiting_s else ""
            print(
                f"\r[{event.fraction:4.0%}] {event.message[:70]:<70}{wait}",
                end="",
                file=sys.stderr,
                flush=True,
            )

    with Store(settings.db_path) as store:
        try:
            result = run_ingest(
                store, settings, options=IngestOptions(args.since, args.until), progress=show
            )
        finally:
            if not args.quiet:
                print(file=sys.stderr)
    parts = ", ".join(f"{table} {count:,}" for table, count in result.rows_written.items())
    print(f"Ingest run {result.run_id} {result.status}: {result.total_rows:,} rows ({parts}).")
    for note in result.notes:  # what it retried, skipped or could not get
        print(f"  {note.kind}: {note.message}", file=sys.stderr)
    return 0 if result.status == "succeeded" else 1


def demo_data(args: argparse.Namespace) -> int:
    from insights.demo import dataset as demo_data

    if args.scale or args.scale_ads:
        return _synthetic_store(args)
    out = args.out or Path("sample_data")
    seed = demo_data.DEFAULT_SEED if args.seed is None else args.seed
    for path in demo_data.write(demo_data.generate(seed), out):
        print(path)
    return 0


def _synthetic_store(args: argparse.Namespace) -> int:
    """`demo-data --scale` or `--scale-ads`: a large synthetic store at --db, timed."""
    import time

    from insights.demo import ad_scale, scale

    flag = "--scale" if args.scale else "--scale-ads"
    if args.db_path is None:
        raise UsageError(f"{flag} writes a new synthetic store: give its path with --db.")
    path, seed = args.db_path, args.seed or 1
    started = time.perf_counter()
    if args.scale:
        counts = scale.generate(path, args.scale, max(1, args.scale // 10), seed)
    else:
        rows = args.scale_ads
        posts = 1_000_000 if rows >= 10_000_000 else max(1, rows // 50)
        counts = ad_scale.generate(path, rows, posts, seed)
    written = ", ".join(f"{table} {count:,}" for table, count in counts.items())
    print(f"{path}: {written} in {time.perf_counter() - started:.1f} s")
    return 0


def demo_api(args: argparse.Namespace) -> int:
    from insights.demo import server as demo_api

    print(
        f"Demo API on http://{args.host}:{args.port}/{demo_api.API_VERSION} "
        f"(token: the demo token; Ctrl-C stops)",
        file=sys.stderr,
    )
    try:
        faults = demo_api.ads_faults_from(args.ads_fault)
    except ValueError as exc:
        print(f"--ads-fault {exc}", file=sys.stderr)
        return 2
    secret = os.environ.get("INSIGHTS_APP_SECRET") if args.require_app_secret else None
    if args.require_app_secret and not secret:
        print("--require-app-secret needs INSIGHTS_APP_SECRET set.", file=sys.stderr)
        return 2
    demo_api.serve(args.host, args.port, ads_faults=faults, app_secret=secret)
    return 0


def _ads_kept(result: Any) -> str:
    """ ", its 12 ads in 4 ad sets kept" for an export by ad or ad set."""
    if not result.ads:
        return ""
    return f", its {result.ads:,} ads in {result.ad_sets:,} ad sets kept"


def import_csv(args: argparse.Namespace) -> int:
    from insights.csv_import import importer
    from insights.store.database import Store

    settings = settings_of(args)
    failed = 0
    with Store(settings.db_path) as store:
        for path in args.files:
            try:
                result = importer.import_file(
                    store, path, args.kind, on_day=args.on_day, account=args.account
                )
            except importer.ImportNeedsInputError as exc:
                print(f"Not imported: {exc.explain(CLI_GIVES[exc.needs])}", file=sys.stderr)
                failed += 1
                continue
            except importer.ImportFileError as exc:
                print(f"Not imported: {exc}", file=sys.stderr)
                failed += 1
                continue
            again = " (imported before: its rows were replaced)" if result.replaced else ""
            totals = (
                f", {result.skipped_totals} totals row skipped" if result.skipped_totals else ""
            )
            print(
                f"Imported {result.file_name} as {result.kind} (import {result.import_id}): "
                f"{result.rows_read:,} rows read{totals}, {result.rows_written:,} rows written"
                f"{_ads_kept(result)}{again}."
            )
            for note in result.notes:
                print(f"  {note}")
    return 1 if failed else 0


# how a person at the command line gives what a file lacks (ImportNeedsInputError.needs)
CLI_GIVES = {"day": "with --date", "account": "with --account"}


def status(args: argparse.Namespace) -> int:
    from insights.ingest.access import access_lines
    from insights.store import queries
    from insights.store.database import Store

    settings = settings_of(args)
    with (
        Store(settings.db_path, read_only=settings.db_path.exists()) as store,
        store.cursor() as cur,
    ):
        print(queries.run(cur, "table_freshness").to_string(index=False))
        print()
        print(queries.run(cur, "ingest_runs", limit=5).to_string(index=False))
        print()
        for line in access_lines(cur, settings):
            print(f"{'Warning: ' if line.level == 'warning' else ''}{line.text}")
    return 0


def _is_store(path: Path) -> bool:
    """True for an existing DuckDB database file (its header names it at byte 8)."""
    try:
        with path.open("rb") as file:
            return file.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def export_view(args: argparse.Namespace) -> int:
    from insights.errors import StoreError
    from insights.figures import exports as views
    from insights.figures.filters import Filters, data_bounds, preset_range
    from insights.render import csv_export as export
    from insights.store.database import Store

    settings = settings_of(args)
    if args.output and _is_store(args.output):
        raise StoreError(
            f"--output {args.output} is a DuckDB store; refused so it is not overwritten with "
            "CSV. Name a new file."
        )
    if not settings.db_path.exists():
        raise StoreError(
            f"There is no store at {settings.db_path}; run 'insights ingest' first (or pass --db)."
        )
    with Store(settings.db_path) as store, store.cursor() as cur:  # migrated if older
        since, until = args.since, args.until
        if since is None or until is None:
            bounds = data_bounds(cur)
            last = until or (bounds[1] if bounds else date.today())
            default_since, default_until = preset_range("last_28", last)
            since, until = since or default_since, until or default_until
        if since > until:
            raise UsageError(f"--since {since} is after --until {until}.")
        filters = Filters(
            since,
            until,
            "none",
            campaign_ids=tuple(args.campaign_ids),
            account_ids=tuple(args.account_ids),
            objectives=tuple(args.objectives),
            media_types=tuple(args.media_types),
            ages=tuple(args.ages),
            genders=tuple(args.genders),
        )
        frame = views.VIEWS[args.view](cur, filters)
    data = export.to_csv_bytes(frame)
    if args.output:
        args.output.write_bytes(data)
        print(f"{len(frame):,} rows written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def app(args: argparse.Namespace) -> int:
    """Run the packaged entry script with Streamlit, its own arguments passed through."""
    Settings.from_env()  # a bad setting is said here, before a server starts
    script = resources.files("insights.ui") / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(script), *args.extra]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":  # Streamlit becomes this process: signals and exit status are its
        os.execv(sys.executable, command)
    return subprocess.call(command)


COMMANDS = {
    "app": app,
    "serve": app,
    "ingest": ingest,
    "demo-data": demo_data,
    "demo-api": demo_api,
    "status": status,
    "export": export_view,
    "import-csv": import_csv,
}
