"""The ads half of the fetch phase: the Marketing API as Meta runs it (GRAPH_API.md, Ads).

Per ad account: the account object (currency, time zone), every campaign whatever its status
(without an `effective_status` filter the API leaves out ARCHIVED and DELETED ones), and daily
insights by age and gender. Insights come through the documented recoveries:

- "too much data" (100/1487534, or HTTP 500 "reduce the amount of data"): the window is halved
  down to one day, then the page is made smaller, then the day goes through an async report;
- async reports are submitted a few at a time; a first poll answering 100/33 (not visible
  yet) is polled again; `Job Failed` / `Job Skipped` is retried once, then split by campaign;
  a job still `Job Not Started` at 0% after a while is resubmitted;
- account-level insights leave out deleted campaigns, so recently deleted campaigns are read
  by id, and the write replaces only the campaigns the API answered for or still lists.

Every retry and split is recorded as a note of the run (what, which window, why). The async
reports run in reports.py; the ad set and ad level in fetch_ad_level.py; the reach of whole
periods in period_reach.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from insights.api.client import GraphClient, gc_paused
from insights.errors import IngestError, TooMuchDataError
from insights.figures.objectives import RESULT_TYPES, ResultType
from insights.ingest import ad_level_rows as level_rows
from insights.ingest.campaign_rows import (
    AD_INSIGHTS_SCHEMA,
    ad_account_row,
    ad_insights_table,
    campaign_row,
)
from insights.ingest.fetch_ad_level import AdLevelFetching, Query
from insights.ingest.model import AdInsights, Fetched, Reporter, date_windows
from insights.ingest.period_reach import PeriodReachFetching
from insights.ingest.reports import AsyncReports, ReportJob
from insights.ingest.values import currency_offset, parse_time
from insights.settings import Settings

ACCOUNT_FIELDS = "name,currency,timezone_name,account_status"
CAMPAIGN_FIELDS = (
    "id,name,objective,status,effective_status,start_time,stop_time,daily_budget,"
    "lifetime_budget,updated_time"
)
# every campaign status (Marketing API, Campaign reference, effective_status): listing
# without this filter leaves out ARCHIVED and DELETED campaigns, whose delivery still counts
EVERY_STATUS = ("ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES")
AD_INSIGHT_FIELDS = (
    "campaign_id,campaign_name,objective,spend,impressions,reach,clicks,inline_link_clicks,"
    "actions,action_values,video_thruplay_watched_actions"
)
AD_WINDOW_DAYS = 31  # one synchronous insights call per month keeps each answer small
SYNC_MAX_DAYS = 62  # longer ranges (backfills) go through async report runs ...
ASYNC_WINDOW_DAYS = 93  # ... of at most a quarter each
PAGE_LIMITS = (500, 100, 25)  # smaller pages when a one-day window is still too much
MAX_BAD_NOTES = 20  # rows with impossible values named one by one, then counted


def insights_params(
    window: tuple[date, date],
    limit: int = PAGE_LIMITS[0],
    level: str = "campaign",
    query: Query | None = None,
) -> dict[str, Any]:
    """The insights request of one window: campaign level (or ad set level), daily, by age
    and gender, with the ad sets' own (unified) attribution setting asked explicitly, as Ads
    Manager shows it; or the ad-level `query` (fetch_ad_level.py) the same way."""
    start, end = window
    fields = AD_INSIGHT_FIELDS + (",adset_id" if level == "adset" else "")
    return {
        "level": query.level if query else level,
        "time_increment": 1,
        "breakdowns": query.breakdowns if query else "age,gender",
        "time_range": json.dumps({"since": start.isoformat(), "until": end.isoformat()}),
        "fields": query.fields if query else fields,
        "use_unified_attribution_setting": "true",
        "limit": limit,
    }


def _windows(since: date, until: date, days: int) -> list[tuple[date, date]]:
    return date_windows(since, until, days)


class AdsFetcher(AdLevelFetching, PeriodReachFetching, AsyncReports):
    """Fetches one ad account at a time into `out` (HTTP only, no store writes)."""

    def __init__(
        self,
        client: GraphClient,
        settings: Settings,
        reporter: Reporter,
        out: Fetched,
        now: datetime,
        stored_spend: Callable[[str, date, date], bool] = lambda *_: False,
        stored_pictures: Callable[[str], set[str]] = lambda _: set(),
    ) -> None:
        """`stored_spend(account, since, until)`: whether the store holds API-written spend
        of the account in those days (to notice a range that came back empty);
        `stored_pictures(account)`: the creatives whose thumbnail the store holds."""
        self.stored_spend = stored_spend
        self.stored_pictures = stored_pictures
        self.client = client
        self.settings = settings
        self.report = reporter
        self.out = out
        self.now = now

    def fetch(
        self, ad_account_id: str, since: date, until: date, ad_since: date | None = None
    ) -> None:
        """The account's objects and insights of [since, until]; the ad level from
        `ad_since` when that is earlier (its history not stored yet)."""
        act = f"act_{ad_account_id}"
        account = self.client.get(act, {"fields": ACCOUNT_FIELDS})
        purchase_type = self.settings.purchase_action_type(ad_account_id)
        self.out.ad_accounts.append(ad_account_row(account, ad_account_id, purchase_type, self.now))
        offset = currency_offset(account.get("currency"))
        listed: list[tuple[dict[str, Any], Mapping[str, Any]]] = []
        params = {"fields": CAMPAIGN_FIELDS, "effective_status": json.dumps(EVERY_STATUS)}
        for page in self.client.pages(f"{act}/campaigns", {**params, "limit": 100}):
            for obj in page:
                try:
                    listed.append((campaign_row(obj, ad_account_id, self.now, offset), obj))
                except IngestError as exc:
                    self.out.note("ads", ad_account_id, "incomplete", f"{exc} It was left out.")
        campaigns = [row for row, _ in listed]
        self.out.campaigns.extend(campaigns)
        self.report.step(f"Ads {act}: {len(campaigns)} campaigns", rows=len(campaigns))

        ads = self._ad_objects(ad_account_id, offset)
        accounts = _Account(ad_account_id, purchase_type, campaigns)
        tables = self._insights(accounts, act, since, until)
        self.report.step(f"Ads {act}: insights {since} to {until}")

        deleted = self._deleted_by_id(accounts, listed, since, until)
        table = self._with_ad_set_actions(
            accounts, _concat([*tables, *deleted.values()]), since, until
        )
        inside = pc.and_(
            pc.greater_equal(table["date"], pa.scalar(since, pa.date32())),
            pc.less_equal(table["date"], pa.scalar(until, pa.date32())),
        )
        table = table.filter(inside).sort_by([("date", "ascending"), ("campaign_id", "ascending")])
        table = _without_repeats(table)
        answered = set(pc.unique(table["campaign_id"]).to_pylist())
        still_listed = {c["campaign_id"] for c in campaigns if c["status"] != "DELETED"}
        replace = frozenset(answered | still_listed | set(deleted))
        if not table.num_rows and self.stored_spend(ad_account_id, since, until):
            # a whole range that held delivery came back empty: more likely a lost permission
            # or a broken answer than spend undone; keep what is stored and say so
            replace = frozenset()
            self.out.note(
                "ads",
                ad_account_id,
                "incomplete",
                f"The API gave no insights for act_{ad_account_id} from {since} to {until}, "
                "where the store holds spend: the stored figures were kept. Check the token's "
                "access to the ad account (ads_read).",
            )
        ad_from = min(since, ad_since) if ad_since else since
        ad_level = self._ad_level(accounts, act, ad_from, until, listed, ads, bool(replace))
        if ad_level is None and table.num_rows:
            self.out.note(
                "ads",
                ad_account_id,
                "incomplete",
                f"Ad account act_{ad_account_id} delivered but lists no ads: its ad-level "
                "figures were not read (the stored ones were kept). Check the token's access "
                "to its ads (ads_read).",
            )
        for message in accounts.bad[:MAX_BAD_NOTES]:
            self.out.note("ads", ad_account_id, "incomplete", f"{message}; that row was left out.")
        if len(accounts.bad) > MAX_BAD_NOTES:
            self.out.note(
                "ads",
                ad_account_id,
                "incomplete",
                f"{len(accounts.bad) - MAX_BAD_NOTES:,} more rows with impossible values were "
                "left out.",
            )
        self.out.ad_insights[ad_account_id] = AdInsights(
            since,
            until,
            table,
            replace,
            ad_level,
        )
        if not campaigns:
            self.out.note(
                "ads",
                ad_account_id,
                "incomplete",
                f"Ad account act_{ad_account_id} lists no campaigns: check the account id and "
                "that the token's user can see its campaigns (ads_read).",
            )
        elif not table.num_rows:
            self.out.note(
                "ads",
                ad_account_id,
                "warning",
                f"Ad account act_{ad_account_id} delivered nothing from {since} to {until}.",
            )
        for campaign_id, name in accounts.names.items():
            self.out.campaign_names[campaign_id] = (ad_account_id, name)
        self.out.sync_state.append(
            {
                "resource": "ad_insights",
                "key": ad_account_id,
                "value": until.isoformat(),
                "updated_at": self.now,
            }
        )
        self.report.step(f"Ads {act}: {table.num_rows:,} insight rows", 0, rows=table.num_rows)

    # -- windows ---------------------------------------------------------------------------

    def _insights(
        self, account: Any, act: str, since: date, until: date, query: Query | None = None
    ) -> list[pa.Table]:
        """The account's insights of [since, until]: async reports a few at a time for a
        backfill, else synchronous windows on a pool."""
        if (until - since).days + 1 > SYNC_MAX_DAYS:
            jobs = [
                ReportJob(
                    f"{act}/insights",
                    insights_params(w, query=query),
                    f"{w[0]} to {w[1]}" + (f" ({query.kind})" if query else ""),
                    account.delivering(w),
                    query=query,
                )
                for w in _windows(since, until, ASYNC_WINDOW_DAYS)
            ]
            return self._reports(account, jobs)
        windows = _windows(since, until, AD_WINDOW_DAYS)
        path = f"{act}/insights"
        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_workers)) as pool:
            return list(
                pool.map(lambda w: self._sync_window(account, path, w, query=query), windows)
            )

    def _sync_window(
        self,
        account: _Account,
        path: str,
        window: tuple[date, date],
        limit_at: int = 0,
        level: str = "campaign",
        query: Query | None = None,
    ) -> pa.Table:
        """One window read synchronously; "too much data" halves it down to a day, then asks
        smaller pages, then makes the day an async report."""
        params = insights_params(window, PAGE_LIMITS[limit_at], level, query)
        try:
            return account.convert(self.client.pages(path, params), query)
        except TooMuchDataError:
            pass
        start, end = window
        if end > start:
            middle = start + timedelta(days=(end - start).days // 2)
            self.out.note(
                "ads",
                account.id,
                "retried",
                f"Insights {start} to {end} were too much data for one answer: asked as "
                f"{start} to {middle} and {middle + timedelta(days=1)} to {end}.",
            )
            return _concat(
                [
                    self._sync_window(account, path, (start, middle), level=level, query=query),
                    self._sync_window(
                        account, path, (middle + timedelta(days=1), end), level=level, query=query
                    ),
                ],
                query,
            )
        if limit_at + 1 < len(PAGE_LIMITS):
            self.out.note(
                "ads",
                account.id,
                "retried",
                f"Insights of {start} were too much data per page: asked "
                f"{PAGE_LIMITS[limit_at + 1]} rows a page.",
            )
            return self._sync_window(account, path, window, limit_at + 1, level, query)
        self.out.note(
            "ads",
            account.id,
            "retried",
            f"Insights of {start} were too much data even in small pages: read as an async report.",
        )
        job = ReportJob(
            path,
            insights_params(window, level=level, query=query),
            str(start),
            account.delivering(window),
            query=query,
        )
        return self._reports(account, [job])[0]

    def _deleted_by_id(
        self,
        account: _Account,
        listed: Iterable[tuple[dict[str, Any], Mapping[str, Any]]],
        since: date,
        until: date,
        query: Query | None = None,
    ) -> dict[str, pa.Table]:
        """Insights of campaigns deleted since `since`, read by their own id: account-level
        insights leave deleted objects out (GRAPH_API.md), but their spend still counts."""
        out: dict[str, pa.Table] = {}
        for row, obj in listed:
            if row["status"] != "DELETED":
                continue
            changed = parse_time(obj.get("updated_time"), "campaign updated_time")
            if changed is not None and changed.date() < since:
                continue  # deleted before the window: nothing of it to re-read
            # only the days it could have delivered on (a day's margin: the times are UTC,
            # the insight days are the account's)
            began, ended = row.get("start_time"), row.get("stop_time")
            day = timedelta(days=1)
            first = max(since, began.date() - day) if began is not None else since
            last = min(until, ended.date() + day) if ended is not None else until
            if first > last:
                continue
            path = f"{row['campaign_id']}/insights"
            if (last - first).days + 1 > SYNC_MAX_DAYS:
                windows = _windows(first, last, ASYNC_WINDOW_DAYS)
                jobs = [
                    ReportJob(
                        path, insights_params(w, query=query), f"{w[0]} to {w[1]}", query=query
                    )
                    for w in windows
                ]
                tables = self._reports(account, jobs)
            else:
                tables = [
                    self._sync_window(account, path, w, query=query)
                    for w in _windows(first, last, AD_WINDOW_DAYS)
                ]
            table = _concat(tables, query)
            if table.num_rows:
                out[row["campaign_id"]] = table
        return out

    def _with_ad_set_actions(
        self, account: _Account, table: pa.Table, since: date, until: date
    ) -> pa.Table:
        """A campaign that spent but came back without any `actions` at campaign level (its
        ad sets differ in attribution setting, GRAPH_API.md): its conversions, values and
        action results are read at the ad set level and summed per day, age and gender."""
        missing = sorted(account.spent - account.with_actions)
        for campaign_id in missing:
            path = f"{campaign_id}/insights"
            ad_sets = _concat(
                [
                    self._sync_window(account, path, w, level="adset")
                    for w in _windows(since, until, AD_WINDOW_DAYS)
                ]
            )
            if not ad_sets.num_rows:
                continue
            result = account.result_types.get(campaign_id)
            table = _replace_actions(table, campaign_id, ad_sets, result)
            self.out.note(
                "ads",
                account.id,
                "retried",
                f"Campaign {account.names.get(campaign_id, campaign_id)} came back without "
                "actions at campaign level (its ad sets differ in attribution setting): its "
                "conversions were read at the ad set level.",
            )
        return table


@dataclass
class _Account:
    """What converting one ad account's rows needs, and the campaign names they carried."""

    id: str
    purchase_type: str
    campaigns: list[dict[str, Any]]
    names: dict[str, str] = field(default_factory=dict)
    bad: list[str] = field(default_factory=list)  # rows left out: impossible values
    spent: set[str] = field(default_factory=set)  # campaigns with spend in a row
    with_actions: set[str] = field(default_factory=set)  # campaigns with `actions` in a row

    def __post_init__(self) -> None:
        self.result_types: dict[str, ResultType | None] = {
            c["campaign_id"]: RESULT_TYPES.get(c["result_type"] or "") for c in self.campaigns
        }

    def delivering(self, window: tuple[date, date]) -> tuple[str, ...]:
        """Campaigns that may have delivered in the window (to split a failing report)."""
        start, end = window
        out = []
        for c in self.campaigns:
            began, ended = c.get("start_time"), c.get("stop_time")
            if began is not None and began.date() > end:
                continue
            if ended is not None and ended.date() < start:
                continue
            out.append(c["campaign_id"])
        return tuple(out)

    def convert(
        self, pages: Iterable[list[dict[str, Any]]], query: Query | None = None
    ) -> pa.Table:
        """Pages of insight rows as one table, each page converted as it arrives; the pages'
        objects are freed by reference counting (see gc_paused)."""
        tables: list[pa.Table] = []
        with gc_paused():
            for page in pages:
                if query is None:
                    table = ad_insights_table(
                        page, self.id, self.purchase_type, self.result_types, self.bad.append
                    )
                else:
                    table = level_rows.ad_level_table(
                        page,
                        self.id,
                        self.purchase_type,
                        self.result_types,
                        query.kind,
                        self.bad.append,
                    )
                tables.append(table)
                for obj in page:
                    campaign_id = str(obj.get("campaign_id"))
                    name = obj.get("campaign_name")
                    if name:
                        self.names[campaign_id] = str(name)
                    if obj.get("actions"):
                        self.with_actions.add(campaign_id)
                    if obj.get("spend") not in (None, "", "0", "0.00", 0):
                        self.spent.add(campaign_id)
                page = []  # the last page is freed before the collector is back
        return _concat(tables, query)


