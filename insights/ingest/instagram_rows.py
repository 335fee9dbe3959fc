"""The Instagram rows of one run as the store holds them: accounts, posts and daily account
figures from the Graph API's JSON, the Arrow schemas of the tables the Instagram fetch fills,
and their write inside the run's transaction (insights.ingest.run)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from insights.errors import IngestError
from insights.ingest.values import parse_count, parse_int, parse_time, to_table
from insights.store.database import Store

IG_ACCOUNT_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("username", pa.string()),
        ("name", pa.string()),
        ("followers_count", pa.int64()),
        ("media_count", pa.int64()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)
IG_MEDIA_SCHEMA = pa.schema(
    [
        ("media_id", pa.string()),
        ("account_id", pa.string()),
        ("posted_at", pa.timestamp("us", tz="UTC")),
        ("media_type", pa.string()),
        ("media_product_type", pa.string()),
        ("caption", pa.string()),
        ("permalink", pa.string()),
        ("like_count", pa.int64()),
        ("comments_count", pa.int64()),
        ("reach", pa.int64()),
        ("views", pa.int64()),
        ("saved", pa.int64()),
        ("shares", pa.int64()),
        ("total_interactions", pa.int64()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)
IG_DAILY_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("date", pa.date32()),
        ("reach", pa.int64()),
        ("views", pa.int64()),
        ("follower_count", pa.int64()),
        ("profile_views", pa.int64()),
        ("website_clicks", pa.int64()),
    ]
)
IG_MEDIA_METRICS = ("reach", "saved", "shares", "views", "total_interactions")
IG_DAILY_METRICS = ("reach", "views", "follower_count", "profile_views", "website_clicks")


def ig_account_row(obj: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "account_id": str(obj["id"]),
        "username": obj.get("username"),
        "name": obj.get("name"),
        "followers_count": parse_int(obj.get("followers_count"), "followers_count"),
        "media_count": parse_int(obj.get("media_count"), "media_count"),
        "updated_at": now,
    }


def ig_media_row(obj: Mapping[str, Any], account_id: str, now: datetime) -> dict[str, Any]:
    if not obj.get("id"):
        raise IngestError("The API sent a post without an id.")
    posted_at = parse_time(obj.get("timestamp"), "media timestamp")
    if posted_at is None:
        raise IngestError(f"The API sent post {obj.get('id')} without a timestamp.")
    return {
        "media_id": str(obj["id"]),
        "account_id": account_id,
        "posted_at": posted_at,
        "media_type": obj.get("media_type"),
        "media_product_type": obj.get("media_product_type"),
        "caption": obj.get("caption"),
        "permalink": obj.get("permalink"),
        "like_count": parse_count(obj.get("like_count"), "like_count"),
        "comments_count": parse_count(obj.get("comments_count"), "comments_count"),
        "updated_at": now,
    }


def insight_values(body: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """{metric name: its values list} from an insights response; the newer `total_value`
    shape is folded into the same form."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for entry in body.get("data") or []:
        if not isinstance(entry, Mapping) or "name" not in entry:
            continue
        values = entry.get("values")
        if values is None and isinstance(entry.get("total_value"), Mapping):
            values = [entry["total_value"]]
        out[str(entry["name"])] = list(values or [])
    return out


def lifetime_metrics(body: Mapping[str, Any]) -> dict[str, int | None]:
    """Lifetime media insights: {metric: value}."""
    return {
        name: parse_int(values[0].get("value") if values else None, f"media {name}")
        for name, values in insight_values(body).items()
    }


def daily_metric_rows(
    account_id: str, body: Mapping[str, Any], bad: list[str] | None = None
) -> dict[date, dict[str, Any]]:
    """Account insights with period=day as {date: row}. A value's end_time is the END of its
    day (e.g. 2025-05-02T07:00:00+0000 closes 1 May in Pacific time), so the day is the date
    of end_time minus one. A count that cannot be right is left out (None) and its reason
    added to `bad`; without `bad`, it is an error."""
    rows: dict[date, dict[str, Any]] = {}
    for name, values in insight_values(body).items():
        if name not in IG_DAILY_METRICS:
            continue
        for item in values:
            end = parse_time(item.get("end_time"), f"{name} end_time")
            if end is None:
                continue
            day = end.date() - timedelta(days=1)
            row = rows.setdefault(day, {"account_id": account_id, "date": day})
            try:
                row[name] = parse_count(item.get("value"), f"account {name} of {day}")
            except IngestError as exc:  # an impossible figure: left out, said by the caller
                if bad is None:
                    raise
                bad.append(str(exc))
                row[name] = None
    return rows


