"""Ad accounts, campaigns and campaign-level insight rows from the Marketing API's JSON, as
typed Arrow tables of the data model.

Unknown fields are ignored, missing optional fields become NULL (or 0 for delivery counts,
since the API omits zero rows and zero fields); values are parsed as values.py does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from insights.errors import IngestError
from insights.figures.objectives import ResultType, result_type_for
from insights.ingest.values import (
    MONEY,
    parse_amount,
    parse_count,
    parse_date,
    parse_minor_units,
    parse_time,
    to_table,
)

AD_ACCOUNT_SCHEMA = pa.schema(
    [
        ("ad_account_id", pa.string()),
        ("name", pa.string()),
        ("currency", pa.string()),
        ("timezone_name", pa.string()),
        ("purchase_action_type", pa.string()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)
CAMPAIGN_SCHEMA = pa.schema(
    [
        ("campaign_id", pa.string()),
        ("ad_account_id", pa.string()),
        ("name", pa.string()),
        ("objective", pa.string()),
        ("status", pa.string()),
        ("start_time", pa.timestamp("us", tz="UTC")),
        ("stop_time", pa.timestamp("us", tz="UTC")),
        ("daily_budget", MONEY),
        ("lifetime_budget", MONEY),
        ("result_type", pa.string()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)
AD_INSIGHTS_SCHEMA = pa.schema(
    [
        ("ad_account_id", pa.string()),
        ("campaign_id", pa.string()),
        ("date", pa.date32()),
        ("age", pa.string()),
        ("gender", pa.string()),
        ("spend", MONEY),
        ("impressions", pa.int64()),
        ("reach", pa.int64()),
        ("clicks", pa.int64()),
        ("link_clicks", pa.int64()),
        ("conversions", pa.int64()),
        ("conversion_value", MONEY),
        ("results", pa.int64()),
    ]
)


def ad_account_row(
    obj: Mapping[str, Any], ad_account_id: str, purchase_action_type: str, now: datetime
) -> dict[str, Any]:
    """The ad account object (`GET /act_{id}?fields=name,currency,timezone_name`)."""
    currency = obj.get("currency")
    return {
        "ad_account_id": ad_account_id,
        "name": obj.get("name"),
        "currency": str(currency).upper() if currency else None,
        "timezone_name": obj.get("timezone_name"),
        "purchase_action_type": purchase_action_type,
        "updated_at": now,
    }


def campaign_row(
    obj: Mapping[str, Any], ad_account_id: str, now: datetime, offset: int = 100
) -> dict[str, Any]:
    """A campaign object; budgets divided by the account currency's offset."""
    if not obj.get("id"):
        raise IngestError(f"The API sent a campaign without an id ({str(obj)[:80]}).")
    result = result_type_for(obj.get("objective"))
    return {
        "campaign_id": str(obj["id"]),
        "ad_account_id": ad_account_id,
        "name": obj.get("name"),
        "objective": obj.get("objective"),
        "status": obj.get("effective_status") or obj.get("status"),
        "start_time": parse_time(obj.get("start_time"), "campaign start_time"),
        "stop_time": parse_time(obj.get("stop_time"), "campaign stop_time"),
        "daily_budget": parse_minor_units(obj.get("daily_budget"), "daily_budget", offset),
        "lifetime_budget": parse_minor_units(obj.get("lifetime_budget"), "lifetime_budget", offset),
        "result_type": result.key if result else None,
        "updated_at": now,
    }


def action_value(actions: Any, action_type: str, what: str) -> str | None:
    """The value of ONE action type in an actions list (never the sum of look-alike types)."""
    if not isinstance(actions, Iterable) or isinstance(actions, str | bytes | Mapping):
        return None
    for item in actions:
        if isinstance(item, Mapping) and item.get("action_type") == action_type:
            value = item.get("value")
            return None if value is None else str(value)
    return None


ResultTypes = Mapping[str, ResultType | None]


