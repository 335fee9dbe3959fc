"""A large synthetic store for speed measurements: millions of ad insight rows and posts.

Generated inside DuckDB (no Python row loop), deterministic for a given size and seed, with
shapes like real accounts: campaigns of different sizes, lengths and efficiency; weekday
seasonality; every campaign-day broken down by 6 age groups x 3 genders; posts of several
accounts with media types, heavy-tailed reach and engagement, hashtags in captions.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import duckdb

from insights.errors import StoreError
from insights.store.database import Store

LAST_DAY = date(2026, 11, 22)
DAYS = 365
FIRST_DAY = LAST_DAY - timedelta(days=DAYS - 1)
CELLS = 18  # 6 age groups x 3 genders
AVERAGE_LENGTH = (60 + DAYS) / 2  # campaign length is uniform on [60, 365] days
POSTS_PER_ACCOUNT = 5_000
HASHTAGS = (
    "#sale",
    "#newin",
    "#behindthescenes",
    "#howto",
    "#giveaway",
    "#ootd",
    "#travel",
    "#fitness",
    "#foodie",
    "#tips",
    "#reels",
    "#community",
)


def _u(expr: str, salt: int) -> str:
    """SQL for a uniform number in [0, 1) that depends only on `expr` and `salt`."""
    return f"((hash({expr}, {salt}) % 1000003) / 1000003.0)"


# columns of migration 0010 (pictures, watch time, insights state) the generated rows leave empty
INSTAGRAM_EXTRA = (
    "media_url",
    "thumbnail_url",
    "likes",
    "reels_avg_watch_time_ms",
    "reels_total_watch_time_ms",
    "insights_read_at",
    "insights_note",
)


def _columns(cur: duckdb.DuckDBPyConnection, table: str) -> str:
    """The table's columns in order, without the import mark (generated rows are not
    imported) and the derived hashtags, for inserts that list their values by position."""
    names = cur.execute(
        "SELECT list(column_name ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_name = $t "
        "AND column_name NOT IN ('import_id', 'hashtags', 'result_type', 'results') "
        "AND column_name NOT IN (SELECT unnest($instagram_extra))",
        {"t": table, "instagram_extra": list(INSTAGRAM_EXTRA)},
    ).fetchone()
    assert names is not None
    return ", ".join(names[0])


def create_cells(cur: duckdb.DuckDBPyConnection) -> None:
    """The temp table `cells`: the 18 age x gender cells, each with its share of delivery
    and its age group's click-rate lift."""
    cur.execute(
        """
        CREATE TEMP TABLE cells AS
        SELECT age, gender, age_share * gender_share AS share, age_ctr
        FROM (VALUES ('18-24', 0.12, 1.25), ('25-34', 0.30, 1.15), ('35-44', 0.26, 1.0),
                     ('45-54', 0.17, 0.9), ('55-64', 0.10, 0.8), ('65+', 0.05, 0.7))
             AS a(age, age_share, age_ctr)
        CROSS JOIN (VALUES ('female', 0.53), ('male', 0.44), ('unknown', 0.03))
             AS g(gender, gender_share)
        """
    )


