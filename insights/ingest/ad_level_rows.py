"""Ad sets, ads, creatives and ad-level insight rows as typed Arrow tables of the data model
(migration 0034). Insight rows are parsed exactly as the campaign level's (campaign_rows.py):
the same money, counts, purchase type and results; only their keys differ."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from insights.errors import IngestError
from insights.ingest.campaign_rows import (
    AD_INSIGHTS_SCHEMA,
    ResultTypes,
    ad_insight_row,
    ad_insights_table,
)
from insights.ingest.values import MONEY, parse_minor_units, parse_time

TIME = pa.timestamp("us", tz="UTC")
AD_SET_SCHEMA = pa.schema(
    [
        ("adset_id", pa.string()),
        ("ad_account_id", pa.string()),
        ("campaign_id", pa.string()),
        ("name", pa.string()),
        ("status", pa.string()),
        ("effective_status", pa.string()),
        ("optimization_goal", pa.string()),
        ("billing_event", pa.string()),
        ("daily_budget", MONEY),
        ("lifetime_budget", MONEY),
        ("targeting_summary", pa.string()),
        ("targeting_json", pa.string()),
        ("attribution_setting", pa.string()),
        ("start_time", TIME),
        ("end_time", TIME),
        ("updated_at", TIME),
    ]
)
AD_SCHEMA = pa.schema(
    [
        ("ad_id", pa.string()),
        ("ad_account_id", pa.string()),
        ("adset_id", pa.string()),
        ("campaign_id", pa.string()),
        ("name", pa.string()),
        ("status", pa.string()),
        ("effective_status", pa.string()),
        ("creative_id", pa.string()),
        ("updated_at", TIME),
    ]
)
CREATIVE_SCHEMA = pa.schema(
    [
        ("creative_id", pa.string()),
        ("ad_account_id", pa.string()),
        ("name", pa.string()),
        ("title", pa.string()),
        ("body", pa.string()),
        ("call_to_action", pa.string()),
        ("destination_url", pa.string()),
        ("url_tags", pa.string()),
        ("thumbnail_url", pa.string()),
        ("updated_at", TIME),
    ]
)
PICTURE_SCHEMA = pa.schema(
    [
        ("creative_id", pa.string()),
        ("ad_account_id", pa.string()),
        ("thumbnail", pa.binary()),
        ("thumbnail_type", pa.string()),
        ("thumbnail_read_at", TIME),
    ]
)
PLACEMENT_KEYS = ("publisher_platform", "platform_position", "impression_device")
AGE_GENDER = ("age", "gender")
_BASE = AD_INSIGHTS_SCHEMA
_IDS = [pa.field("adset_id", pa.string()), pa.field("ad_id", pa.string())]


def _level_schema(keys: Sequence[str]) -> pa.Schema:
    fields = [f for f in _BASE if f.name not in AGE_GENDER]
    at = [f.name for f in fields].index("date")
    keyed = [pa.field(k, pa.string()) for k in keys]
    return pa.schema([*fields[:2], *_IDS, *fields[2 : at + 1], *keyed, *fields[at + 1 :]])


AD_LEVEL_SCHEMA = _level_schema(AGE_GENDER)
AD_PLACEMENT_SCHEMA = _level_schema(PLACEMENT_KEYS)
LEVEL_KEYS = {"age_gender": AGE_GENDER, "placement": PLACEMENT_KEYS}
LEVEL_SCHEMAS = {"age_gender": AD_LEVEL_SCHEMA, "placement": AD_PLACEMENT_SCHEMA}

GENDERS = {1: "men", 2: "women"}
PLATFORMS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "audience_network": "Audience Network",
    "messenger": "Messenger",
    "threads": "Threads",
}
ATTRIBUTION = {"CLICK_THROUGH": "click", "VIEW_THROUGH": "view", "ENGAGED_VIDEO_VIEW": "ev"}


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _budget(value: Any, what: str, offset: int) -> Any:
    """An ad set budget; Meta sends "0" for the kind of budget the ad set does not use."""
    amount = parse_minor_units(value, what, offset)
    return None if amount is None or amount == 0 else amount


def targeting_summary(spec: Any) -> str | None:
    """One line from Meta's targeting spec: where, ages, genders, audiences, placements."""
    if not isinstance(spec, Mapping):
        return None
    parts: list[str] = []
    geo = spec.get("geo_locations")
    if isinstance(geo, Mapping):
        places = [str(c) for c in geo.get("countries") or ()]
        places += [str(r.get("name")) for r in geo.get("regions") or () if isinstance(r, Mapping)]
        places += [str(c.get("name")) for c in geo.get("cities") or () if isinstance(c, Mapping)]
        if places:
            parts.append(", ".join(places))
    low, high = spec.get("age_min"), spec.get("age_max")
    if low or high:
        top = "65+" if high in (None, 65, "65") else str(high)
        parts.append(f"ages {low or 18}-{top}")
    genders = [GENDERS.get(g, str(g)) for g in spec.get("genders") or () if g in GENDERS]
    parts.append(" and ".join(genders) if genders and len(genders) < 2 else "all genders")
    audiences = [
        str(a.get("name") or a.get("id"))
        for a in spec.get("custom_audiences") or ()
        if isinstance(a, Mapping)
    ]
    if audiences:
        parts.append("audiences: " + ", ".join(audiences))
    interests = [
        str(i.get("name") or i.get("id"))
        for group in spec.get("flexible_spec") or ()
        if isinstance(group, Mapping)
        for i in group.get("interests") or ()
        if isinstance(i, Mapping)
    ]
    if interests:
        parts.append("interests: " + ", ".join(interests))
    automation = spec.get("targeting_automation")
    if isinstance(automation, Mapping) and automation.get("advantage_audience") == 1:
        parts.append("Advantage+ audience")
    platforms = [PLATFORMS.get(str(p), str(p)) for p in spec.get("publisher_platforms") or ()]
    parts.append(", ".join(platforms) if platforms else "automatic placements")
    return " · ".join(parts)