TS = pa.timestamp("us", tz="UTC")
# What the /media listing gives of a post (written for every listed post).
POST_LISTING_SCHEMA = pa.schema(
    [
        ("media_id", pa.string()),
        ("account_id", pa.string()),
        ("posted_at", TS),
        ("media_type", pa.string()),
        ("media_product_type", pa.string()),
        ("caption", pa.string()),
        ("permalink", pa.string()),
        ("like_count", pa.int64()),
        ("comments_count", pa.int64()),
        ("media_url", pa.string()),
        ("thumbnail_url", pa.string()),
        ("updated_at", TS),
    ]
)
# ... and with its lifetime insights (written for the posts whose insights were read).
POST_SCHEMA = pa.schema(
    [
        *POST_LISTING_SCHEMA,
        ("reach", pa.int64()),
        ("views", pa.int64()),
        ("saved", pa.int64()),
        ("shares", pa.int64()),
        ("total_interactions", pa.int64()),
        ("likes", pa.int64()),
        ("reels_avg_watch_time_ms", pa.int64()),
        ("reels_total_watch_time_ms", pa.int64()),
        ("insights_read_at", TS),
        ("insights_note", pa.string()),
    ]
)
# media insight metric -> its column in ig_media
POST_METRIC_COLUMNS = {
    "reach": "reach",
    "views": "views",
    "saved": "saved",
    "shares": "shares",
    "total_interactions": "total_interactions",
    "likes": "likes",
    "ig_reels_avg_watch_time": "reels_avg_watch_time_ms",
    "ig_reels_video_view_total_time": "reels_total_watch_time_ms",
}
DAILY_SCHEMA = pa.schema(
    [
        *IG_DAILY_SCHEMA,
        ("accounts_engaged", pa.int64()),
        ("total_interactions", pa.int64()),
    ]
)
STORY_SCHEMA = pa.schema(
    [
        ("story_id", pa.string()),
        ("account_id", pa.string()),
        ("posted_at", TS),
        ("media_type", pa.string()),
        ("caption", pa.string()),
        ("permalink", pa.string()),
        ("media_url", pa.string()),
        ("thumbnail_url", pa.string()),
        ("reach", pa.int64()),
        ("views", pa.int64()),
        ("replies", pa.int64()),
        ("shares", pa.int64()),
        ("total_interactions", pa.int64()),
        ("navigation", pa.int64()),
        ("taps_forward", pa.int64()),
        ("taps_back", pa.int64()),
        ("exits", pa.int64()),
        ("swipes_forward", pa.int64()),
        ("insights_note", pa.string()),
        ("updated_at", TS),
    ]
)
SNAPSHOT_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("date", pa.date32()),
        ("followers_count", pa.int64()),
        ("taken_at", TS),
    ]
)
AUDIENCE_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("date", pa.date32()),
        ("breakdown", pa.string()),
        ("key", pa.string()),
        ("followers", pa.int64()),
    ]
)
PERIOD_REACH_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("since", pa.date32()),
        ("until", pa.date32()),
        ("reach", pa.int64()),
        ("updated_at", TS),
    ]
)


@dataclass
class InstagramRows:
    """What the Instagram fetch of one run read, per table (beyond Fetched's own lists)."""

    listed_posts: list[dict[str, Any]] = field(default_factory=list)  # insights not re-read
    posts: list[dict[str, Any]] = field(default_factory=list)  # with insights read now
    daily: dict[str, tuple[date, date, list[dict[str, Any]]]] = field(default_factory=dict)
    stories: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    audience: list[dict[str, Any]] = field(default_factory=list)
    period_reach: list[dict[str, Any]] = field(default_factory=list)


def write(
    store: Store, cur: duckdb.DuckDBPyConnection, rows: InstagramRows, accounts: list[Any]
) -> dict[str, int]:
    """Write one run's Instagram rows (inside the run's transaction); rows written per table.
    Stories are upserted, never deleted: the API forgets them after a day, the store keeps
    them. A story first seen keeps its first_seen_at."""
    counts = {
        "ig_accounts": store.upsert(cur, "ig_accounts", to_table(accounts, IG_ACCOUNT_SCHEMA))
    }
    counts["ig_media"] = store.upsert(
        cur, "ig_media", to_table(rows.listed_posts, POST_LISTING_SCHEMA)
    ) + store.upsert(cur, "ig_media", to_table(rows.posts, POST_SCHEMA))
    written = 0
    for account_id, (since, until, days) in rows.daily.items():
        cur.execute(
            "DELETE FROM ig_account_daily WHERE account_id = $key "
            "AND date BETWEEN $since AND $until",
            {"key": account_id, "since": since, "until": until},
        )
        written += store.upsert(cur, "ig_account_daily", to_table(days, DAILY_SCHEMA))
    counts["ig_account_daily"] = written
    counts["ig_stories"] = store.upsert(cur, "ig_stories", to_table(rows.stories, STORY_SCHEMA))
    if rows.stories:
        cur.execute("UPDATE ig_stories SET first_seen_at = updated_at WHERE first_seen_at IS NULL")
    counts["ig_follower_snapshots"] = store.upsert(
        cur, "ig_follower_snapshots", to_table(rows.snapshots, SNAPSHOT_SCHEMA)
    )
    counts["ig_audience"] = store.upsert(
        cur, "ig_audience", to_table(rows.audience, AUDIENCE_SCHEMA)
    )
    counts["ig_account_reach"] = store.upsert(
        cur, "ig_account_reach", to_table(rows.period_reach, PERIOD_REACH_SCHEMA)
    )
    return counts


def values_of(entry: Mapping[str, Any]) -> Any:
    """The single value of a lifetime or total_value insights entry (None when absent)."""
    total = entry.get("total_value")
    if isinstance(total, Mapping):
        return total.get("value")
    values = entry.get("values") or []
    return values[0].get("value") if values and isinstance(values[0], Mapping) else None
