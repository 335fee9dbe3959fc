"""Checks that every rollup of ad_insights_daily and ad_level_daily equals a fresh grouping of
its detail."""

from __future__ import annotations

from insights.store.database import ROLLUPS

_SUMS = (
    "spend",
    "impressions",
    "clicks",
    "link_clicks",
    "conversions",
    "conversion_value",
)
# rollup -> (its detail, its key columns, the same keys computed from a detail row, the sums
# beside them), written out here rather than taken from the store, so a wrong definition there
# shows
_AD_LEVEL = ("results", "reach", "reached_impressions")
_PLACEMENT = (
    "campaign_id",
    "publisher_platform",
    "platform_position",
    "impression_device",
    "date",
)
FRESH: dict[str, tuple[str, tuple[str, ...], str, tuple[str, ...]]] = {
    "ad_campaign_daily": ("ad_insights_daily", ("campaign_id", "date"), "campaign_id, date", ()),
    "ad_campaign_gender_daily": (
        "ad_insights_daily",
        ("campaign_id", "date", "gender"),
        "campaign_id, date, gender",
        (),
    ),
    "ad_breakdown_weekly": (
        "ad_insights_daily",
        ("campaign_id", "week", "age", "gender"),
        # Monday of the row's ISO week, by day arithmetic rather than date_trunc
        "campaign_id, date - (isodow(date) - 1)::INTEGER AS week, age, gender",
        (),
    ),
    "ad_level_ad_daily": (
        "ad_level_daily",
        ("ad_id", "date"),
        "ad_id, date",
        _AD_LEVEL,
    ),
    "ad_level_ad_gender_daily": (
        "ad_level_daily",
        ("ad_id", "date", "gender"),
        "ad_id, date, gender",
        _AD_LEVEL,
    ),
    "ad_placement_campaign_daily": (
        "ad_level_placement_daily",
        _PLACEMENT,
        ", ".join(_PLACEMENT),
        ("results",),
    ),
}
_FRESH_SUMS = {
    "results": "sum(results) AS results",
    "reach": "sum(reach) AS reach",
    # the impressions of the rows that have a reach, written as a CASE rather than FILTER
    "reached_impressions": "sum(CASE WHEN reach IS NULL THEN NULL ELSE impressions END) "
    "AS reached_impressions",
}


def mismatches(cur) -> dict[str, int]:
    """Per rollup, the keys whose sums differ from (or are missing in) a fresh grouping of
    its detail; all zero when the rollups are in step."""
    assert set(FRESH) == set(ROLLUPS), "every rollup needs its fresh grouping here"
    out = {}
    for table, (detail, keys, select, extra) in FRESH.items():
        sums = ", ".join([*(f"sum({c}) AS {c}" for c in _SUMS), *(_FRESH_SUMS[c] for c in extra)])
        differ = " OR ".join(f"f.{c} IS DISTINCT FROM r.{c}" for c in (*_SUMS, *extra))
        out[table] = cur.execute(
            f"WITH f AS (SELECT {select}, {sums} FROM {detail} GROUP BY ALL) "
            f"SELECT count(*) FROM f FULL OUTER JOIN {table} AS r USING ({', '.join(keys)}) "
            f"WHERE {differ}"
        ).fetchone()[0]
    return out


def in_step(cur) -> bool:
    return not any(mismatches(cur).values())
