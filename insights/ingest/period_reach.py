"""Reach and frequency of whole periods at the campaign, ad set and ad level (issue 18),
mixed into fetch_ads.AdsFetcher.

Meta counts reach as unique people over the period it is asked for: the insights of a
`time_range` with `time_increment=all_days` give one row per object for the whole range
(Ads Insights reference, time_increment), and a sum of daily reach overstates it
(GRAPH_API.md). So the refresh asks for the periods the dashboard's date presets give
(figures.periods), ending on the last day of data it stored, at each level, as
async reports a few at a time (reports.py: retries, splits by campaign and resubmits as for
the daily rows). Deleted campaigns are read by their own id, as account-level insights leave
them out. The write replaces the account's stored periods.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from insights.api.client import GraphClient
from insights.errors import IngestError
from insights.figures.periods import REACH_LEVELS, reach_periods
from insights.ingest import ad_level_rows as level_rows
from insights.ingest.fetch_ad_level import Query
from insights.ingest.model import Fetched, Reporter
from insights.ingest.reports import ReportJob
from insights.ingest.values import parse_count, parse_date, to_table

# each level's id with the period's figures (an ad set's and an ad's parents too)
PERIOD_FIELDS = {
    "campaign": "campaign_id,impressions,reach,frequency",
    "adset": "campaign_id,adset_id,impressions,reach,frequency",
    "ad": "campaign_id,adset_id,ad_id,impressions,reach,frequency",
}
MAX_BAD_NOTES = 20
PERIOD_REACH_SCHEMA = pa.schema(
    [
        ("level", pa.string()),
        ("object_id", pa.string()),
        ("ad_account_id", pa.string()),
        ("since", pa.date32()),
        ("until", pa.date32()),
        ("reach", pa.int64()),
        ("impressions", pa.int64()),
        ("frequency", pa.float64()),
        ("read_at", pa.timestamp("us", tz="UTC")),
        ("import_id", pa.int64()),
    ]
)
PERIOD_KEYS = ["level", "object_id", "since", "until"]


@dataclass(frozen=True)
class PeriodQuery(Query):
    """One level's whole-period insights of one window (its rows make PERIOD_REACH_SCHEMA)."""

    since: date = date.min
    until: date = date.min

    @property
    def schema(self) -> pa.Schema:
        return PERIOD_REACH_SCHEMA


def period_params(query: PeriodQuery) -> dict[str, Any]:
    window = {"since": query.since.isoformat(), "until": query.until.isoformat()}
    return {
        "level": query.level,
        "time_increment": "all_days",
        "time_range": json.dumps(window),
        "fields": query.fields,
        "limit": 500,
    }


@dataclass
class PeriodRows:
    """Converts the pages of whole-period reports of one ad account (reports.py calls
    `convert`); rows with impossible values are left out and named in `bad`."""

    id: str
    read_at: datetime
    bad: list[str] = field(default_factory=list)
    without_reach: list[str] = field(default_factory=list)

    def convert(self, pages: Iterable[list[dict[str, Any]]], query: Any) -> pa.Table:
        rows: list[dict[str, Any]] = []
        for page in pages:
            for obj in page:
                row = self._row(obj, query)
                if row is not None:
                    rows.append(row)
        return to_table(rows, PERIOD_REACH_SCHEMA)

    def _row(self, obj: dict[str, Any], query: PeriodQuery) -> dict[str, Any] | None:
        key = f"{query.level}_id"
        object_id = obj.get(key)
        what = f"{query.level} {object_id} from {query.since} to {query.until}"
        if not object_id:
            self.bad.append(f"A whole-period row of {query.level}s came without {key}")
            return None
        start = parse_date(obj.get("date_start"), f"date_start of {what}")
        stop = parse_date(obj.get("date_stop"), f"date_stop of {what}")
        if (start, stop) != (query.since, query.until):
            raise IngestError(
                f"The API answered the reach of {query.level} {object_id} for {start} to "
                f"{stop} where {query.since} to {query.until} was asked; nothing was saved. "
                "Try again later."
            )
        try:
            reach = parse_count(obj.get("reach"), f"reach of {what}")
            impressions = parse_count(obj.get("impressions"), f"impressions of {what}")
            frequency = _frequency(obj.get("frequency"), what)
        except IngestError as exc:
            self.bad.append(str(exc).rstrip("."))
            return None
        if reach is None:
            self.without_reach.append(what)
            return None
        return {
            "level": query.level,
            "object_id": str(object_id),
            "ad_account_id": self.id,
            "since": query.since,
            "until": query.until,
            "reach": reach,
            "impressions": impressions or 0,
            "frequency": frequency,
            "read_at": self.read_at,
            "import_id": None,
        }


