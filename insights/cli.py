"""The `insights` command line: a thin layer over the package.

Exit status 0 on success; 1 with one clear sentence on stderr when something failed; 2 for
wrong arguments (argparse). The access token is read from INSIGHTS_ACCESS_TOKEN, never a flag.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from insights import __version__
from insights.errors import InsightsError
from insights.settings import Settings, spec


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-05-31") from None


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help=f"{spec('db_path').help} Env: INSIGHTS_DB. Default: {spec('db_path').default}.",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="insights",
        description="Marketing insights: ingest Instagram and Meta ads data "
        "into DuckDB and explore it in a dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"insights {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="Pull new data from the API into the store.",
        description="Pull Instagram and ads data into the store, incrementally and in one "
        "transaction. The token comes from INSIGHTS_ACCESS_TOKEN.",
    )
    _db_option(ingest)
    ingest.add_argument("--source", choices=("demo", "graph"), help=spec("source").help)
    ingest.add_argument("--base-url", metavar="URL", help=spec("base_url").help)
    ingest.add_argument(
        "--ig-user-id",
        action="append",
        metavar="ID",
        dest="ig_user_ids",
        help="Instagram business account id (repeatable).",
    )
    ingest.add_argument(
        "--ad-account-id",
        action="append",
        metavar="act_ID",
        dest="ad_account_ids",
        help="Ad account id (repeatable).",
    )
    ingest.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="First day to read (default: incremental).",
    )
    ingest.add_argument(
        "--until", type=_date, metavar="YYYY-MM-DD", help="Last day to read (default: today)."
    )
    ingest.add_argument("--lookback-days", type=int, metavar="N", help=spec("lookback_days").help)
    ingest.add_argument(
        "--conversion-action-type", metavar="TYPE", help=spec("conversion_action_type").help
    )
    ingest.add_argument("--quiet", action="store_true", help="No progress line.")

    demo_data = commands.add_parser(
        "demo-data",
        help="Regenerate the bundled demo data set.",
        description="Write the deterministic demo data set (the files in sample_data/).",
    )
    demo_data.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="Output folder (default: the bundled sample_data folder).",
    )
    demo_data.add_argument("--seed", type=int, help="Random seed (default: the bundled one).")
    demo_data.add_argument(
        "--scale",
        type=int,
        metavar="ROWS",
        help="Instead: write a large synthetic store with at least ROWS ad insight rows and "
        "ROWS/10 posts (for speed measurements) to --db.",
    )
    _db_option(demo_data)

    demo_api = commands.add_parser(
        "demo-api",
        help="Serve the demo data set over the Graph API contract.",
        description="Serve the demo data set on 127.0.0.1 with the same contract as the Graph "
        "API, until Ctrl-C.",
    )
    demo_api.add_argument("--port", type=int, default=8765, help="Port (default 8765).")
    demo_api.add_argument("--host", default="127.0.0.1", help="Address (default 127.0.0.1).")
    demo_api.add_argument(
        "--ads-fault",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Produce a documented Marketing API failure on demand (repeatable), e.g. "
        "too_much_data_days=7, report_failures=2, report_stuck=1, app_limit_after=5, "
        "mixed_attribution=CAMPAIGN_ID (see insights/demo_ads.py, AdsFaults).",
    )
    demo_api.add_argument(
        "--require-app-secret",
        action="store_true",
        help="Answer like an app with 'Require App Secret' (secret: INSIGHTS_APP_SECRET).",
    )

    import_csv = commands.add_parser(
        "import-csv",
        help="Import Ads Manager or Instagram post exports (CSV) into the store.",
        description="Import CSV exports of Meta Ads Manager (campaign rows, by day, age and "
        "gender where present) or of Instagram posts. Each file is checked completely first "
        "and written in one transaction, or not at all; importing a file again replaces its "
        "rows. Rows the API wrote win over imported ones.",
    )
    import_csv.add_argument("files", nargs="+", type=Path, metavar="FILE")
    import_csv.add_argument(
        "--kind",
        choices=["auto", "ads-manager", "instagram-posts"],
        default="auto",
        help="The export format (default: recognised from the header).",
    )
    import_csv.add_argument(
        "--date",
        type=_date,
        dest="on_day",
        help="The day the figures belong to, for an ads export with no day column.",
    )
    import_csv.add_argument(
        "--account",
        help="The account the rows belong to, when the file does not name it "
        "(default: 'imported').",
    )
    _db_option(import_csv)

    export = commands.add_parser(
        "export",
        help="Write a view's figures as CSV (the same numbers as the page).",
        description="Write a view as CSV: campaigns (one row per campaign), daily (one row "
        "per day, paid metrics) or posts (one row per post). Without dates: the last 28 days "
        "of data, as the dashboard opens.",
    )
    export.add_argument("view", choices=["campaigns", "daily", "posts"], help="What to export.")
    _db_option(export)
    export.add_argument("--since", type=_date, help="First day, YYYY-MM-DD.")
    export.add_argument("--until", type=_date, help="Last day, YYYY-MM-DD.")
    for flag, dest, what in (
        ("--campaign-id", "campaign_ids", "campaign id"),
        ("--account-id", "account_ids", "Instagram account id"),
        ("--objective", "objectives", "campaign objective, e.g. OUTCOME_SALES"),
        ("--age", "ages", "age group, e.g. 25-34"),
        ("--gender", "genders", "gender: female, male or unknown"),
        ("--media-type", "media_types", "media type: IMAGE, VIDEO or CAROUSEL_ALBUM"),
    ):
        export.add_argument(
            flag, dest=dest, action="append", default=[], help=f"Only this {what} (repeatable)."
        )
    export.add_argument("--output", "-o", type=Path, help="CSV file to write (default: stdout).")

    status = commands.add_parser(
        "status",
        help="Row counts, freshness and the last runs.",
        description="Show what the store holds and the last runs.",
    )
    _db_option(status)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args) or 0)
    except InsightsError as exc:
        print(f"insights: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("insights: interrupted; nothing of the current run was kept.", file=sys.stderr)
        return 130


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env().with_(
        db_path=getattr(args, "db", None),
        source=getattr(args, "source", None),
        base_url=getattr(args, "base_url", None),
        ig_user_ids=tuple(args.ig_user_ids) if getattr(args, "ig_user_ids", None) else None,
        ad_account_ids=(
            tuple(args.ad_account_ids) if getattr(args, "ad_account_ids", None) else None
        ),
        lookback_days=getattr(args, "lookback_days", None),
        conversion_action_type=getattr(args, "conversion_action_type", None),
    )


def _ingest(args: argparse.Namespace) -> int:
    from insights.ingest import IngestOptions, Progress, run_ingest
    from insights.store import Store

    settings = _settings(args)
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


def _demo_data(args: argparse.Namespace) -> int:
    from insights import demo_data

    if args.scale:
        import time

        from insights import scale_data

        if args.db is None:
            raise InsightsError("--scale writes a new synthetic store: give its path with --db.")
        path = args.db
        started = time.perf_counter()
        counts = scale_data.generate(path, args.scale, max(1, args.scale // 10), args.seed or 1)
        rows = ", ".join(f"{table} {count:,}" for table, count in counts.items())
        print(f"{path}: {rows} in {time.perf_counter() - started:.1f} s")
        return 0
    out = args.out or demo_data.SAMPLE_DIR
    seed = demo_data.DEFAULT_SEED if args.seed is None else args.seed
    for path in demo_data.write(demo_data.generate(seed), out):
        print(path)
    return 0


def _demo_api(args: argparse.Namespace) -> int:
    from insights import demo_api

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


def _import_csv(args: argparse.Namespace) -> int:
    from insights import importer
    from insights.store import Store

    settings = _settings(args)
    failed = 0
    with Store(settings.db_path) as store:
        for path in args.files:
            try:
                result = importer.import_file(
                    store, path, args.kind, on_day=args.on_day, account=args.account
                )
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
                f"{again}."
            )
    return 1 if failed else 0


def _status(args: argparse.Namespace) -> int:
    from insights import queries
    from insights.access import access_lines
    from insights.store import Store

    settings = _settings(args)
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


def _export(args: argparse.Namespace) -> int:
    from insights import dashboard, export, views
    from insights.errors import StoreError
    from insights.store import Store

    settings = _settings(args)
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
            bounds = dashboard.data_bounds(cur)
            last = until or (bounds[1] if bounds else date.today())
            default_since, default_until = dashboard.preset_range("last_28", last)
            since, until = since or default_since, until or default_until
        if since > until:
            raise StoreError(f"--since {since} is after --until {until}.")
        filters = dashboard.Filters(
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


_COMMANDS = {
    "ingest": _ingest,
    "demo-data": _demo_data,
    "demo-api": _demo_api,
    "status": _status,
    "export": _export,
    "import-csv": _import_csv,
}


if __name__ == "__main__":
    raise SystemExit(main())