def attribution_setting(spec: Any) -> str | None:
    """Meta's name of an ad set's attribution windows, e.g. 7d_click_1d_view."""
    if not isinstance(spec, list):
        return None
    parts = [
        f"{item.get('window_days')}d_{ATTRIBUTION.get(str(item.get('event_type')), 'other')}"
        for item in spec
        if isinstance(item, Mapping) and item.get("window_days")
    ]
    return "_".join(parts) or None


def ad_set_row(
    obj: Mapping[str, Any], ad_account_id: str, now: datetime, offset: int = 100
) -> dict[str, Any]:
    if not obj.get("id") or not obj.get("campaign_id"):
        raise IngestError(f"The API sent an ad set without an id or campaign ({str(obj)[:80]}).")
    targeting = obj.get("targeting")
    return {
        "adset_id": str(obj["id"]),
        "ad_account_id": ad_account_id,
        "campaign_id": str(obj["campaign_id"]),
        "name": _text(obj.get("name")),
        "status": _text(obj.get("status")),
        "effective_status": _text(obj.get("effective_status")),
        "optimization_goal": _text(obj.get("optimization_goal")),
        "billing_event": _text(obj.get("billing_event")),
        "daily_budget": _budget(obj.get("daily_budget"), "ad set daily_budget", offset),
        "lifetime_budget": _budget(obj.get("lifetime_budget"), "ad set lifetime_budget", offset),
        "targeting_summary": targeting_summary(targeting),
        "targeting_json": json.dumps(targeting, sort_keys=True) if targeting else None,
        "attribution_setting": attribution_setting(obj.get("attribution_spec")),
        "start_time": parse_time(obj.get("start_time"), "ad set start_time"),
        "end_time": parse_time(obj.get("end_time"), "ad set end_time"),
        "updated_at": now,
    }


def ad_row(obj: Mapping[str, Any], ad_account_id: str, now: datetime) -> dict[str, Any]:
    if not obj.get("id") or not obj.get("adset_id") or not obj.get("campaign_id"):
        raise IngestError(
            f"The API sent an ad without an id, ad set or campaign ({str(obj)[:80]})."
        )
    creative = obj.get("creative")
    return {
        "ad_id": str(obj["id"]),
        "ad_account_id": ad_account_id,
        "adset_id": str(obj["adset_id"]),
        "campaign_id": str(obj["campaign_id"]),
        "name": _text(obj.get("name")),
        "status": _text(obj.get("status")),
        "effective_status": _text(obj.get("effective_status")),
        "creative_id": _text(creative.get("id")) if isinstance(creative, Mapping) else None,
        "updated_at": now,
    }


