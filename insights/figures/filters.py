"""The view a page shows: its date range, what it is compared with, and the campaigns,
accounts, objectives, media types, ages and genders it is narrowed to. Nothing here imports
Streamlit."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

import duckdb
import pandas as pd

from insights.figures.periods import preset_range as preset_range  # where pages read it
from insights.store import queries

Comparison = Literal["previous", "last_year", "none"]
Grain = Literal["day", "week", "month"]
COMPARISONS: dict[str, str] = {
    "previous": "Previous period",
    "last_year": "Same period last year",
    "none": "No comparison",
}
GRAINS: tuple[str, ...] = ("day", "week", "month")
PRESETS: dict[str, str] = {
    "yesterday": "Yesterday",
    "last_7": "Last 7 days",
    "last_28": "Last 28 days",
    "last_30": "Last 30 days",
    "last_90": "Last 90 days",
    "this_month": "This month",
    "last_month": "Last month",
    "ytd": "Year to date",
    "custom": "Custom",
}
# How a period is compared with the one before it: a run of days with the same number of days
# just before; a calendar month with the whole month before; a month or a year to date with the
# same days of the month or the year before (1-22 Nov against 1-22 Oct, as Ads Manager does).
PeriodKind = Literal["days", "month", "month_to_date", "year_to_date"]
PRESET_KINDS: dict[str, PeriodKind] = {
    "this_month": "month_to_date",
    "last_month": "month",
    "ytd": "year_to_date",
}


@dataclass(frozen=True)
class Filters:
    """The global filters of every page. An empty tuple means 'all'.

    Paid figures follow campaigns, objectives, ages and genders; organic figures follow
    accounts and media types (account-level daily insights follow accounts only)."""

    since: date
    until: date
    compare: Comparison = "previous"
    campaign_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    period_kind: PeriodKind = "days"

    def comparison_range(self) -> tuple[date, date] | None:
        """The period the KPI changes are measured against, or None."""
        if self.compare == "previous":
            return _previous_period(self.since, self.until, self.period_kind)
        if self.compare == "last_year":
            return _year_before(self.since), _year_before(self.until)
        return None

    def with_range(self, since: date, until: date) -> Filters:
        return replace(self, since=since, until=until)

    @property
    def paid_source(self) -> str:
        """The table the paid queries read: the smallest that still has the columns the
        filters need (the age x gender detail only for an age filter)."""
        if self.ages:
            return "ad_insights_daily"
        return "ad_campaign_gender_daily_all" if self.genders else "ad_campaign_daily_all"

    @property
    def ad_source(self) -> str:
        """The table the ad-level queries read, as paid_source: the smallest that still has
        the columns the filters need (the age x gender detail only for an age filter)."""
        if self.ages:
            return "ad_level_daily_all"
        return "ad_level_ad_gender_daily_all" if self.genders else "ad_level_ad_daily_all"

    def ad_params(self) -> dict[str, object]:
        """Parameters of the ad-level queries: the paid filters, read from the ad level."""
        params = self.paid_params()
        del params["paid_source"]
        return {**params, "ad_source": self.ad_source}

    def paid_params(self) -> dict[str, object]:
        """Parameters of the paid queries (with the table they read, from an allow-list)."""
        return {
            "paid_source": self.paid_source,
            "since": self.since,
            "until": self.until,
            "campaign_ids": list(self.campaign_ids) or None,
            "objectives": list(self.objectives) or None,
            "ages": list(self.ages) or None,
            "genders": list(self.genders) or None,
        }

    def account_params(self) -> dict[str, object]:
        return {
            "since": self.since,
            "until": self.until,
            "account_ids": list(self.account_ids) or None,
        }

    def organic_params(self) -> dict[str, object]:
        return {**self.account_params(), "media_types": list(self.media_types) or None}

    @property
    def narrows_paid(self) -> bool:
        return bool(self.campaign_ids or self.objectives or self.ages or self.genders)

    @property
    def narrows_organic(self) -> bool:
        return bool(self.account_ids or self.media_types)


# Which filters a computation follows, beside its range: a computation says so with
# @follows(...), and the page's cache keys it by those alone, so that changing the comparison
# recomputes only the KPIs, and a gender filter leaves the organic figures as they were.
PAID = frozenset({"campaign_ids", "objectives", "ages", "genders"})
ORGANIC = frozenset({"account_ids", "media_types"})
ACCOUNTS = frozenset({"account_ids"})
COMPARISON = frozenset({"compare", "period_kind"})
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Filters)}
_FOLLOWS = "__follows_filters__"
C = TypeVar("C", bound=Callable[..., Any])


def follows(*groups: frozenset[str]) -> Callable[[C], C]:
    """Marks a computation `compute(cur, filters, ...)` as reading the date range and the
    filters of `groups` only (PAID, ORGANIC, ACCOUNTS, COMPARISON): it is given, and cached
    under, the filters with every other one at its default. (A computation without the mark
    follows every filter.) tests/test_filters_followed.py holds each mark to its code."""

    def mark(compute: C) -> C:
        setattr(compute, _FOLLOWS, frozenset().union(*groups))
        return compute

    return mark


def followed(compute: Callable[..., Any], filters: Filters) -> Filters:
    """`filters` as `compute` reads them: the filters it does not follow at their defaults."""
    kept = getattr(compute, _FOLLOWS, None)
    if kept is None:
        return filters
    reset = {k: v for k, v in _DEFAULTS.items() if k not in kept and k not in ("since", "until")}
    return replace(filters, **reset)


def _previous_period(since: date, until: date, kind: PeriodKind) -> tuple[date, date]:
    if kind == "month":
        last = since - timedelta(days=1)
        return last.replace(day=1), last
    if kind == "month_to_date":
        first = (since - timedelta(days=1)).replace(day=1)
        return first, min(first + timedelta(days=until.day - 1), month_end(first))
    if kind == "year_to_date":
        return since.replace(year=since.year - 1), _year_before(until)
    length = (until - since).days + 1
    return since - timedelta(days=length), since - timedelta(days=1)


def _year_before(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def data_bounds(cur: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    frame = queries.run(cur, "data_bounds")
    first, last = frame.iloc[0]["first_day"], frame.iloc[0]["last_day"]
    if pd.isna(first) or pd.isna(last):
        return None
    return pd.Timestamp(first).date(), pd.Timestamp(last).date()
