"""The demo API's Marketing API half: the ad account, its campaigns and their insights, as
Meta serves them (GRAPH_API.md, Ads), with every documented failure on demand (AdsFaults).

Modelled from Meta's Marketing API reference:
- `GET /act_{id}` answers the fields asked (currency, timezone_name ...); an unknown field is
  refused with 100 "Tried accessing nonexisting field".
- `GET /act_{id}/campaigns` leaves out ARCHIVED and DELETED campaigns unless an
  `effective_status` filter names them (Campaign reference, effective_status).
- `/act_{id}/insights` (GET: answered now; POST: an async report run) leaves out deleted
  campaigns ("Account-level insights do not return stats of deleted objects"); a campaign's
  own `/{campaign_id}/insights` serves it whatever its status. Unknown fields are refused,
  a `time_range` starting over 37 months ago is refused (#3018), numbers are strings, purchases
  come under several overlapping action types, lead campaigns report leads.
- Async reports go Job Not Started -> Job Running -> Job Completed; the first poll right after
  creation may answer 100/33 (not visible yet).
- `time_increment=1` gives a row per day; `all_days` (Meta's default) one row per object for
  the whole `time_range`, its reach unique people over the period (period_rows.py).
- `/act_{id}/adsets`, `/act_{id}/ads` and `level=ad` (by age x gender, or by placement) come
  from ad_level_api.py; their rows add up to the campaign rows to the cent (ad_rows.py).
"""

from __future__ import annotations

import calendar
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from insights.demo.ad_level_api import AdLevelEndpoints, check_breakdowns
from insights.demo.ad_rows import ad_set_rows
from insights.demo.dialect import list_param
from insights.demo.period_rows import period_rows

if TYPE_CHECKING:
    from insights.demo.dataset import DemoDataset

PURCHASE_TYPES = ("purchase", "omni_purchase", "offsite_conversion.fb_pixel_purchase")
LEAD_TYPES = ("lead", "onsite_conversion.lead_grouped")
HIDDEN_BY_DEFAULT = frozenset({"ARCHIVED", "DELETED"})
EFFECTIVE_STATUSES = frozenset(
    {"ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES"}
)
ACCOUNT_FIELDS = frozenset(
    {"id", "account_id", "name", "currency", "timezone_name", "account_status", "business"}
)
# Fields of the Ads Insights reference that the demo serves; any other is refused as Meta
# refuses an unknown one.
INSIGHT_FIELDS = frozenset(
    {
        "account_id",
        "account_name",
        "account_currency",
        "campaign_id",
        "campaign_name",
        "objective",
        "spend",
        "impressions",
        "reach",
        "frequency",
        "clicks",
        "inline_link_clicks",
        "ctr",
        "cpc",
        "cpm",
        "actions",
        "action_values",
        "video_thruplay_watched_actions",
        "adset_id",
        "adset_name",
        "ad_id",
        "ad_name",
        "date_start",
        "date_stop",
    }
)
HISTORY_MONTHS = 37  # insights reach back 37 months (Ads Insights, limits)
REACH_MONTHS = 13  # reach with breakdowns only for the last 13 months
TOO_MUCH_DATA = "Please reduce the amount of data you're asking for, then retry your request"


@dataclass(frozen=True)
class AdsFaults:
    """Documented Marketing API failures, each produced on demand (deterministic)."""

    too_much_data_days: int | None = None  # sync windows over N days: 100/1487534
    too_much_data_http500: bool = False  # ... answered as HTTP 500 "reduce the amount"
    too_much_data_limit: int | None = None  # pages over N rows: too much data (any window)
    report_not_visible_polls: int = 0  # each new report answers 100/33 to its first N polls
    report_failures: int = 0  # the first N reports created end 'Job Failed'
    report_fail_account_level: bool = False  # every account-level report ends 'Job Failed'
    report_stuck: int = 0  # the first N reports created stay 'Job Not Started' at 0%
    app_limit_after: int | None = None  # the Nth ads request answers 341, once
    account_busy_after: int | None = None  # the Nth ads answer says usage 100%, reset in ...
    account_reset_s: int = 1  # ... this many seconds (X-Ad-Account-Usage)
    # campaigns whose ad sets differ in attribution setting: at campaign level their rows come
    # without actions and action_values (Marketing API, unified attribution setting); the ad
    # set level has them
    mixed_attribution: tuple[str, ...] = ()
    # insights at this level (campaign, adset or ad) answer HTTP 500, code 1, every time:
    # server trouble that outlasts the client's retries
    failing_level: str | None = None
    # insights asked for a whole period (time_increment=all_days) answer HTTP 500, code 1,
    # every time, at every level
    failing_all_days: bool = False
    broken_thumbnails: bool = False  # every thumbnail_url answers HTTP 404 (an expired link)