def write_instagram(cur: duckdb.DuckDBPyConnection, posts: int, seed: int) -> None:
    """The Instagram part of a synthetic store: accounts of POSTS_PER_ACCOUNT posts each,
    `posts` posts over the three years up to the end of the data, each account's days."""
    accounts = max(1, math.ceil(posts / POSTS_PER_ACCOUNT))
    first_day = FIRST_DAY
    s = seed * 1000
    cur.execute(
        f"""
        INSERT INTO ig_accounts ({_columns(cur, "ig_accounts")})
        SELECT (17841500000000000 + a)::VARCHAR, 'brand_' || a, 'Brand ' || a,
               CAST(5000 + 500000 * {_u("a", s + 20)} AS BIGINT), {POSTS_PER_ACCOUNT}, now()
        FROM range({accounts}) AS t(a)
        """
    )
    tags = "[" + ", ".join(f"'{t}'" for t in HASHTAGS) + "]"
    cur.execute(
        f"""
        INSERT INTO ig_media ({_columns(cur, "ig_media")}, hashtags)
        WITH p AS (
            SELECT i, i % {accounts} AS a,
                   TIMESTAMPTZ '{first_day - timedelta(days=2 * DAYS)} 00:00:00+00'
                     + to_seconds(CAST({_u("i", s + 21)} * {3 * DAYS * 86400} AS BIGINT))
                     AS posted_at,
                   ['IMAGE', 'VIDEO', 'CAROUSEL_ALBUM'][1 + CAST(floor(3 * {_u("i", s + 22)})
                     AS INTEGER)] AS media_type,
                   CAST(exp(ln(300) + 3.5 * {_u("i", s + 23)}) AS BIGINT) AS reach,
                   0.02 + 0.08 * {_u("i", s + 24)} AS rate
            FROM range({posts}) AS t(i)
        )
        SELECT *, hashtags_of(caption) FROM (SELECT
            (179100000000000000 + i)::VARCHAR, (17841500000000000 + a)::VARCHAR, posted_at,
            media_type,
            CASE WHEN media_type = 'VIDEO' THEN 'REELS' ELSE 'FEED' END,
            'Post ' || i || ' ' || {tags}[1 + (i % {len(HASHTAGS)})] || ' '
                || {tags}[1 + ((i // 7) % {len(HASHTAGS)})] AS caption,
            'https://www.instagram.com/p/S' || i || '/',
            CAST(reach * rate * 0.8 AS BIGINT), CAST(reach * rate * 0.05 AS BIGINT),
            reach, CAST(reach * 1.6 AS BIGINT), CAST(reach * rate * 0.1 AS BIGINT),
            CAST(reach * rate * 0.05 AS BIGINT), CAST(reach * rate AS BIGINT), now()
        FROM p
        ORDER BY posted_at)
        """
    )
    cur.execute(
        f"""
        INSERT INTO ig_account_daily
            (account_id, date, reach, views, follower_count, profile_views, website_clicks)
        SELECT (17841500000000000 + a)::VARCHAR, DATE '{first_day}' + CAST(d AS INTEGER),
               CAST(2000 + 20000 * {_u("a * 1000 + d", s + 30)} AS BIGINT),
               CAST(5000 + 50000 * {_u("a * 1000 + d", s + 31)} AS BIGINT),
               CAST(50 * {_u("a * 1000 + d", s + 32)} AS BIGINT),
               CAST(300 * {_u("a * 1000 + d", s + 33)} AS BIGINT),
               CAST(40 * {_u("a * 1000 + d", s + 34)} AS BIGINT)
        FROM range({accounts}) AS t(a), range({DAYS}) AS r(d)
        """
    )


