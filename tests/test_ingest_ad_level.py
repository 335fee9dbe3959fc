"""The ad set and ad level ingested over real HTTP from the demo API: ad-level totals equal
the campaign totals equal the served data to the cent (pandas over the demo files), a second
ingest replaces its lookback window without duplicates, and a fault in the ad-level queries
leaves the store exactly as it was."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from insights.api.client import RetryPolicy
from insights.demo.server import AdsFaults, DemoApi
from insights.errors import IngestError
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store
from tests.ads_exports import snapshot
from tests.conftest import SAMPLE, served_ads

TOKEN = "EAAB-ad-level-test-token"
FAST = RetryPolicy(
    max_retries=3,
    backoff_base_s=0.001,
    backoff_max_s=0.01,
    poll_initial_s=0.01,
    poll_max_s=0.05,
)
FIGURES = ("spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value")
SUMS = ", ".join(f"sum({f}) AS {f}" for f in FIGURES)


def _settings(api: DemoApi) -> Settings:
    return Settings(
        source="graph",
        base_url=api.base_url,
        access_token=TOKEN,
        ig_user_ids=(),
        ad_account_ids=tuple(api.ad_account_ids),
    )


def _served(ads: pd.DataFrame, since: str = "") -> pd.DataFrame:
    """The served campaign rows summed per campaign and day, with exact numbers (pandas
    over the demo files; a row's purchases are its `purchase` actions, the default type)."""
    rows = ads[ads["date"] >= since]
    out = pd.DataFrame(
        {
            "campaign_id": rows["campaign_id"],
            "date": rows["date"],
            "spend": rows["spend"].map(Decimal),
            "impressions": rows["impressions"].astype(int),
            "clicks": rows["clicks"].astype(int),
            "link_clicks": rows["link_clicks"].astype(int),
            "conversions": rows["purchases"].astype(int),
            "conversion_value": rows["purchase_value"].map(Decimal),
        }
    )
    return out.groupby(["campaign_id", "date"])[list(FIGURES)].sum().sort_index()


def _stored(con: duckdb.DuckDBPyConnection, table: str, since: str = "") -> pd.DataFrame:
    frame = con.execute(
        f"SELECT campaign_id, strftime(date, '%Y-%m-%d') AS date, {SUMS} FROM {table} "
        "WHERE date >= $since::DATE GROUP BY ALL",
        {"since": since or "1900-01-01"},
    ).df()
    for column in ("spend", "conversion_value"):
        frame[column] = [Decimal(str(v)).quantize(Decimal("0.01")) for v in frame[column]]
    for column in ("impressions", "clicks", "link_clicks", "conversions"):
        frame[column] = frame[column].astype(int)
    return frame.set_index(["campaign_id", "date"])[list(FIGURES)].sort_index()


def _reach(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    return dict(
        con.execute(
            f"SELECT campaign_id || ' ' || date, sum(reach) FROM {table} "
            "WHERE reach IS NOT NULL GROUP BY ALL"
        ).fetchall()
    )


def test_ad_level_totals_equal_the_campaigns_and_the_served_rows(demo_store_file, raw):
    expected = _served(raw["ad_insights_daily"])
    con = duckdb.connect(str(demo_store_file), read_only=True)
    try:
        campaign = _stored(con, "ad_insights_daily")
        by_age = _stored(con, "ad_level_daily")
        by_placement = _stored(con, "ad_level_placement_daily")
        reach = [_reach(con, t) for t in ("ad_insights_daily", "ad_level_daily")]
        placement_reach = _reach(con, "ad_level_placement_daily")
        ads_per_campaign = con.execute(
            "SELECT campaign_id, count(DISTINCT ad_id) FROM ad_level_daily GROUP BY ALL"
        ).fetchall()
    finally:
        con.close()
    pd.testing.assert_frame_equal(campaign, expected)
    pd.testing.assert_frame_equal(by_age, expected)
    pd.testing.assert_frame_equal(by_placement, expected)
    assert reach[0] == reach[1] == placement_reach and len(reach[0]) > 0
    assert {n for _, n in ads_per_campaign} == {4}  # every campaign's ads, deleted ones too
    assert len(ads_per_campaign) == raw["ad_campaigns"]["campaign_id"].nunique()


def test_ad_sets_ads_and_creatives_with_their_pictures(demo_store_file, raw):
    campaigns = raw["ad_campaigns"]
    con = duckdb.connect(str(demo_store_file), read_only=True)
    try:
        ad_sets = con.execute(
            "SELECT campaign_id, daily_budget, targeting_summary, attribution_setting FROM ad_sets"
        ).df()
        ads = con.execute("SELECT ad_id, adset_id, campaign_id, creative_id FROM ads").df()
        pictures = con.execute(
            "SELECT creative_id, thumbnail, thumbnail_type, call_to_action, destination_url "
            "FROM ad_creatives"
        ).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM ad_level_daily LEFT JOIN ads USING (ad_id) "
            "WHERE ads.ad_id IS NULL"
        ).fetchone()
    finally:
        con.close()
    assert sorted(ad_sets["campaign_id"]) == sorted(list(campaigns["campaign_id"]) * 2)
    # budgets in the major unit: a daily-budget campaign's ad sets share its budget exactly
    for row in campaigns.itertuples():
        mine = ad_sets[ad_sets["campaign_id"] == row.campaign_id]
        if row.daily_budget:
            assert sum(mine["daily_budget"]) == Decimal(row.daily_budget) / 100
        else:
            assert mine["daily_budget"].isna().all()
    assert ad_sets["targeting_summary"].str.contains("ages 18-65+").all()
    assert set(ad_sets["attribution_setting"]) == {"7d_click_1d_view"}
    assert len(ads) == 4 * len(campaigns) and orphans == (0,)
    assert set(ads["creative_id"]) == {p[0] for p in pictures}
    for creative_id, picture, kind, action, link in pictures:
        bundled = (SAMPLE / "thumbnails" / f"{creative_id}.png").read_bytes()
        assert (picture, kind) == (bundled, "image/png")  # a copy: the page works offline
        assert action and link.startswith("https://")


def test_a_second_ingest_replaces_its_lookback_without_duplicates(demo_store_copy, demo_range):
    with Store(demo_store_copy) as store:
        with store.cursor() as cur:
            before = {
                t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("ad_level_daily", "ad_level_placement_daily", "ads", "ad_creatives")
            }
        with DemoApi(access_token=TOKEN, restatement_epoch=1) as api:
            restated = served_ads(
                api.dataset.ad_insights_daily.astype(str), api.dataset.ad_campaigns
            )
            result = run_ingest(
                store, _settings(api), retry=FAST, options=IngestOptions(until=demo_range[1])
            )
        assert result.status == "succeeded"
        since = (demo_range[1] - timedelta(days=60)).isoformat()
        expected = _served(restated, since)
        with store.cursor() as cur:
            after = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
            for table in ("ad_insights_daily", "ad_level_daily", "ad_level_placement_daily"):
                pd.testing.assert_frame_equal(_stored(cur, table, since), expected, obj=table)
    assert after == before  # the same rows, replaced: none added twice
    assert result.rows_written["ad_level_daily"] > 0


def test_a_store_from_before_the_ad_level_gets_its_history(demo_store_copy, demo_range, raw):
    with Store(demo_store_copy) as store:
        with store.transaction() as cur:  # as a store written before the ad level existed
            cur.execute("DELETE FROM ad_level_daily")
            cur.execute("DELETE FROM ad_level_placement_daily")
        with DemoApi(access_token=TOKEN) as api:
            result = run_ingest(
                store, _settings(api), retry=FAST, options=IngestOptions(until=demo_range[1])
            )
        expected = _served(raw["ad_insights_daily"])
        with store.cursor() as cur:
            for table in ("ad_insights_daily", "ad_level_daily", "ad_level_placement_daily"):
                pd.testing.assert_frame_equal(_stored(cur, table), expected, obj=table)
    assert result.status == "succeeded"


@pytest.mark.parametrize("broken", [True, False], ids=["expired-links", "links-work"])
def test_thumbnails_missing_from_the_store_are_read_and_failures_noted(demo_store_copy, broken):
    with Store(demo_store_copy) as store:
        with store.transaction() as cur:
            lost = [
                r[0]
                for r in cur.execute(
                    "SELECT creative_id FROM ad_creatives ORDER BY creative_id LIMIT 3"
                ).fetchall()
            ]
            cur.execute(
                "UPDATE ad_creatives SET thumbnail = NULL WHERE list_contains($ids, creative_id)",
                {"ids": lost},
            )
            kept = cur.execute(
                "SELECT count(*) FROM ad_creatives WHERE thumbnail IS NOT NULL"
            ).fetchone()[0]
        with DemoApi(access_token=TOKEN, ads_faults=AdsFaults(broken_thumbnails=broken)) as api:
            result = run_ingest(store, _settings(api), retry=FAST)
        with store.cursor() as cur:
            pictures = dict(
                cur.execute(
                    "SELECT creative_id, thumbnail FROM ad_creatives WHERE thumbnail IS NOT NULL"
                ).fetchall()
            )
    skipped = [n.message for n in result.notes if n.kind == "skipped"]
    assert result.status == "succeeded"  # a picture is not worth failing a refresh
    if broken:
        assert len(pictures) == kept and not set(lost) & set(pictures)
        assert sorted(m.split()[4] for m in skipped) == lost  # each named
        assert all("HTTP 404" in m for m in skipped)
    else:
        assert len(pictures) == kept + len(lost) and not skipped
        for creative_id in lost:  # read again from the CDN address
            assert (
                pictures[creative_id] == (SAMPLE / "thumbnails" / f"{creative_id}.png").read_bytes()
            )


@pytest.mark.parametrize("level", ["ad", "campaign"])
def test_a_fault_in_the_ad_level_queries_leaves_the_store_as_it_was(demo_store_copy, level):
    with Store(demo_store_copy) as store:
        before = snapshot(store)
        faults = AdsFaults(failing_level=level)
        with (
            DemoApi(access_token=TOKEN, ads_faults=faults) as api,
            pytest.raises(IngestError, match="kept failing"),
        ):
            run_ingest(store, _settings(api), retry=FAST)
        assert snapshot(store) == before
        with store.cursor() as cur:
            status, error = cur.execute(
                "SELECT status, error FROM ingest_runs ORDER BY run_id DESC LIMIT 1"
            ).fetchone()
    assert status == "failed" and TOKEN not in error
