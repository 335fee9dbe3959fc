"""Checks that every rollup of ad_insights_daily equals a fresh grouping of the detail."""

from __future__ import annotations

from insights.store.database import ROLLUPS

_SUMS = ("spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value")
# rollup -> (its key columns, the same keys computed from a detail row), written out here
# rather than taken from the store, so a wrong definition there shows
FRESH: dict[str, tuple[tuple[str, ...], str]] = {
    "ad_campaign_daily": (("campaign_id", "date"), "campaign_id, date"),
    "ad_campaign_gender_daily": (("campaign_id", "date", "gender"), "campaign_id, date, gender"),
    "ad_breakdown_weekly": (
        ("campaign_id", "week", "age", "gender"),
        # Monday of the row's ISO week, by day arithmetic rather than date_trunc
        "campaign_id, date - (isodow(date) - 1)::INTEGER AS week, age, gender",
    ),
}


def mismatches(cur) -> dict[str, int]:
    """Per rollup, the keys whose sums differ from (or are missing in) a fresh grouping of
    ad_insights_daily; all zero when the rollups are in step."""
    assert set(FRESH) == set(ROLLUPS), "every rollup needs its fresh grouping here"
    sums = ", ".join(f"sum({c}) AS {c}" for c in _SUMS)
    differ = " OR ".join(f"f.{c} IS DISTINCT FROM r.{c}" for c in _SUMS)
    out = {}
    for table, (keys, select) in FRESH.items():
        out[table] = cur.execute(
            f"WITH f AS (SELECT {select}, {sums} FROM ad_insights_daily GROUP BY ALL) "
            f"SELECT count(*) FROM f FULL OUTER JOIN {table} AS r USING ({', '.join(keys)}) "
            f"WHERE {differ}"
        ).fetchone()[0]
    return out


def in_step(cur) -> bool:
    return not any(mismatches(cur).values())