def generate(path: Path | str, ad_rows: int, posts: int, seed: int = 1) -> dict[str, int]:
    """Write a new store at `path` (which must not exist) with at least `ad_rows` rows in
    ad_insights_daily and `posts` rows in ig_media. Returns the row count of each table."""
    target = Path(path)
    if target.exists():  # never replace a store that may hold someone's data
        raise StoreError(f"{target} exists already; pick a new path for the synthetic store.")
    campaigns = math.ceil(ad_rows / (60 * CELLS)) + 1  # enough even if all are short
    first_day = FIRST_DAY
    s = seed * 1000
    cell = "days.campaign_id, days.date, cells.age, cells.gender"  # one row's identity
    with Store(target) as store, store.transaction() as cur:
        cur.execute(
            f"""
            CREATE TEMP TABLE plan AS
            SELECT
                (120300000000000000 + c)::VARCHAR AS campaign_id,
                CAST(60 + floor(({DAYS} - 60) * {_u("c", s + 3)}) AS INTEGER) AS length,
                exp(ln(2000) + 2.0 * {_u("c", s + 4)}) AS daily_impressions,
                0.004 + 0.025 * {_u("c", s + 5)} AS ctr,
                0.01 + 0.08 * {_u("c", s + 6)} AS cvr,
                4 + 16 * {_u("c", s + 7)} AS cpm,
                25 + 120 * {_u("c", s + 8)} AS order_value,
                {_u("c", s + 9)} AS start_at,
                c
            FROM range({campaigns}) AS t(c)
            QUALIFY sum(length * {CELLS}) OVER (ORDER BY c) - length * {CELLS} < {ad_rows}
            """
        )
        cur.execute(
            f"""
            INSERT INTO ad_campaigns ({_columns(cur, "ad_campaigns")})
            SELECT
                campaign_id,
                '1029384756',
                ['Prospecting', 'Retargeting', 'Catalog', 'Brand', 'Lead gen', 'Promo'][
                    1 + (c % 6)] || ' ' || c,
                ['OUTCOME_SALES', 'OUTCOME_SALES', 'OUTCOME_SALES', 'OUTCOME_AWARENESS',
                 'OUTCOME_LEADS', 'OUTCOME_TRAFFIC'][1 + (c % 6)],
                CASE WHEN {_u("c", s + 1)} < 0.6 THEN 'ACTIVE' ELSE 'PAUSED' END,
                NULL, NULL,
                round(20 + 480 * {_u("c", s + 2)}, 0)::DECIMAL(18, 2),
                NULL,
                now()
            FROM plan
            """
        )
        create_cells(cur)
        cur.execute(
            f"""
            INSERT INTO ad_insights_daily ({_columns(cur, "ad_insights_daily")})
            WITH days AS (
                SELECT p.*, d,
                       DATE '{first_day}' + CAST(floor(({DAYS} - p.length) * p.start_at) AS
                           INTEGER) + CAST(d AS INTEGER) AS date
                FROM plan AS p, range({DAYS}) AS r(d)
                WHERE d < p.length
            ), delivered AS (
                SELECT
                    days.campaign_id, days.date, cells.age, cells.gender,
                    CAST(round(days.daily_impressions * cells.share
                         * (CASE WHEN dayofweek(days.date) IN (0, 6) THEN 0.8 ELSE 1.05 END)
                         * (0.6 + 0.8 * {_u(cell, s + 10)}))
                         AS BIGINT) AS impressions,
                    days.ctr * cells.age_ctr AS ctr, days.cvr, days.cpm, days.order_value,
                    {_u(cell, s + 11)} AS noise
                FROM days, cells
            )
            SELECT
                '1029384756', campaign_id, date, age, gender,
                round(impressions * cpm / 1000, 2)::DECIMAL(18, 2) AS spend,
                impressions,
                CAST(impressions * 0.8 AS BIGINT) AS reach,
                CAST(round(impressions * ctr * (0.7 + 0.6 * noise)) AS BIGINT) AS clicks,
                CAST(round(impressions * ctr * 0.7 * (0.7 + 0.6 * noise)) AS BIGINT),
                CAST(round(impressions * ctr * cvr * (0.4 + 1.2 * noise)) AS BIGINT) AS conv,
                round(impressions * ctr * cvr * (0.4 + 1.2 * noise) * order_value, 2)
                    ::DECIMAL(18, 2)
            FROM delivered
            ORDER BY date, campaign_id
            """
        )
        store.refresh_rollups(cur)
        write_instagram(cur, posts, seed)
        cur.execute(
            "INSERT INTO ingest_runs (source, started_at, finished_at, status, rows_written) "
            "SELECT 'scale-demo', now(), now(), 'succeeded', "
            "(SELECT count(*) FROM ad_insights_daily) + (SELECT count(*) FROM ig_media)"
        )
        counts = {
            table: int(cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            for table in ("ad_campaigns", "ad_insights_daily", "ig_accounts", "ig_media")
        }
    return counts