_KEYS = ["campaign_id", "date", "age", "gender"]
_FROM_ACTIONS = ("conversions", "conversion_value", "results")


def _replace_actions(
    table: pa.Table, campaign_id: str, ad_sets: pa.Table, result: ResultType | None
) -> pa.Table:
    """`table` with one campaign's action figures (conversions, value, and results where they
    come from actions) replaced by the sums of its ad sets' rows of the same cell."""
    own = pc.equal(table["campaign_id"], pa.scalar(campaign_id))
    mine, others = table.filter(own), table.filter(pc.invert(own))
    sums = ad_sets.group_by(_KEYS).aggregate([(c, "sum") for c in _FROM_ACTIONS])
    replaced = list(
        _FROM_ACTIONS if result is None or result.source != "field" else _FROM_ACTIONS[:2]
    )
    sums = sums.select([*_KEYS, *(f"{c}_sum" for c in replaced)]).rename_columns(
        [*_KEYS, *replaced]
    )
    joined = mine.drop_columns(replaced).join(sums, _KEYS, join_type="left outer")
    schema = AD_INSIGHTS_SCHEMA
    columns = []
    for name in schema.names:
        column = joined[name].cast(schema.field(name).type)
        if name in ("conversions", "conversion_value") or (name == "results" and result):
            zero = Decimal("0.00") if name == "conversion_value" else 0
            column = pc.fill_null(column, pa.scalar(zero, schema.field(name).type))
        columns.append(column)
    return _concat([others, pa.table(columns, schema=schema)])


def _without_repeats(table: pa.Table) -> pa.Table:
    """One row per campaign, day, age and gender: a row a server repeated across pages is
    kept once; two different rows for one cell cannot both be true, so the run stops."""
    if not table.num_rows:
        return table
    cells = table.group_by(_KEYS).aggregate([([], "count_all")])
    if cells.num_rows == table.num_rows:
        return table
    distinct = table.group_by(table.column_names).aggregate([])
    counts = distinct.group_by(_KEYS).aggregate([([], "count_all")])
    clash = counts.filter(pc.greater(counts["count_all"], 1))
    if clash.num_rows:
        first = clash.slice(0, 1).to_pylist()[0]
        raise IngestError(
            f"The API sent two different rows for campaign {first['campaign_id']} on "
            f"{first['date']} ({first['age']}, {first['gender']}); nothing was saved. Try "
            "again later."
        )
    return distinct.select(table.column_names).sort_by(
        [("date", "ascending"), ("campaign_id", "ascending")]
    )


def _concat(tables: list[pa.Table], query: Query | None = None) -> pa.Table:
    return level_rows.concat(tables, query.schema if query else AD_INSIGHTS_SCHEMA)
