"""The `insights` command line: a thin layer over the package.

Exit status 0 on success; 1 with one clear sentence on stderr when something failed (an
unexpected failure's traceback goes to the log file, secrets masked); 2 for wrong arguments or
a setting with a bad value. The settings' flags are built from the settings table. The access
token is read from INSIGHTS_ACCESS_TOKEN, never a flag.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from insights import __version__
from insights.api.masking import mask_secrets
from insights.errors import InsightsError
from insights.settings import SPECS, Settings, SettingsError, SettingSpec, spec

log = logging.getLogger(__name__)


class UsageError(InsightsError):
    """The command line asks for something it cannot mean (exit 2, like argparse's errors)."""


APP_COMMANDS = ("app", "serve")  # the rest of their arguments are Streamlit's


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-05-31") from None


def _flag_type(item: SettingSpec) -> Callable[[str], Any]:
    """argparse's converter for a setting's flag: a bad value is a usage error (exit 2)."""

    def convert(raw: str) -> Any:
        try:
            return item.convert(raw)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{raw!r} is {exc}") from None

    return convert


def _setting_option(parser: argparse.ArgumentParser, name: str) -> None:
    """The flag of one setting, as the settings table declares it."""
    item = spec(name)
    assert item.flag is not None, f"setting {name} has no flag"
    repeatable = isinstance(item.default, tuple)
    parser.add_argument(
        item.flag,
        dest=item.name,
        action="append" if repeatable else "store",
        # a list flag takes one value per use (repeat the flag), its variable a comma list
        type=str if repeatable else _flag_type(item),
        choices=item.choices,
        metavar=None if item.choices else item.metavar,
        help=f"{item.help} Env: {item.env}. Default: {item.shown_default()}.",
    )


def _db_option(parser: argparse.ArgumentParser) -> None:
    _setting_option(parser, "db_path")


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
    for item in SPECS:  # every setting with a flag; the token and app secret have none
        if item.flag:
            _setting_option(ingest, item.name)
    ingest.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="First day to read (default: incremental).",
    )
    ingest.add_argument(
        "--until", type=_date, metavar="YYYY-MM-DD", help="Last day to read (default: today)."
    )
    ingest.add_argument("--quiet", action="store_true", help="No progress line.")

    demo_data = commands.add_parser(
        "demo-data",
        help="Write the demo data set anew (into ./sample_data unless --out).",
        description="Write the deterministic demo data set (the files the package bundles) "
        "into a folder of your choice; the installed package is never written to.",
    )
    demo_data.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="Output folder (default: sample_data in the current folder).",
    )
    demo_data.add_argument("--seed", type=int, help="Random seed (default: the bundled one).")
    demo_data.add_argument(
        "--scale",
        type=int,
        metavar="ROWS",
        help="Instead: write a large synthetic store with at least ROWS ad insight rows and "
        "ROWS/10 posts (for speed measurements) to --db.",
    )
    demo_data.add_argument(
        "--scale-ads",
        type=int,
        metavar="ROWS",
        help="Instead: write a large synthetic store at the ad level (ad sets, ads, creatives, "
        "placements) with at least ROWS ad-level insight rows and ROWS/50 posts (1,000,000 "
        "from 10,000,000 rows) to --db.",
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
        "mixed_attribution=CAMPAIGN_ID (see insights/demo/ads.py, AdsFaults).",
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

    commands.add_parser(
        "app",
        aliases=["serve"],
        help="Start the dashboard (Streamlit) on http://localhost:8501.",
        description="Start the dashboard from wherever the package is installed. Every "
        "further argument is Streamlit's (e.g. --server.port 8502, --server.address 0.0.0.0) "
        "and its STREAMLIT_* variables apply (STREAMLIT_SERVER_PORT ...); the INSIGHTS_* "
        "settings are read as by the other commands.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in APP_COMMANDS:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")  # exits 2
    args.extra = extra
    handler = _operator_log()
    try:
        return int(_COMMANDS[args.command](args) or 0)
    except (SettingsError, UsageError) as exc:  # a bad INSIGHTS_* value is said at start
        print(f"insights: {exc}", file=sys.stderr)
        return 2
    except InsightsError as exc:
        print(f"insights: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("insights: interrupted; nothing of the current run was kept.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or an unforeseen condition: the log has the traceback
        secrets = (os.environ.get("INSIGHTS_ACCESS_TOKEN"), os.environ.get("INSIGHTS_APP_SECRET"))
        trace = "".join(traceback.format_exception(exc))
        log.error("insights %s failed:\n%s", args.command, mask_secrets(trace, *secrets))
        reason = mask_secrets(f"{type(exc).__name__}: {exc}", *secrets)
        print(
            f"insights: {args.command} failed unexpectedly ({reason}); the details are in "
            f"{handler.path}.",
            file=sys.stderr,
        )
        return 1
    finally:
        logging.getLogger("insights").removeHandler(handler)
        handler.close()


class _LogFile(logging.Handler):
    """Appends the operator's log (failures with their traceback, secrets masked) to a file,
    created only when something is logged."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.WARNING)
        self.path = path
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = mask_secrets(
                self.format(record),
                os.environ.get("INSIGHTS_ACCESS_TOKEN"),
                os.environ.get("INSIGHTS_APP_SECRET"),
            )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(text + "\n")
        except Exception:
            self.handleError(record)


def _operator_log() -> _LogFile:
    """The log file handler for this command: INSIGHTS_LOG (or its default), on the
    package's loggers (so nothing is printed to the user by Python's last-resort handler)."""
    raw = os.environ.get(spec("log_path").env)
    handler = _LogFile(Path(raw) if raw else spec("log_path").default)
    logging.getLogger("insights").addHandler(handler)
    return handler


def _settings(args: argparse.Namespace) -> Settings:
    """The environment's settings with the flags given on the command line over them."""
    overrides: dict[str, Any] = {}
    for item in SPECS:
        value = getattr(args, item.name, None)
        if value is not None and value != []:
            overrides[item.name] = tuple(value) if isinstance(value, list) else value
    return Settings.from_env().with_(**overrides)


def _ingest(args: argparse.Namespace) -> int:
    from insights.ingest.run import IngestOptions, Progress, run_ingest
    from insights.store.database import Store

    settings = _settings(args)
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


def _demo_data(args: argparse.Namespace) -> int:
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


def _demo_api(args: argparse.Namespace) -> int:
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


def _import_csv(args: argparse.Namespace) -> int:
    from insights.csv_import import importer
    from insights.store.database import Store

    settings = _settings(args)
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


def _status(args: argparse.Namespace) -> int:
    from insights.ingest.access import access_lines
    from insights.store import queries
    from insights.store.database import Store

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
    from insights.errors import StoreError
    from insights.figures import exports as views
    from insights.figures.filters import Filters, data_bounds, preset_range
    from insights.render import csv_export as export
    from insights.store.database import Store

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


def _app(args: argparse.Namespace) -> int:
    """Run the packaged entry script with Streamlit, its own arguments passed through."""
    Settings.from_env()  # a bad setting is said here, before a server starts
    script = resources.files("insights.ui") / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(script), *args.extra]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":  # Streamlit becomes this process: signals and exit status are its
        os.execv(sys.executable, command)
    return subprocess.call(command)


_COMMANDS = {
    "app": _app,
    "serve": _app,
    "ingest": _ingest,
    "demo-data": _demo_data,
    "demo-api": _demo_api,
    "status": _status,
    "export": _export,
    "import-csv": _import_csv,
}


if __name__ == "__main__":
    raise SystemExit(main())
