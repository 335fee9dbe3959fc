"""The synthetic large stores used by the speed benchmarks (campaign level and ad level):
sizes, sanity, sums that add up, the pages on them, no overwrite."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pandas as pd
import pytest

from insights.demo import ad_scale
from insights.demo import scale as scale_data
from insights.errors import StoreError
from insights.figures import ad_drill, overview
from insights.figures.filters import Filters
from insights.figures.periods import reach_periods
from insights.store.database import Store
from tests import rollups


def test_sizes_shapes_and_the_dashboard_on_it(tmp_path):
    path = tmp_path / "big.duckdb"
    counts = scale_data.generate(path, 30_000, 3_000)
    assert counts["ad_insights_daily"] >= 30_000
    assert counts["ig_media"] == 3_000
    con = duckdb.connect(str(path), read_only=True)
    first, last, bad, cells = con.execute(
        "SELECT min(date), max(date), count(*) FILTER (clicks > impressions OR spend < 0), "
        "count(DISTINCT (age, gender)) FROM ad_insights_daily"
    ).fetchone()
    assert last <= scale_data.LAST_DAY and (last - first).days < scale_data.DAYS
    assert bad == 0 and cells == scale_data.CELLS
    since = scale_data.LAST_DAY - timedelta(days=27)
    spend = con.execute(
        "SELECT sum(spend) FROM ad_insights_daily WHERE date >= ?", [since]
    ).fetchone()[0]
    con.close()
    with Store(path, read_only=True) as store, store.cursor() as cur:
        kpis = overview.kpi_table(cur, Filters(since, scale_data.LAST_DAY))
        assert rollups.in_step(cur)
    shown = kpis.set_index("metric")["value"]["spend"]
    assert shown == pytest.approx(float(spend), abs=0.005)


def test_it_never_replaces_an_existing_file(tmp_path):
    path = tmp_path / "mine.duckdb"
    path.write_bytes(b"precious")
    with pytest.raises(StoreError, match="exists"):
        scale_data.generate(path, 1_000, 100)
    assert path.read_bytes() == b"precious"


# -- the ad-level store (ad_scale) ---------------------------------------------------------------

AD_ROWS, AD_POSTS = 150_000, 2_000
MONEY = ("spend", "conversion_value")
COUNTS = ("impressions", "reach", "clicks", "link_clicks", "conversions", "results")


@pytest.fixture(scope="module")
def ad_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("ad_scale") / "ads.duckdb"
    counts = ad_scale.generate(path, AD_ROWS, AD_POSTS)
    return path, counts


def _frame(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _cents(frame: pd.DataFrame) -> pd.DataFrame:
    """Money as integer cents, so sums compare exactly."""
    for column in MONEY:  # DuckDB hands DECIMAL to pandas as float64
        frame[column] = (frame[column] * 100).round().astype("int64")
    return frame


def test_the_ad_level_store_has_the_rows_asked_for(ad_store):
    path, counts = ad_store
    assert counts["ad_level_daily"] >= AD_ROWS and counts["ig_media"] == AD_POSTS
    detail = _frame(path, "SELECT * FROM ad_level_daily")
    assert len(detail) == counts["ad_level_daily"]
    assert len(detail.groupby(["age", "gender"])) == 18
    cells = detail.groupby(["ad_id", "date"]).size()
    assert (cells == 18).all()  # every ad-day has its 18 age x gender cells
    assert (detail["clicks"] <= detail["impressions"]).all()
    assert (detail["link_clicks"] <= detail["clicks"]).all()
    assert (detail["reach"] <= detail["impressions"]).all()
    assert detail["date"].is_monotonic_increasing  # written in date order
    ads = _frame(path, "SELECT * FROM ads")
    sets = _frame(path, "SELECT * FROM ad_sets")
    assert (
        1
        <= sets.groupby("campaign_id").size().min()
        <= sets.groupby("campaign_id").size().max()
        <= 4
    )
    assert 2 <= ads.groupby("adset_id").size().min() <= ads.groupby("adset_id").size().max() <= 5


def test_the_campaign_level_is_the_sum_of_its_ads_to_the_cent(ad_store):
    path, _ = ad_store
    sums = ", ".join(f"sum({c}) AS {c}" for c in (*MONEY, *COUNTS))
    differ = " OR ".join(f"a.{c} IS DISTINCT FROM c.{c}" for c in (*MONEY, *COUNTS))
    con = duckdb.connect(str(path), read_only=True)
    wrong = con.execute(
        f"WITH a AS (SELECT campaign_id, date, age, gender, {sums} FROM ad_level_daily "
        "GROUP BY campaign_id, date, age, gender) "
        "SELECT count(*) FROM a FULL OUTER JOIN ad_insights_daily AS c "
        f"USING (campaign_id, date, age, gender) WHERE {differ}"
    ).fetchone()[0]
    con.close()
    assert wrong == 0
    with Store(path, read_only=True) as store, store.cursor() as cur:
        assert rollups.in_step(cur)


def test_each_ad_days_placements_add_up_to_it(ad_store):
    path, _ = ad_store
    keys = ["ad_id", "date"]
    figures = [*MONEY, *COUNTS]
    detail = _cents(_frame(path, "SELECT * FROM ad_level_daily")).groupby(keys)[figures].sum()
    placed = _cents(_frame(path, "SELECT * FROM ad_level_placement_daily"))
    per_day = placed.groupby(keys).size()
    assert per_day.min() >= 6 and per_day.max() <= 10  # about 8 placements an ad-day
    assert (placed["clicks"] <= placed["impressions"]).all()
    summed = placed.groupby(keys)[figures].sum()
    assert summed.index.equals(detail.index)
    assert (summed == detail).all().all()


def test_every_ad_has_its_ad_set_creative_and_thumbnail(ad_store):
    path, counts = ad_store
    ads = _frame(
        path,
        "SELECT a.ad_id, s.adset_id AS the_set, s.campaign_id = a.campaign_id AS same, "
        "c.thumbnail, c.thumbnail_type FROM ads AS a LEFT JOIN ad_sets AS s USING (adset_id) "
        "LEFT JOIN ad_creatives AS c USING (creative_id)",
    )
    assert len(ads) == counts["ads"] > 0
    assert ads["the_set"].notna().all() and ads["same"].all()
    assert all(bytes(t).startswith(b"\x89PNG") for t in ads["thumbnail"])
    assert (ads["thumbnail_type"] == "image/png").all()
    with_rows = _frame(path, "SELECT DISTINCT ad_id FROM ad_level_daily")
    assert set(with_rows["ad_id"]) == set(ads["ad_id"])


def test_period_reach_is_below_the_periods_impressions(ad_store):
    path, _ = ad_store
    detail = _frame(path, "SELECT * FROM ad_level_daily")
    detail["date"] = detail["date"].dt.date
    stored = _frame(path, "SELECT * FROM ad_period_reach")
    stored["since"], stored["until"] = stored["since"].dt.date, stored["until"].dt.date
    periods = set(reach_periods(detail["date"].max()))
    assert set(zip(stored["since"], stored["until"], strict=True)) == periods
    assert set(stored["level"]) == {"campaign", "adset", "ad"}
    assert (stored["reach"] < stored["impressions"]).all()
    assert (stored["impressions"] / stored["reach"]).between(1.2, 4.01).all()
    for level, column in (("campaign", "campaign_id"), ("adset", "adset_id"), ("ad", "ad_id")):
        for since, until in periods:
            days = detail[(detail["date"] >= since) & (detail["date"] <= until)]
            expected = days.groupby(column)["impressions"].sum()
            got = stored[(stored["level"] == level) & (stored["since"] == since)]
            got = got[got["until"] == until].set_index("object_id")["impressions"]
            assert got.to_dict() == expected[expected > 0].to_dict()


def test_the_ads_page_shows_the_ad_sets_spend_of_the_last_28_days(ad_store):
    path, _ = ad_store
    detail = _frame(path, "SELECT * FROM ad_level_daily")
    until = detail["date"].max()
    since = until - pd.Timedelta(days=27)
    recent = detail[detail["date"] >= since]
    expected = recent.groupby("adset_id")["spend"].sum().map(float)
    with Store(path, read_only=True) as store, store.cursor() as cur:
        table = ad_drill.ad_set_table(cur, Filters(since.date(), until.date()))
    shown = table.set_index("adset_id")["spend"]
    assert sorted(shown.index) == sorted(expected.index)
    assert shown.sort_index().tolist() == pytest.approx(expected.sort_index().tolist(), abs=0.005)


def test_the_placements_read_from_their_rollup_equal_the_rows_by_ad(ad_store):
    # with no ad set or ad picked the page reads the per-campaign rollup of the placement
    # rows; the same figures summed here from the rows by ad, for all ads and for one campaign
    path, _ = ad_store
    rows = _frame(path, "SELECT * FROM ad_level_placement_daily")
    until = rows["date"].max()
    since = until - pd.Timedelta(days=27)
    keys = ["publisher_platform", "platform_position", "impression_device"]
    campaign = str(rows["campaign_id"].min())
    with Store(path, read_only=True) as store, store.cursor() as cur:
        for picked in (None, campaign):
            recent = rows[
                (rows["date"] >= since) & ((picked is None) | (rows["campaign_id"] == picked))
            ]
            expected = recent.groupby(keys)[["spend", "impressions", "clicks"]].sum()
            shown = ad_drill.placements(cur, Filters(since.date(), until.date()), picked)
            got = shown.set_index(keys)[["spend", "impressions", "clicks"]].sort_index()
            assert got.index.equals(expected.sort_index().index)
            assert got["impressions"].tolist() == expected.sort_index()["impressions"].tolist()
            assert got["spend"].tolist() == pytest.approx(
                expected.sort_index()["spend"].tolist(), abs=0.005
            )


def test_the_ad_level_store_never_replaces_an_existing_file(tmp_path):
    path = tmp_path / "mine.duckdb"
    path.write_bytes(b"precious")
    with pytest.raises(StoreError, match="exists"):
        ad_scale.generate(path, 1_000, 100)
    assert path.read_bytes() == b"precious"
