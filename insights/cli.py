"""The `insights` command line: a thin layer over the package (its arguments here, what each
command does in commands.py).

Exit status 0 on success; 1 with one clear sentence on stderr when something failed (an
unexpected failure's traceback goes to the log file, secrets masked); 2 for wrong arguments or
a setting with a bad value. The settings' flags are built from the settings table. The access
token is read from INSIGHTS_ACCESS_TOKEN, never a flag.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from insights import __version__, commands
from insights.api.masking import mask_secrets
from insights.errors import InsightsError
from insights.settings import SPECS, SettingsError, SettingSpec, spec

log = logging.getLogger(__name__)

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
        return int(commands.COMMANDS[args.command](args) or 0)
    except (SettingsError, commands.UsageError) as exc:  # a bad INSIGHTS_* value is said at start
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


if __name__ == "__main__":
    raise SystemExit(main())