def _result_source(
    obj: Mapping[str, Any], result_types: ResultTypes, action_type: str
) -> tuple[Any, str] | None:
    """Where this row's result is: (the value as sent, what to call it), or None when the
    campaign's objective has no known result."""
    result = result_types.get(str(obj.get("campaign_id")))
    if result is None:
        result = result_type_for(obj.get("objective"))
    if result is None:
        return None
    if result.source == "field":
        return obj.get(str(result.name)), str(result.name)
    items = (
        obj.get("actions")
        if result.source == "action"
        else obj.get("video_thruplay_watched_actions")
    )
    name = result.name or action_type
    return action_value(items, name, "actions"), f"actions[{name}]"


def ad_insight_row(
    obj: Mapping[str, Any],
    ad_account_id: str,
    action_type: str,
    result_types: ResultTypes | None = None,
) -> dict[str, Any]:
    """One campaign x day x age x gender row; absent numbers are zero (the API omits zeros).
    `results` counts the campaign's result (its objective's, objectives.py), 0 when absent."""
    campaign = obj.get("campaign_id")
    if not campaign:
        raise IngestError("The API sent an ad insights row without campaign_id.")
    conversions = action_value(obj.get("actions"), action_type, "actions")
    value = action_value(obj.get("action_values"), action_type, "action_values")
    source = _result_source(obj, result_types or {}, action_type)
    day = parse_date(obj.get("date_start"), "date_start")
    try:
        return {
            "ad_account_id": ad_account_id,
            "campaign_id": str(campaign),
            "date": day,
            "age": str(obj.get("age") or "unknown"),
            "gender": str(obj.get("gender") or "unknown"),
            "spend": parse_amount(obj.get("spend"), "spend") or Decimal("0.00"),
            "impressions": parse_count(obj.get("impressions"), "impressions") or 0,
            "reach": parse_count(obj.get("reach"), "reach"),
            "clicks": parse_count(obj.get("clicks"), "clicks") or 0,
            "link_clicks": parse_count(obj.get("inline_link_clicks"), "inline_link_clicks") or 0,
            "conversions": parse_count(conversions, f"actions[{action_type}]") or 0,
            "conversion_value": parse_amount(value, f"action_values[{action_type}]")
            or Decimal("0.00"),
            "results": None if source is None else (parse_count(source[0], source[1]) or 0),
        }
    except IngestError as exc:
        raise IngestError(f"{exc} (campaign {campaign}, {day})") from None


class _Unusual(Exception):
    """A value the columnar path does not take as is; the row parser decides about it."""


def ad_insights_table(
    objs: Sequence[Mapping[str, Any]],
    ad_account_id: str,
    action_type: str,
    result_types: ResultTypes | None = None,
    on_bad: Callable[[str], None] | None = None,
) -> pa.Table:
    """A page of ad insight rows as an Arrow table: exactly what `ad_insight_row` gives row by
    row, converted column by column in Arrow when every value has the usual shape (numbers as
    decimal strings, ISO dates, lists of actions). Anything else goes through `ad_insight_row`,
    which accepts the same variants and names the value it refuses. `result_types`: each
    campaign's result type (else the row's `objective` decides). `on_bad`: told of each row
    with a value that cannot be right (negative, too large), which is then left out; without
    it such a row fails the page."""
    types = result_types or {}
    try:
        return _ad_insights_columns(objs, ad_account_id, action_type, types)
    except (_Unusual, pa.ArrowException, TypeError, ValueError, AttributeError, KeyError):
        pass
    rows = []
    for obj in objs:
        try:
            rows.append(ad_insight_row(obj, ad_account_id, action_type, types))
        except IngestError as exc:
            if on_bad is None:
                raise
            on_bad(str(exc))  # that row is left out, and said so
    return to_table(rows, AD_INSIGHTS_SCHEMA)


