"""The Instagram rows of one run as the store holds them: the Arrow schemas of the tables the
Instagram fetch fills, and their write inside the run's transaction (insights.ingest.run)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from insights.ingest import rows as rows_
from insights.store.database import Store

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
        *rows_.IG_DAILY_SCHEMA,
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
        "ig_accounts": store.upsert(
            cur, "ig_accounts", rows_.to_table(accounts, rows_.IG_ACCOUNT_SCHEMA)
        )
    }
    counts["ig_media"] = store.upsert(
        cur, "ig_media", rows_.to_table(rows.listed_posts, POST_LISTING_SCHEMA)
    ) + store.upsert(cur, "ig_media", rows_.to_table(rows.posts, POST_SCHEMA))
    written = 0
    for account_id, (since, until, days) in rows.daily.items():
        cur.execute(
            "DELETE FROM ig_account_daily WHERE account_id = $key "
            "AND date BETWEEN $since AND $until",
            {"key": account_id, "since": since, "until": until},
        )
        written += store.upsert(cur, "ig_account_daily", rows_.to_table(days, DAILY_SCHEMA))
    counts["ig_account_daily"] = written
    counts["ig_stories"] = store.upsert(
        cur, "ig_stories", rows_.to_table(rows.stories, STORY_SCHEMA)
    )
    if rows.stories:
        cur.execute("UPDATE ig_stories SET first_seen_at = updated_at WHERE first_seen_at IS NULL")
    counts["ig_follower_snapshots"] = store.upsert(
        cur, "ig_follower_snapshots", rows_.to_table(rows.snapshots, SNAPSHOT_SCHEMA)
    )
    counts["ig_audience"] = store.upsert(
        cur, "ig_audience", rows_.to_table(rows.audience, AUDIENCE_SCHEMA)
    )
    counts["ig_account_reach"] = store.upsert(
        cur, "ig_account_reach", rows_.to_table(rows.period_reach, PERIOD_REACH_SCHEMA)
    )
    return counts


def values_of(entry: Mapping[str, Any]) -> Any:
    """The single value of a lifetime or total_value insights entry (None when absent)."""
    total = entry.get("total_value")
    if isinstance(total, Mapping):
        return total.get("value")
    values = entry.get("values") or []
    return values[0].get("value") if values and isinstance(values[0], Mapping) else None
