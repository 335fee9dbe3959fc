"""A large synthetic store at the AD level, for speed measurements: tens of millions of
ad-level insight rows, their placements, the campaign level that is their sum, and posts.

What it models: campaigns as in scale.py (different sizes, lengths and efficiency, an
objective and the result it is judged on), each with 1-4 ad sets (a goal, a budget, a
targeting sentence, an attribution setting) of 2-5 ads, every ad with its creative and a
small real PNG thumbnail (64 distinct pictures, cycled). Every ad delivers on every day of
its campaign in the 18 age x gender cells of scale.py, with its own share of the campaign's
delivery, click rate, conversion rate, CPM and daily frequency, and the weekday seasonality
of scale.py. The campaign level (ad_insights_daily) is exactly the sum of its ads, and each
ad-day's 8 placements (chosen per ad) add up exactly to the ad-day: the totals are split with
cumulative rounding in integers (cents for money). Whole-period reach is stored for each
level and each preset period ending on the last day of data, as the ingest stores it.

Generated inside DuckDB (no Python row loop), deterministic for a given size and seed. The
detail is written in date order, a few weeks per statement, so a date range reads only its
blocks and no statement sorts the whole detail at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from insights.demo.scale import (
    CELLS,
    DAYS,
    FIRST_DAY,
    LAST_DAY,
    _u,
    create_cells,
    write_instagram,
)
from insights.demo.thumbnails import thumbnail_png
from insights.errors import StoreError
from insights.figures.objectives import OBJECTIVE_RESULTS
from insights.figures.periods import reach_periods
from insights.store.database import Store

AD_ACCOUNT = "1029384756"
PICTURES = 64  # distinct thumbnails, cycled over the creatives
CHUNK_DAYS = 28  # days of detail per insert statement
MIN_ADS = 2  # the fewest ads a campaign has (one ad set of two ads)
# objective -> (the ad sets' optimization goal, billing event, the creatives' call to action)
OBJECTIVES = {
    "OUTCOME_SALES": ("OFFSITE_CONVERSIONS", "IMPRESSIONS", "SHOP_NOW"),
    "OUTCOME_AWARENESS": ("REACH", "IMPRESSIONS", "LEARN_MORE"),
    "OUTCOME_LEADS": ("LEAD_GENERATION", "IMPRESSIONS", "SIGN_UP"),
    "OUTCOME_TRAFFIC": ("LINK_CLICKS", "LINK_CLICKS", "LEARN_MORE"),
}
# scale.py's campaign kinds, by campaign number modulo 6
KINDS = ("Prospecting", "Retargeting", "Catalog", "Brand", "Lead gen", "Promo")
KIND_OBJECTIVES = (
    "OUTCOME_SALES",
    "OUTCOME_SALES",
    "OUTCOME_SALES",
    "OUTCOME_AWARENESS",
    "OUTCOME_LEADS",
    "OUTCOME_TRAFFIC",
)
# Meta's placement values (publisher_platform, platform_position, impression_device) with a
# share of delivery in thousandths; each ad delivers on 8 of them, chosen by hash
PLACEMENTS = (
    ("facebook", "feed", "android_smartphone", 130),
    ("facebook", "feed", "iphone", 100),
    ("facebook", "feed", "desktop", 90),
    ("facebook", "feed", "ipad", 20),
    ("facebook", "facebook_reels", "android_smartphone", 60),
    ("facebook", "facebook_reels", "iphone", 50),
    ("facebook", "facebook_stories", "iphone", 50),
    ("facebook", "right_hand_column", "desktop", 20),
    ("instagram", "feed", "iphone", 170),
    ("instagram", "feed", "android_smartphone", 90),
    ("instagram", "instagram_stories", "iphone", 120),
    ("instagram", "instagram_stories", "android_smartphone", 60),
    ("instagram", "instagram_reels", "iphone", 140),
    ("instagram", "instagram_reels", "android_smartphone", 70),
    ("instagram", "instagram_explore", "iphone", 30),
    ("audience_network", "an_classic", "android_smartphone", 50),
    ("messenger", "messenger_inbox", "iphone", 20),
    ("messenger", "messenger_inbox", "android_smartphone", 20),
)
PLACEMENTS_PER_AD = 8
TARGETING = (
    "Women and men 18-65+ in the United States",
    "Women 25-54 in the United States, interested in fitness",
    "Men and women 18-44 in Canada and the United States, lookalike 1% of purchasers",
    "Women and men 25-65+ in the United Kingdom, website visitors of the last 30 days",
    "Advantage+ audience in the United States",
)
ATTRIBUTION = ("7d_click_1d_view", "7d_click", "1d_click", "1d_click_1d_view")
FIGURES = ("impressions", "reach", "clicks", "link_clicks", "conversions", "results")


def _values(rows: Iterable[tuple[object, ...]]) -> str:
    """SQL VALUES rows of Python tuples of strings and numbers."""
    return ", ".join(
        "(" + ", ".join(repr(v) if isinstance(v, str) else str(v) for v in row) + ")"
        for row in rows
    )


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(repr(i) for i in items) + "]"


def _plan_campaigns(cur: duckdb.DuckDBPyConnection, rows: int, s: int) -> None:
    """Temp tables `plan` (campaigns, as scale.py draws them), `sets` and `ad_plan` (each
    ad with its own efficiency), with just enough campaigns for `rows` detail rows."""
    candidates = math.ceil(rows / (60 * CELLS * MIN_ADS)) + 1  # enough even if all are small
    results = _values((o, OBJECTIVE_RESULTS[o], *OBJECTIVES[o]) for o in OBJECTIVES)
    cur.execute(
        f"""
        CREATE TEMP TABLE candidates AS
        SELECT c,
               CAST(60 + floor(({DAYS} - 60) * {_u("c", s + 3)}) AS INTEGER) AS length,
               exp(ln(2000) + 2.0 * {_u("c", s + 4)}) AS daily_impressions,
               0.004 + 0.025 * {_u("c", s + 5)} AS ctr,
               0.01 + 0.08 * {_u("c", s + 6)} AS cvr,
               4 + 16 * {_u("c", s + 7)} AS cpm,
               25 + 120 * {_u("c", s + 8)} AS order_value,
               {_u("c", s + 9)} AS start_at,
               {_list(KIND_OBJECTIVES)}[1 + c % 6] AS objective,
               CASE WHEN {_u("c", s + 1)} < 0.6 THEN 'ACTIVE' ELSE 'PAUSED' END AS status,
               1 + CAST(floor(4 * {_u("c", s + 40)}) AS INTEGER) AS set_count
        FROM range({candidates}) AS t(c);
        CREATE TEMP TABLE candidate_sets AS
        SELECT c, j, 2 + CAST(floor(4 * {_u("c * 10 + j", s + 41)}) AS INTEGER) AS ad_count
        FROM candidates, range(4) AS t(j) WHERE j < set_count;
        CREATE TEMP TABLE plan AS
        SELECT k.*, o.result_type, o.optimization_goal, o.billing_event, o.call_to_action,
               DATE '{FIRST_DAY}' + CAST(floor(({DAYS} - length) * start_at) AS INTEGER)
                   AS first_date,
               (120300000000000000 + c)::VARCHAR AS campaign_id
        FROM candidates AS k
        JOIN (SELECT c, sum(ad_count) AS ads FROM candidate_sets GROUP BY c) USING (c)
        JOIN (VALUES {results})
            AS o(objective, result_type, optimization_goal, billing_event, call_to_action)
            USING (objective)
        QUALIFY sum(length * {CELLS} * ads) OVER (ORDER BY c) - length * {CELLS} * ads < {rows};
        CREATE TEMP TABLE sets AS
        SELECT p.*, j, ad_count, (120310000000000000 + c * 10 + j)::VARCHAR AS adset_id
        FROM plan AS p JOIN candidate_sets USING (c);
        """
    )
    _plan_ads(cur, s)


def _plan_ads(cur: duckdb.DuckDBPyConnection, s: int) -> None:
    """Temp table `ad_plan`: every ad of every ad set with its share of its campaign's
    delivery and its own click rate, conversion rate, CPM and daily frequency."""
    cur.execute(
        f"""
        CREATE TEMP TABLE ad_plan AS
        SELECT
            campaign_id, adset_id, first_date, length, result_type, order_value,
            (120320000000000000 + c * 100 + j * 10 + k)::VARCHAR AS ad_id,
            (120330000000000000 + c * 100 + j * 10 + k)::VARCHAR AS creative_id,
            row_number() OVER (ORDER BY c, j, k) - 1 AS n,
            daily_impressions * (0.5 + {_u("c, j, k", s + 42)}) / (set_count * ad_count)
                AS daily_impressions,
            ctr * (0.6 + 0.8 * {_u("c, j, k", s + 43)}) AS ctr,
            cvr * (0.6 + 0.8 * {_u("c, j, k", s + 44)}) AS cvr,
            cpm * (0.8 + 0.4 * {_u("c, j, k", s + 45)}) AS cpm,
            1.05 + 0.5 * {_u("c, j, k", s + 46)} AS frequency,
            0.05 + 0.15 * {_u("c, j, k", s + 47)} AS lead_rate
        FROM sets, range(5) AS t(k)
        WHERE k < ad_count
        """
    )


def _write_campaigns(cur: duckdb.DuckDBPyConnection, s: int) -> None:
    """The ad account (in USD) and the campaigns of the plan."""
    cur.execute(
        f"""
        INSERT INTO ad_accounts BY NAME
        SELECT '{AD_ACCOUNT}' AS ad_account_id, 'Scale demo account' AS name,
               'USD' AS currency, 'America/New_York' AS timezone_name,
               'omni_purchase' AS purchase_action_type, now() AS updated_at;
        INSERT INTO ad_campaigns BY NAME
        SELECT campaign_id, '{AD_ACCOUNT}' AS ad_account_id,
               {_list(KINDS)}[1 + c % 6] || ' ' || c AS name, objective, result_type, status,
               first_date::TIMESTAMPTZ AS start_time,
               (first_date + length)::TIMESTAMPTZ AS stop_time,
               round(20 + 480 * {_u("c", s + 2)}, 0)::DECIMAL(18, 2) AS daily_budget,
               now() AS updated_at
        FROM plan
        """
    )


def _write_ad_sets(cur: duckdb.DuckDBPyConnection, s: int) -> None:
    """The ad sets and ads of the plan. Their effective_status is Meta's: CAMPAIGN_PAUSED
    for an ad set of a paused campaign, ADSET_PAUSED for an ad of a paused ad set."""
    cur.execute(
        f"""
        INSERT INTO ad_sets BY NAME
        SELECT adset_id, '{AD_ACCOUNT}' AS ad_account_id, campaign_id,
               {_list(KINDS)}[1 + c % 6] || ' ' || c || ' - ad set ' || (j + 1) AS name,
               adset_status AS status,
               CASE WHEN status = 'PAUSED' THEN 'CAMPAIGN_PAUSED' ELSE adset_status END
                   AS effective_status,
               optimization_goal, billing_event,
               CASE WHEN j % 2 = 0 THEN round(10 + 190 * {_u("c, j", s + 50)}, 0) END
                   ::DECIMAL(18, 2) AS daily_budget,
               CASE WHEN j % 2 = 1 THEN round(500 + 9500 * {_u("c, j", s + 50)}, 0) END
                   ::DECIMAL(18, 2) AS lifetime_budget,
               {_list(TARGETING)}[1 + (c + j) % {len(TARGETING)}] AS targeting_summary,
               {_list(ATTRIBUTION)}[1 + CAST(floor({len(ATTRIBUTION)} * {_u("c, j", s + 51)})
                   AS INTEGER)] AS attribution_setting,
               first_date::TIMESTAMPTZ AS start_time,
               (first_date + length)::TIMESTAMPTZ AS end_time, now() AS updated_at
        FROM (SELECT *, CASE WHEN {_u("c, j", s + 52)} < 0.8 THEN 'ACTIVE' ELSE 'PAUSED' END
                            AS adset_status
              FROM sets);
        INSERT INTO ads BY NAME
        SELECT a.ad_id, '{AD_ACCOUNT}' AS ad_account_id, a.adset_id, a.campaign_id,
               'Ad ' || (a.n + 1) AS name, 'ACTIVE' AS status,
               CASE WHEN s.effective_status = 'ACTIVE' THEN 'ACTIVE'
                    WHEN s.effective_status = 'PAUSED' THEN 'ADSET_PAUSED'
                    ELSE s.effective_status END AS effective_status,
               a.creative_id, now() AS updated_at
        FROM ad_plan AS a JOIN ad_sets AS s USING (adset_id);
        """
    )


def _write_creatives(cur: duckdb.DuckDBPyConnection, seed: int) -> None:
    """One creative per ad, its thumbnail one of PICTURES generated PNGs."""
    pictures = pa.table(
        {
            "picture": list(range(PICTURES)),
            "png": [thumbnail_png(f"ad-scale-{seed}-{i}") for i in range(PICTURES)],
        }
    )
    cur.register("pictures", pictures)
    try:
        cur.execute(
            f"""
            INSERT INTO ad_creatives BY NAME
            SELECT a.creative_id, a.ad_account_id, 'Creative ' || (p.n + 1) AS name,
                   'Offer ' || (p.n + 1) AS title,
                   'Made for every day. Ad ' || (p.n + 1) || ' of the scale demo.' AS body,
                   p.call_to_action,
                   'https://shop.example.com/p/' || (p.n % 500) AS destination_url,
                   'utm_source=facebook&utm_medium=paid&utm_campaign=' || a.campaign_id
                       || '&utm_content=' || a.ad_id AS url_tags,
                   'https://scontent.example.com/t45/' || a.creative_id || '.png'
                       AS thumbnail_url,
                   pictures.png AS thumbnail, 'image/png' AS thumbnail_type,
                   now() AS thumbnail_read_at, now() AS updated_at
            FROM ads AS a
            JOIN (SELECT ad_id, n, call_to_action FROM ad_plan JOIN plan USING (campaign_id))
                AS p USING (ad_id)
            JOIN pictures ON pictures.picture = p.n % {PICTURES}
            """
        )
    finally:
        cur.unregister("pictures")


def _detail_sql(s: int, since: date, until: date) -> str:
    """The ad-level rows of the days [since, until]: every ad x day x age x gender."""
    weekday = "CASE WHEN dayofweek(date) IN (0, 6) THEN 0.8 ELSE 1.05 END"
    return f"""
        WITH days AS (
            SELECT a.*, a.first_date + CAST(d AS INTEGER) AS date
            FROM ad_plan AS a, range({DAYS}) AS r(d)
            WHERE d < a.length
              AND a.first_date + CAST(d AS INTEGER) BETWEEN DATE '{since}' AND DATE '{until}'
        ), delivered AS (
            SELECT days.*, cells.age, cells.gender, cells.age_ctr,
                   CAST(round(daily_impressions * cells.share * {weekday}
                        * (0.6 + 0.8 * {_u("n, date, cells.cell", s + 10)})) AS BIGINT)
                       AS impressions,
                   {_u("n, date, cells.cell", s + 11)} AS noise
            FROM days, ad_cells AS cells
        ), figures AS (
            SELECT *,
                round(impressions * cpm / 1000, 2)::DECIMAL(18, 2) AS spend,
                CAST(impressions / frequency AS BIGINT) AS reach,
                CAST(round(impressions * ctr * age_ctr * (0.7 + 0.6 * noise)) AS BIGINT)
                    AS clicks,
                CAST(round(impressions * ctr * age_ctr * 0.7 * (0.7 + 0.6 * noise)) AS BIGINT)
                    AS link_clicks,
                impressions * ctr * age_ctr * cvr * (0.4 + 1.2 * noise) AS expected
            FROM delivered
        )
        SELECT '{AD_ACCOUNT}' AS ad_account_id, campaign_id, adset_id, ad_id, date, age, gender,
               spend, impressions, reach, clicks, link_clicks,
               CAST(round(expected) AS BIGINT) AS conversions,
               round(expected * order_value, 2)::DECIMAL(18, 2) AS conversion_value,
               CASE result_type WHEN 'purchase' THEN CAST(round(expected) AS BIGINT)
                                WHEN 'lead' THEN CAST(round(link_clicks * lead_rate) AS BIGINT)
                                WHEN 'link_click' THEN link_clicks
                                WHEN 'reach' THEN reach END AS results
        FROM figures
        ORDER BY date
    """


def _write_sums(cur: duckdb.DuckDBPyConnection, since: date, until: date) -> None:
    """The campaign level and the ad-days (temp `ad_days`, money in cents) of the days
    [since, until] as sums of their ad-level rows."""
    sums = ", ".join(f"sum({f})::BIGINT AS {f}" for f in FIGURES)
    days = {"since": since, "until": until}
    cur.execute(
        f"""
        INSERT INTO ad_insights_daily BY NAME
        SELECT ad_account_id, campaign_id, date, age, gender, {sums},
               sum(spend) AS spend, sum(conversion_value) AS conversion_value
        FROM ad_level_daily WHERE date BETWEEN $since AND $until
        GROUP BY ALL ORDER BY date, campaign_id
        """,
        days,
    )
    cur.execute(
        f"""
        INSERT INTO ad_days BY NAME
        SELECT ad_account_id, campaign_id, adset_id, ad_id, date, {sums},
               sum(spend * 100)::BIGINT AS spend_cents,
               sum(conversion_value * 100)::BIGINT AS value_cents
        FROM ad_level_daily WHERE date BETWEEN $since AND $until
        GROUP BY ALL ORDER BY date, ad_id
        """,
        days,
    )


def _write_detail(cur: duckdb.DuckDBPyConnection, s: int) -> date:
    """The ad level and the campaign level, CHUNK_DAYS days per statement in date order.
    Returns the last day with data."""
    cur.execute(
        "CREATE TEMP TABLE ad_cells AS "
        "SELECT *, row_number() OVER (ORDER BY age, gender) AS cell FROM cells;"
        "CREATE TEMP TABLE ad_days (ad_account_id VARCHAR, campaign_id VARCHAR, "
        "adset_id VARCHAR, ad_id VARCHAR, date DATE, impressions BIGINT, reach BIGINT, "
        "clicks BIGINT, link_clicks BIGINT, conversions BIGINT, results BIGINT, "
        "spend_cents BIGINT, value_cents BIGINT)"
    )
    for start in range(0, DAYS, CHUNK_DAYS):
        since = FIRST_DAY + timedelta(days=start)
        until = min(LAST_DAY, since + timedelta(days=CHUNK_DAYS - 1))
        cur.execute(f"INSERT INTO ad_level_daily BY NAME {_detail_sql(s, since, until)}")
        _write_sums(cur, since, until)
    row = cur.execute("SELECT max(date) FROM ad_days").fetchone()
    assert row is not None
    return row[0] or LAST_DAY


def _plan_placements(cur: duckdb.DuckDBPyConnection, s: int) -> None:
    """Temp table `ad_placements`: each ad's PLACEMENTS_PER_AD placements with integer
    weights, and the running sums (`upto`, `before`) that cumulative rounding splits by."""
    cur.execute(
        f"""
        CREATE TEMP TABLE ad_placements AS
        WITH chosen AS (
            SELECT a.ad_id, a.n, p.*
            FROM ad_plan AS a, (VALUES {_values(PLACEMENTS)})
                AS p(publisher_platform, platform_position, impression_device, base)
            QUALIFY row_number() OVER (
                PARTITION BY a.ad_id ORDER BY hash(a.n, p.impression_device,
                p.platform_position, {s + 60})) <= {PLACEMENTS_PER_AD}
        ), weighted AS (
            SELECT *, CAST(base * (0.5 + {_u("n, platform_position, impression_device", s + 61)})
                           AS BIGINT) + 1 AS weight
            FROM chosen
        )
        SELECT ad_id, publisher_platform, platform_position, impression_device,
               sum(weight) OVER (PARTITION BY ad_id ORDER BY publisher_platform,
                   platform_position, impression_device) AS upto,
               upto - weight AS before,
               sum(weight) OVER (PARTITION BY ad_id) AS whole
        FROM weighted
        """
    )


def _write_placements(cur: duckdb.DuckDBPyConnection, s: int) -> None:
    """Each ad-day split over its ad's placements with cumulative rounding: part k of a
    total T is round(T * upto_k / whole) - round(T * before_k / whole), so the parts add up
    to T exactly. Clicks are split by the running impressions, link clicks by the running
    clicks and reach by the running impressions, so none exceeds what it is part of."""
    _plan_placements(cur, s)
    cur.execute(
        "CREATE TEMP MACRO part_of(total, upto, whole) AS "
        "CASE WHEN whole = 0 THEN 0 ELSE (2 * total * upto + whole) // (2 * whole) END"
    )
    split = {f: f for f in ("spend_cents", "value_cents", "conversions", "results")}
    by_weight = ", ".join(
        f"part_of({f}, upto, whole) - part_of({f}, before, whole) AS {f}_part" for f in split
    )
    cur.execute(
        f"""
        INSERT INTO ad_level_placement_daily BY NAME
        WITH running AS (
            SELECT d.*, a.result_type,
                   p.publisher_platform, p.platform_position, p.impression_device,
                   part_of(impressions, upto, whole) AS i1,
                   part_of(impressions, before, whole) AS i0, {by_weight}
            FROM ad_days AS d
            JOIN ad_placements AS p USING (ad_id)
            JOIN ad_plan AS a USING (ad_id)
        ), clicked AS (
            SELECT *, part_of(clicks, i1, impressions) AS c1,
                   part_of(clicks, i0, impressions) AS c0
            FROM running
        ), parts AS (
            SELECT *, i1 - i0 AS impressions_part, c1 - c0 AS clicks_part,
                   part_of(reach, i1, impressions) - part_of(reach, i0, impressions)
                       AS reach_part,
                   part_of(link_clicks, c1, clicks) - part_of(link_clicks, c0, clicks)
                       AS link_clicks_part
            FROM clicked
        )
        SELECT ad_account_id, campaign_id, adset_id, ad_id, date,
               publisher_platform, platform_position, impression_device,
               (spend_cents_part::DECIMAL(18, 2) * 0.01)::DECIMAL(18, 2) AS spend,
               impressions_part AS impressions, reach_part AS reach, clicks_part AS clicks,
               link_clicks_part AS link_clicks, conversions_part AS conversions,
               (value_cents_part::DECIMAL(18, 2) * 0.01)::DECIMAL(18, 2) AS conversion_value,
               CASE result_type
                   WHEN 'purchase' THEN conversions_part
                   WHEN 'link_click' THEN link_clicks_part
                   WHEN 'reach' THEN reach_part
                   ELSE results_part END AS results
        FROM parts
        ORDER BY date, ad_id
        """
    )


def _write_period_reach(cur: duckdb.DuckDBPyConnection, s: int, anchor: date) -> None:
    """Reach of each campaign, ad set and ad with delivery in each preset period ending on
    `anchor` (the ingest's periods): the period's impressions, a frequency of 1.2-4."""
    periods = _values((f"{since}", f"{until}") for since, until in reach_periods(anchor))
    cur.execute(
        f"""
        INSERT INTO ad_period_reach BY NAME
        WITH periods AS (
            SELECT since::DATE AS since, until::DATE AS until
            FROM (VALUES {periods}) AS p(since, until)
        ), levels AS (
            SELECT l.level,
                   CASE l.level WHEN 'campaign' THEN campaign_id WHEN 'adset' THEN adset_id
                                ELSE ad_id END AS object_id,
                   ad_account_id, since, until, sum(impressions)::BIGINT AS impressions
            FROM ad_days, periods, (VALUES ('campaign'), ('adset'), ('ad')) AS l(level)
            WHERE date BETWEEN since AND until
            GROUP BY ALL
            HAVING sum(impressions) > 0
        ), reached AS (
            SELECT *, greatest(1, CAST(floor(impressions
                       / (1.2 + 2.8 * {_u("object_id, since, until", s + 70)})) AS BIGINT))
                       AS reach
            FROM levels
        )
        SELECT level, object_id, ad_account_id, since, until, reach, impressions,
               impressions / reach AS frequency, now() AS read_at
        FROM reached
        ORDER BY level, since, object_id
        """
    )


def _count(cur: duckdb.DuckDBPyConnection, table: str) -> int:
    row = cur.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


COUNTED = (
    "ad_campaigns",
    "ad_sets",
    "ads",
    "ad_creatives",
    "ad_level_daily",
    "ad_level_placement_daily",
    "ad_insights_daily",
    "ad_period_reach",
    "ig_accounts",
    "ig_media",
)


def generate(path: Path | str, ad_level_rows: int, posts: int, seed: int = 1) -> dict[str, int]:
    """Write a new store at `path` (which must not exist) with at least `ad_level_rows`
    rows in ad_level_daily and `posts` rows in ig_media. Returns the row count of each
    table."""
    target = Path(path)
    if target.exists():  # never replace a store that may hold someone's data
        raise StoreError(f"{target} exists already; pick a new path for the synthetic store.")
    s = seed * 1000
    with Store(target) as store, store.transaction() as cur:
        create_cells(cur)
        _plan_campaigns(cur, ad_level_rows, s)
        _write_campaigns(cur, s)
        _write_ad_sets(cur, s)
        _write_creatives(cur, seed)
        anchor = _write_detail(cur, s)
        _write_placements(cur, s)
        store.refresh_rollups(cur)  # of the campaign level, the ad level and the placements
        _write_period_reach(cur, s, anchor)
        write_instagram(cur, posts, seed)
        cur.execute(
            "INSERT INTO ingest_runs (source, started_at, finished_at, status, rows_written) "
            "SELECT 'ad-scale-demo', now(), now(), 'succeeded', "
            "(SELECT count(*) FROM ad_level_daily) + (SELECT count(*) FROM ig_media)"
        )
        return {table: _count(cur, table) for table in COUNTED}