def _ad_insights_columns(
    objs: Sequence[Mapping[str, Any]],
    ad_account_id: str,
    action_type: str,
    result_types: ResultTypes,
) -> pa.Table:
    def picked(items: Any, wanted: str = action_type) -> Any:
        for item in items or ():
            if item.get("action_type") == wanted:
                return item.get("value")
        return None

    unknown = object()  # a campaign whose objective has no known result: results NULL

    def result_of(obj: Mapping[str, Any]) -> Any:
        result = result_types.get(str(obj.get("campaign_id")))
        if result is None:
            result = result_type_for(obj.get("objective"))
        if result is None:
            return unknown
        if result.source == "field":
            return obj.get(str(result.name))
        if result.source == "video":
            return picked(obj.get("video_thruplay_watched_actions"), str(result.name))
        return picked(obj.get("actions"), result.name or action_type)

    # one pass over the objects, then one column per field
    fields = [
        (
            obj.get("campaign_id"),
            obj.get("date_start"),
            obj.get("age") or "unknown",
            obj.get("gender") or "unknown",
            obj.get("spend"),
            obj.get("impressions"),
            obj.get("reach"),
            obj.get("clicks"),
            obj.get("inline_link_clicks"),
            picked(obj.get("actions")),
            picked(obj.get("action_values")),
            result_of(obj),
        )
        for obj in objs
    ]
    if not fields:
        return AD_INSIGHTS_SCHEMA.empty_table()
    (
        campaigns,
        dates,
        ages,
        genders,
        spend,
        impressions,
        reach,
        clicks,
        links,
        conv,
        value,
        results,
    ) = (list(column) for column in zip(*fields, strict=True))
    known = pa.array([r is not unknown for r in results], pa.bool_())
    result_counts = _int_column([None if r is unknown else r for r in results]).fill_null(0)
    if not all(type(c) is str and c for c in campaigns):
        raise _Unusual
    day = pc.utf8_slice_codeunits(pa.array(dates, pa.string()), 0, 10)
    if day.null_count:
        raise _Unusual
    columns = {
        "ad_account_id": pa.repeat(pa.scalar(ad_account_id, pa.string()), len(fields)),
        "campaign_id": pa.array(campaigns, pa.string()),
        "date": day.cast(pa.date32()),
        "age": pa.array(ages, pa.string()),
        "gender": pa.array(genders, pa.string()),
        "spend": _money_column(spend).fill_null(Decimal("0.00")),
        "impressions": _int_column(impressions).fill_null(0),
        "reach": _int_column(reach),
        "clicks": _int_column(clicks).fill_null(0),
        "link_clicks": _int_column(links).fill_null(0),
        "conversions": _int_column(conv).fill_null(0),
        "conversion_value": _money_column(value).fill_null(Decimal("0.00")),
        "results": pc.if_else(known, result_counts, pa.scalar(None, pa.int64())),
    }
    for name in _NOT_NEGATIVE:  # a negative figure: the row parser names and refuses it
        lowest = pc.min(columns[name]).as_py()
        if lowest is not None and lowest < 0:
            raise _Unusual
    return pa.table(columns, schema=AD_INSIGHTS_SCHEMA)


_NOT_NEGATIVE = (
    "spend",
    "impressions",
    "reach",
    "clicks",
    "link_clicks",
    "conversions",
    "conversion_value",
    "results",
)


def _int_column(values: list[Any]) -> pa.Array:
    """Whole numbers sent as decimal strings or JSON integers (not both in one column)."""
    array = pa.array(values)
    if pa.types.is_integer(array.type):
        return array.cast(pa.int64())
    if pa.types.is_string(array.type) or pa.types.is_null(array.type):
        return array.cast(pa.int64())  # Arrow refuses "1.5", "", " 1" and overflow
    raise _Unusual


def _money_column(values: list[Any]) -> pa.Array:
    """Amounts sent as decimal strings with at most two decimals (Arrow refuses to round)."""
    return pa.array(values, pa.string()).cast(MONEY)