def _frequency(value: Any, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise IngestError(
            f"The API sent frequency of {what} = {str(value)[:40]!r}, which is not a number."
        ) from None
    if not number >= 0 or number == float("inf"):
        raise IngestError(f"The API sent frequency of {what} = {value!r}, which is impossible.")
    return number


class PeriodReachFetching:
    """Whole-period reach of one ad account; AdsFetcher provides the reports and the run."""

    client: GraphClient
    out: Fetched
    now: datetime
    report: Reporter

    if TYPE_CHECKING:  # reports.AsyncReports (a stub here would hide it in AdsFetcher)

        def _reports(self, account: Any, jobs: list[ReportJob]) -> list[pa.Table]: ...

    def period_reach(
        self,
        ad_account_id: str,
        anchor: date,
        campaigns: Sequence[dict[str, Any]],
        floor: date,
    ) -> None:
        """The reach of the presets' periods ending at `anchor`, at each level, into
        `out.period_reach` (the write replaces the account's stored periods with them).
        `campaigns`: the account's listed campaigns (to split a failing report, and to read
        deleted ones by id); `floor`: the oldest day the API serves."""
        act = f"act_{ad_account_id}"
        windows = [w for w in reach_periods(anchor) if w[0] >= floor]
        for since, until in sorted(set(reach_periods(anchor)) - set(windows)):
            self.out.note(
                "ads",
                ad_account_id,
                "skipped",
                f"Reach of act_{ad_account_id} from {since} to {until} was not read: Meta "
                "keeps insights for 37 months.",
            )
        jobs: list[ReportJob] = []
        for since, until in windows:
            delivering = _delivering(campaigns, since, until)
            deleted = [c for c in delivering if c.get("status") == "DELETED"]
            for level in REACH_LEVELS:
                query = PeriodQuery(level, "", PERIOD_FIELDS[level], "period", since, until)
                label = f"reach {since} to {until} ({level} level)"
                split = tuple(c["campaign_id"] for c in delivering if c.get("status") != "DELETED")
                jobs.append(
                    ReportJob(f"{act}/insights", period_params(query), label, split, query=query)
                )
                # account-level insights leave deleted campaigns out: read by their id
                jobs.extend(
                    ReportJob(
                        f"{c['campaign_id']}/insights",
                        period_params(query),
                        f"{label}, campaign {c['campaign_id']}",
                        query=query,
                    )
                    for c in deleted
                )
        if not jobs:
            return
        converter = PeriodRows(ad_account_id, self.now)
        self.report.say(f"Ads {act}: reach of {len(windows)} periods")
        table = level_rows.concat(self._reports(converter, jobs), PERIOD_REACH_SCHEMA)
        table = level_rows.without_repeats(table, PERIOD_KEYS, "whole-period")
        for message in converter.bad[:MAX_BAD_NOTES]:
            self.out.note("ads", ad_account_id, "incomplete", f"{message}; that row was left out.")
        if len(converter.bad) > MAX_BAD_NOTES:
            self.out.note(
                "ads",
                ad_account_id,
                "incomplete",
                f"{len(converter.bad) - MAX_BAD_NOTES:,} more whole-period rows with impossible "
                "values were left out.",
            )
        if converter.without_reach:
            self.out.note(
                "ads",
                ad_account_id,
                "skipped",
                f"Meta gave no reach for {len(converter.without_reach):,} whole-period rows "
                f"(the first: {converter.without_reach[0]}): those have no reach figure.",
            )
        self.out.period_reach[ad_account_id] = table.sort_by(
            [("level", "ascending"), ("since", "ascending"), ("object_id", "ascending")]
        )
        counts = pc.value_counts(table["level"]).to_pylist() if table.num_rows else []
        self.report.say(
            f"Ads {act}: reach of {len(windows)} periods, "
            + ", ".join(f"{c['counts']:,} {c['values']} rows" for c in counts)
        )


def _delivering(campaigns: Sequence[dict[str, Any]], since: date, until: date) -> list[Any]:
    """Campaigns that may have delivered in the period (a day's margin: campaign times are
    UTC, the insight days the account's)."""
    day = timedelta(days=1)
    out = []
    for c in campaigns:
        began, ended = c.get("start_time"), c.get("stop_time")
        if began is not None and began.date() - day > until:
            continue
        if ended is not None and ended.date() + day < since:
            continue
        out.append(c)
    return out