class AdsFailure(Exception):
    """An error answer of the ads half (the server turns it into Meta's error body)."""

    def __init__(self, status: int, code: int, message: str, subcode: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.subcode = status, code, message, subcode


def _number(value: Any) -> Any:
    return None if value is None or value != value else int(value)  # NaN/NA -> None


def campaign_json(row: Mapping[str, Any]) -> dict[str, Any]:
    status = str(row["status"])
    out = {
        "id": row["campaign_id"],
        "name": row["name"],
        "objective": row["objective"],
        # a deleted or archived campaign shows it in both; a paused one only in status here
        "status": status,
        "effective_status": status,
        "start_time": row["start_time"],
        "updated_time": row.get("stop_time") or row["start_time"],
    }
    for key in ("stop_time", "daily_budget", "lifetime_budget"):
        if row.get(key):
            out[key] = str(row[key])
    return out


def insight_json(row: Mapping[str, Any], campaign: Mapping[str, Any]) -> dict[str, Any]:
    """One campaign x day x age x gender row as the API writes it (numbers as strings)."""
    out: dict[str, Any] = {
        "account_id": row["ad_account_id"],
        "campaign_id": row["campaign_id"],
        "campaign_name": campaign.get("name", ""),
        "objective": campaign.get("objective", ""),
        "age": row["age"],
        "gender": row["gender"],
        "spend": str(row["spend"]),
        "impressions": str(int(row["impressions"])),
        "reach": str(int(row["reach"])),
        "clicks": str(int(row["clicks"])),
        "inline_link_clicks": str(int(row["link_clicks"])),
        "date_start": row["date"],
        "date_stop": row["date"],
    }
    link, conversions = int(row["link_clicks"]), int(row["purchases"])
    actions = []
    if link:
        actions.append({"action_type": "link_click", "value": str(link)})
        views = link * 3 // 4
        if views:
            actions.append({"action_type": "landing_page_view", "value": str(views)})
        engagements = link + int(row["clicks"]) // 3
        actions.append({"action_type": "post_engagement", "value": str(engagements)})
    if conversions and campaign.get("objective") == "OUTCOME_LEADS":
        # a lead campaign's conversions are leads (form and website), not purchases
        actions.extend({"action_type": t, "value": str(conversions)} for t in LEAD_TYPES)
    elif conversions:
        carts = conversions * 3
        actions.append({"action_type": "add_to_cart", "value": str(carts)})
        actions.extend({"action_type": t, "value": str(conversions)} for t in PURCHASE_TYPES)
        out["action_values"] = [
            {"action_type": t, "value": str(row["purchase_value"])} for t in PURCHASE_TYPES
        ]
    if actions:
        out["actions"] = actions
    return out


class AdsData:
    """The ads part of the data set, indexed for serving."""

    def __init__(self, dataset: DemoDataset) -> None:
        self.accounts = {r["ad_account_id"]: r for r in dataset.ad_accounts.to_dict("records")}
        self.campaigns: dict[str, list[dict[str, Any]]] = {}
        self.campaign: dict[str, dict[str, Any]] = {}
        for row in dataset.ad_campaigns.to_dict("records"):
            obj = campaign_json(row)
            self.campaigns.setdefault(row["ad_account_id"], []).append(obj)
            self.campaign[row["campaign_id"]] = obj
        # account -> day -> rows of campaigns the account-level answer shows; campaign -> day
        self.by_account: dict[str, dict[date, list[dict[str, Any]]]] = {}
        self.by_campaign: dict[str, dict[date, list[dict[str, Any]]]] = {}
        frame = dataset.ad_insights_daily.sort_values(["date", "campaign_id", "age", "gender"])
        for row in frame.to_dict("records"):
            day = date.fromisoformat(row["date"])
            campaign = self.campaign.get(row["campaign_id"], {})
            obj = insight_json(row, campaign)
            self.by_campaign.setdefault(row["campaign_id"], {}).setdefault(day, []).append(obj)
            if campaign.get("effective_status") != "DELETED":
                self.by_account.setdefault(row["ad_account_id"], {}).setdefault(day, []).append(obj)


class AdsEndpoints(AdLevelEndpoints):
    """The Marketing API endpoints, mixed into the demo server (which pages and encodes)."""

    ads: AdsData
    ads_faults: AdsFaults
    _ads_lock: threading.Lock
    _reports: dict[str, dict[str, Any]]
    _ads_requests: int
    max_reports_in_flight: int

    def _init_ads(self, dataset: DemoDataset, faults: AdsFaults | None) -> None:
        self.ads = AdsData(dataset)
        self.ads_faults = faults or AdsFaults()
        currencies = {a: str(r["currency"]) for a, r in self.ads.accounts.items()}
        campaigns = dataset.ad_campaigns.to_dict("records")
        self._init_ad_level(
            campaigns,
            currencies,
            self.ads_faults.mixed_attribution,
            lambda: [
                row
                for days in self.ads.by_campaign.values()
                for rows in days.values()
                for row in rows
            ],
        )
        self._ads_lock = threading.Lock()
        self._reports = {}
        self._derived_rows: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self._ads_requests = 0
        self.max_reports_in_flight = 0

    def _page(self, *args: Any, **kwargs: Any) -> dict[str, Any]:  # the server's paging
        raise NotImplementedError

    def _rows_as(self, wanted: set[str]) -> Any:
        raise NotImplementedError

    def is_ads_path(self, head: str) -> bool:
        return (
            (head.startswith("act_") and head[4:] in self.ads.accounts)
            or head in self.ads.campaign
            or head in self._reports
        )

    def ads_headers(self, path: list[str], pct: int) -> dict[str, str]:
        """X-Ad-Account-Usage on ads answers: percent used and seconds to its reset."""
        with self._ads_lock:
            self._ads_requests += 1
            count = self._ads_requests
        busy = self.ads_faults.account_busy_after
        if busy is not None and count == busy:
            pct, reset = 100, self.ads_faults.account_reset_s
        else:
            reset = 0
        return {
            "X-Ad-Account-Usage": json.dumps(
                {
                    "acc_id_util_pct": pct,
                    "reset_time_duration": reset,
                    "ads_api_access_tier": "standard_access",
                }
            )
        }

    def app_limited(self) -> bool:
        """True once, for the request the 341 fault names."""
        after = self.ads_faults.app_limit_after
        with self._ads_lock:
            return after is not None and self._ads_requests == after

    def ads_route(
        self, method: str, head: str, rest: list[str], query: dict[str, str], url_path: str
    ) -> dict[str, Any]:
        if head.startswith("act_"):
            account = head[4:]
            if not rest and method == "GET":
                return self._ad_account(account, query)
            if rest == ["campaigns"] and method == "GET":
                return self._campaigns(account, query, url_path)
            if rest == ["adsets"] and method == "GET":
                return self._ad_sets(account, query, url_path)
            if rest == ["ads"] and method == "GET":
                return self._ads_listing(account, query, url_path)
            if rest == ["insights"]:
                rows, wanted, convert = self._ad_rows(self.ads.by_account.get(account, {}), query)
                return self._insights_answer(method, rows, wanted, query, url_path, True, convert)
        if head in self.ads.campaign and rest == ["insights"]:
            rows, wanted, convert = self._ad_rows(self.ads.by_campaign.get(head, {}), query)
            return self._insights_answer(method, rows, wanted, query, url_path, False, convert)
        if head in self._reports:
            return self._report(head, rest, query, url_path)
        raise AdsFailure(
            400,
            100,
            f"Unsupported {method.lower()} request. Object with ID '{head}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation.",
            33,
        )

    # -- objects -----------------------------------------------------------------------------

    def _ad_account(self, account: str, query: Mapping[str, str]) -> dict[str, Any]:
        row = self.ads.accounts[account]
        fields = list_param(query, "fields") or ["id"]
        for name in fields:
            if name not in ACCOUNT_FIELDS:
                raise AdsFailure(
                    400,
                    100,
                    f"(#100) Tried accessing nonexisting field ({name}) on node type (AdAccount)",
                )
        full = {
            "id": f"act_{account}",
            "account_id": account,
            "name": row["name"],
            "currency": row["currency"],
            "timezone_name": row["time_zone"],
            "account_status": 1,
        }
        return {k: v for k, v in full.items() if k in {"id", *fields}}

    def _campaigns(self, account: str, query: dict[str, str], url_path: str) -> dict[str, Any]:
        statuses = set(list_param(query, "effective_status"))
        unknown = statuses - EFFECTIVE_STATUSES
        if unknown:
            raise AdsFailure(
                400, 100, f"(#100) Param effective_status[0] must be one of {{{unknown.pop()}}}"
            )
        shown = [
            c
            for c in self.ads.campaigns.get(account, [])
            if (c["effective_status"] in statuses)
            or (not statuses and c["effective_status"] not in HIDDEN_BY_DEFAULT)
        ]
        fields = ",".join(list_param(query, "fields"))
        return self._page(shown, query, url_path, 100, fields=fields or None)

    # -- insights ----------------------------------------------------------------------------

    def _ad_rows(
        self, by_day: Mapping[date, list[dict[str, Any]]], query: Mapping[str, str]
    ) -> tuple[list[Any], set[str], Any]:
        """The prepared rows of the requested window, the fields asked for, and how a row is
        written (None: the server's cached encoding): only the rows of the page being served
        are cut down to those fields."""
        try:
            window = json.loads(query.get("time_range", ""))
            since = date.fromisoformat(window["since"])
            until = date.fromisoformat(window["until"])
        except (ValueError, KeyError, TypeError):
            raise AdsFailure(
                400, 100, "(#100) time_range must be {'since':'YYYY-MM-DD','until':'YYYY-MM-DD'}"
            ) from None
        if since < _months_ago(date.today(), HISTORY_MONTHS):
            raise AdsFailure(
                400,
                3018,
                "(#3018) The start date of the time range cannot be beyond 37 months from the "
                "current date",
            )
        level = query.get("level", "campaign")
        # time_increment: 1 gives a row per day; all_days (Meta's default) one row for the
        # whole time_range (Ads Insights reference, time_increment)
        increment = str(query.get("time_increment") or "all_days")
        if level not in ("campaign", "adset", "ad") or increment not in ("1", "all_days"):
            raise AdsFailure(
                400,
                100,
                "(#100) The demo API serves level=campaign, adset or ad with time_increment=1 "
                "or all_days only",
            )
        asked = list_param(query, "breakdowns")
        if increment == "all_days" and asked:
            # Meta serves breakdowns of a whole period too; the demo models them by day only
            raise AdsFailure(
                400,
                100,
                "(#100) The demo API does not serve breakdowns with time_increment=all_days: "
                "ask without breakdowns, or with time_increment=1",
            )
        breakdowns = () if increment == "all_days" else check_breakdowns(asked, level)
        if level == self.ads_faults.failing_level or (
            increment == "all_days" and self.ads_faults.failing_all_days
        ):
            raise AdsFailure(500, 1, "An unknown error occurred")
        fields = list_param(query, "fields")
        for name in fields:
            if name not in INSIGHT_FIELDS:
                raise AdsFailure(
                    400,
                    100,
                    f"(#100) {name} is not valid for fields param. please check "
                    "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/"
                    " for all valid values",
                )
        wanted = set(fields) | {"date_start", "date_stop", *breakdowns}
        rows: list[dict[str, Any]] = []
        day = since
        while day <= until:
            rows.extend(by_day.get(day, ()))
            day += timedelta(days=1)
        if increment == "all_days":
            return self._period_rows(rows, level, since, until, wanted)
        # reach with breakdowns is left out for days over 13 months back (Marketing API
        # changelog, 2025-06-10)
        old = _months_ago(date.today(), REACH_MONTHS).isoformat()
        if level == "ad":
            refs = self.ad_level_refs(rows, breakdowns)

            def convert(ref: Any) -> dict[str, Any]:
                row = self.ad_level_row(ref, breakdowns)
                keep = wanted if row["date_start"] >= old else wanted - {"reach"}
                return {k: v for k, v in row.items() if k in keep}

            return refs, wanted, convert
        if level == "adset":
            wanted |= {"adset_id"}
            return [part for row in rows for part in self._derived("adset", row)], wanted, None
        mixed = set(self.ads_faults.mixed_attribution)
        if mixed:
            rows = [self._derived("mixed", r)[0] if r["campaign_id"] in mixed else r for r in rows]
        if since.isoformat() < old:
            rows = [self._derived("noreach", r)[0] if r["date_start"] < old else r for r in rows]
        return rows, wanted, None

    def _period_rows(
        self, rows: list[dict[str, Any]], level: str, since: date, until: date, wanted: set[str]
    ) -> tuple[list[Any], set[str], Any]:
        """One row per object for the whole range (period_rows.py). Its reach is unique
        people over the period; the 13-month cut of reach applies to breakdowns only, so a
        period without breakdowns has its reach for the whole 37 months of history."""
        if level == "adset":
            wanted = wanted | {"adset_id"}
        served = period_rows(
            self.ad_table(),
            rows,
            level,
            since.isoformat(),
            until.isoformat(),
            frozenset(self.ads_faults.mixed_attribution),
        )
        keep = frozenset(wanted)
        # rows made for this request: written by a converter of their own (the server's
        # cached encoding is keyed by the identity of rows that live as long as it does)
        return served, set(keep), lambda row: {k: v for k, v in row.items() if k in keep}

    def _derived(self, kind: str, row: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows derived from a served row, made once and kept as long as the server (the
        server caches each row's encoding by its identity, so derived rows must live on)."""
        key = (kind, id(row))
        with self._ads_lock:
            made = self._derived_rows.get(key)
            if made is None:
                if kind == "adset":
                    made = ad_set_rows(row)
                elif kind == "noreach":
                    made = [{k: v for k, v in row.items() if k != "reach"}]
                else:  # campaign level of mixed attribution settings: no actions
                    made = [{k: v for k, v in row.items() if k not in ("actions", "action_values")}]
                self._derived_rows[key] = made
        return made

    def _insights_answer(
        self,
        method: str,
        rows: list[dict[str, Any]],
        wanted: set[str],
        query: dict[str, str],
        url_path: str,
        account_level: bool,
        convert: Any = None,
    ) -> dict[str, Any]:
        if method == "POST":
            return self._new_report(rows, wanted, account_level, convert)
        faults = self.ads_faults
        window = json.loads(query["time_range"])
        days = (date.fromisoformat(window["until"]) - date.fromisoformat(window["since"])).days
        limit = int(query.get("limit", "25") or 25)
        if (faults.too_much_data_days is not None and days + 1 > faults.too_much_data_days) or (
            faults.too_much_data_limit is not None and limit > faults.too_much_data_limit
        ):
            if faults.too_much_data_http500:
                raise AdsFailure(500, 1, TOO_MUCH_DATA)
            raise AdsFailure(400, 100, TOO_MUCH_DATA, 1487534)
        return self._page(rows, query, url_path, 500, convert=convert or self._rows_as(wanted))

    # -- async reports -------------------------------------------------------------------------

    def _new_report(
        self, rows: list[Any], wanted: set[str], account_level: bool, convert: Any = None
    ) -> dict[str, Any]:
        faults = self.ads_faults
        with self._ads_lock:
            index = len(self._reports)
            if index < faults.report_stuck:
                plan = "stuck"
            elif index < faults.report_stuck + faults.report_failures or (
                account_level and faults.report_fail_account_level
            ):
                plan = "fail"
            else:
                plan = "complete"
            report_id = str(6_000_000_000 + index + 1)
            self._reports[report_id] = {
                "rows": rows,
                "wanted": wanted,
                "convert": convert,
                "polls": 0,
                "plan": plan,
                "done": False,
            }
            in_flight = sum(
                1 for r in self._reports.values() if not r["done"] and r["plan"] != "stuck"
            )
            self.max_reports_in_flight = max(self.max_reports_in_flight, in_flight)
        return {"report_run_id": report_id}

    def _report(
        self, report_id: str, rest: list[str], query: dict[str, str], url_path: str
    ) -> dict[str, Any]:
        report = self._reports[report_id]
        if rest == ["insights"]:
            if not report["done"] or report["plan"] != "complete":
                raise AdsFailure(400, 100, "(#100) The report is not ready: poll its status")
            convert = report["convert"] or self._rows_as(report["wanted"])
            return self._page(report["rows"], query, url_path, 500, convert=convert)
        if rest:
            raise AdsFailure(400, 100, f"(#100) Unknown path components: /{'/'.join(rest)}")
        with self._ads_lock:
            report["polls"] += 1
            polls = report["polls"]
        hidden = self.ads_faults.report_not_visible_polls
        if polls <= hidden:
            raise AdsFailure(
                400,
                100,
                f"Unsupported get request. Object with ID '{report_id}' does not exist, cannot "
                "be loaded due to missing permissions, or does not support this operation.",
                33,
            )
        seen = polls - hidden
        if report["plan"] == "stuck":
            state, percent = "Job Not Started", 0
        elif seen < 2:
            state, percent = "Job Running", 50
        elif report["plan"] == "fail":
            state, percent = "Job Failed", 50
            report["done"] = True
        else:
            state, percent = "Job Completed", 100
            report["done"] = True
        return {"id": report_id, "async_status": state, "async_percent_completion": percent}


def _months_ago(today: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