def creative_row(obj: Mapping[str, Any], ad_account_id: str, now: datetime) -> dict[str, Any]:
    """A creative; title, body, call to action and link from the creative's own fields, else
    from its object_story_spec (link_data or video_data, Ad Creative reference)."""
    spec = obj.get("object_story_spec")
    story: Mapping[str, Any] = {}
    if isinstance(spec, Mapping):
        for key in ("link_data", "video_data", "template_data", "photo_data"):
            if isinstance(spec.get(key), Mapping):
                story = spec[key]
                break
    cta = story.get("call_to_action")
    cta = cta if isinstance(cta, Mapping) else {}
    link = cta.get("value")
    value: Mapping[str, Any] = link if isinstance(link, Mapping) else {}
    return {
        "creative_id": str(obj["id"]),
        "ad_account_id": ad_account_id,
        "name": _text(obj.get("name")),
        "title": _text(obj.get("title") or story.get("name") or story.get("title")),
        "body": _text(obj.get("body") or story.get("message")),
        "call_to_action": _text(cta.get("type")),
        "destination_url": _text(story.get("link") or value.get("link")),
        "url_tags": _text(obj.get("url_tags")),
        "thumbnail_url": _text(obj.get("thumbnail_url")),
        "updated_at": now,
    }


def ad_level_table(
    objs: Sequence[Mapping[str, Any]],
    ad_account_id: str,
    action_type: str,
    result_types: ResultTypes,
    kind: str,
    on_bad: Callable[[str], None],
) -> pa.Table:
    """A page of level=ad rows (kind: age_gender or placement) as a table of the data model;
    a row that cannot be right is left out and told to `on_bad`."""
    kept: list[Mapping[str, Any]] = []
    for obj in objs:
        if obj.get("ad_id") and obj.get("adset_id"):
            kept.append(obj)
        else:
            on_bad(
                "The API sent an ad insights row without ad_id or adset_id "
                f"({obj.get('date_start')})"
            )
    try:
        base = ad_insights_table(kept, ad_account_id, action_type, result_types)
    except IngestError:  # some row is impossible: find it, say so, keep the others
        good = []
        for obj in kept:
            try:
                ad_insight_row(obj, ad_account_id, action_type, result_types)
                good.append(obj)
            except IngestError as exc:
                on_bad(str(exc))
        kept = good
        base = ad_insights_table(kept, ad_account_id, action_type, result_types)
    schema = LEVEL_SCHEMAS[kind]
    extra = {
        "adset_id": pa.array([str(o["adset_id"]) for o in kept], pa.string()),
        "ad_id": pa.array([str(o["ad_id"]) for o in kept], pa.string()),
    }
    if kind == "placement":
        for key in PLACEMENT_KEYS:
            extra[key] = pa.array([str(o.get(key) or "unknown") for o in kept], pa.string())
    columns = [extra[name] if name in extra else base[name] for name in schema.names]
    return pa.table(columns, schema=schema)


def without_repeats(table: pa.Table, keys: Sequence[str], what: str) -> pa.Table:
    """One row per key: a row repeated across pages is kept once; two different rows for one
    key cannot both be true, so the run stops."""
    if not table.num_rows:
        return table
    cells = table.group_by(list(keys)).aggregate([([], "count_all")])
    if cells.num_rows == table.num_rows:
        return table
    distinct = table.group_by(table.column_names).aggregate([])
    counts = distinct.group_by(list(keys)).aggregate([([], "count_all")])
    clash = counts.filter(pc.greater(counts["count_all"], 1))
    if clash.num_rows:
        first = clash.slice(0, 1).to_pylist()[0]
        raise IngestError(
            f"The API sent two different {what} rows for {first}; nothing was saved. "
            "Try again later."
        )
    return distinct.select(table.column_names)


def concat(tables: Iterable[pa.Table], schema: pa.Schema) -> pa.Table:
    kept = [t for t in tables if t.num_rows]
    return pa.concat_tables(kept) if kept else schema.empty_table()
