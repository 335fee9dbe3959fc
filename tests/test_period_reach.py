"""Reach and frequency of whole periods (issue 18), ingested over real HTTP from the demo API
into a real DuckDB file: one row per campaign, ad set and ad for each preset period ending
on the last day of data, reach counted as unique people (never below the biggest day, never
above the sum of the days), impressions equal to the days' (pandas over the stored daily
rows), and a fault while reading them leaves the store exactly as it was."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from insights.api.client import RetryPolicy
from insights.demo.server import AdsFaults, DemoApi
from insights.errors import IngestError
from insights.figures import reach
from insights.figures.filters import Filters
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store
from tests.ads_exports import snapshot

TOKEN = "EAAB-period-reach-test-token"
FAST = RetryPolicy(
    max_retries=2,
    backoff_base_s=0.001,
    backoff_max_s=0.01,
    poll_initial_s=0.01,
    poll_max_s=0.05,
)
LEVELS = ("campaign", "adset", "ad")


def _settings(api: DemoApi) -> Settings:
    return Settings(
        source="graph",
        base_url=api.base_url,
        access_token=TOKEN,
        ig_user_ids=(),
        ad_account_ids=tuple(api.ad_account_ids),
    )


def _periods(last: date) -> set[tuple[date, date]]:
    """The presets' periods ending on `last`, written out here: the last 7, 28, 30 and 90
    days, the month to date and the whole month before."""
    first = last.replace(day=1)
    before = first - timedelta(days=1)
    days = {(last - timedelta(days=n - 1), last) for n in (7, 28, 30, 90)}
    return days | {(first, last), (before.replace(day=1), before)}


@pytest.fixture(scope="module")
def stored(demo_store_file):
    con = duckdb.connect(str(demo_store_file), read_only=True)
    try:
        periods = con.execute("SELECT * FROM ad_period_reach").df()
        daily = con.execute(
            "SELECT ad_id, adset_id, campaign_id, date, sum(reach) AS reach, "
            "sum(impressions) AS impressions FROM ad_level_daily GROUP BY ALL"
        ).df()
        last = con.execute("SELECT max(date) FROM ad_insights_daily").fetchone()[0]
    finally:
        con.close()
    periods["since"] = pd.to_datetime(periods["since"]).dt.date
    periods["until"] = pd.to_datetime(periods["until"]).dt.date
    daily["date"] = pd.to_datetime(daily["date"]).dt.date
    return periods, daily, last


def test_each_preset_period_has_reach_at_every_level(stored, raw):
    periods, daily, last = stored
    assert last == date.fromisoformat(raw["ad_insights_daily"]["date"].max())
    found = set(zip(periods["since"], periods["until"], strict=True))
    assert found == _periods(last)
    assert len(found) == 6
    for since, until in found:
        window = periods[(periods["since"] == since) & (periods["until"] == until)]
        assert set(window["level"]) == set(LEVELS)
        inside = daily[(daily["date"] >= since) & (daily["date"] <= until)]
        ads = window[window["level"] == "ad"]
        assert set(ads["object_id"]) == set(inside["ad_id"])  # every ad that delivered
        assert set(window.loc[window["level"] == "adset", "object_id"]) == set(inside["adset_id"])
        campaigns = set(window.loc[window["level"] == "campaign", "object_id"])
        assert campaigns == set(inside["campaign_id"])
    assert not periods.duplicated(["level", "object_id", "since", "until"]).any()
    assert periods["import_id"].isna().all()


def test_reach_is_unique_people_between_the_biggest_day_and_the_sum_of_days(stored):
    periods, daily, _ = stored
    checked = 0
    for (since, until), window in periods.groupby(["since", "until"]):
        inside = daily[(daily["date"] >= since) & (daily["date"] <= until)]
        per_ad = inside.groupby("ad_id").agg(
            most=("reach", "max"), total=("reach", "sum"), impressions=("impressions", "sum")
        )
        per_ad["days"] = inside[inside["reach"] > 0].groupby("ad_id")["date"].nunique()
        ads = window[window["level"] == "ad"].set_index("object_id")
        expected = per_ad.loc[ads.index]
        assert (ads["reach"] >= expected["most"]).all()
        assert (ads["reach"] <= expected["total"]).all()
        assert (ads["impressions"] == expected["impressions"]).all()
        several = expected["days"] > 1  # people seen on several days are counted once
        assert several.any() and (ads["reach"] < expected["total"])[several].all()
        ratio = window["impressions"] / window["reach"]
        assert ((window["frequency"] - ratio).abs() <= 1e-6 * ratio).all()
        assert (window["frequency"] >= 1).all()
        # a parent reaches at least its biggest child's people, at most all of them
        parents = inside.drop_duplicates("ad_id").set_index("ad_id")
        ads = ads.join(parents[["adset_id", "campaign_id"]])
        sets = window[window["level"] == "adset"].set_index("object_id")
        by_set = ads.groupby("adset_id")["reach"].agg(["max", "sum"]).loc[sets.index]
        assert (sets["reach"] >= by_set["max"]).all() and (sets["reach"] <= by_set["sum"]).all()
        campaigns = window[window["level"] == "campaign"].set_index("object_id")
        by_campaign = ads.groupby("campaign_id")["reach"].agg(["max", "sum"])
        by_campaign = by_campaign.loc[campaigns.index]
        assert (campaigns["reach"] >= by_campaign["max"]).all()
        assert (campaigns["reach"] <= by_campaign["sum"]).all()
        impressions = ads.groupby("campaign_id")["impressions"].sum().loc[campaigns.index]
        assert (campaigns["impressions"] == impressions).all()
        checked += len(ads)
    assert checked > 100


@pytest.fixture
def cur(demo_store_file):
    with Store(demo_store_file, read_only=True) as store, store.cursor() as cursor:
        yield cursor


def test_period_reach_of_a_preset_range_and_none_for_any_other(cur, stored):
    periods, _, last = stored
    since = last - timedelta(days=27)
    for level in LEVELS:
        found = reach.period_reach(cur, Filters(since, last), level)
        assert list(found.columns) == ["object_id", "reach", "impressions", "frequency"]
        assert all(found[c].dtype == "float64" for c in ("reach", "impressions", "frequency"))
        expected = periods[
            (periods["level"] == level) & (periods["since"] == since) & (periods["until"] == last)
        ].sort_values("object_id")
        assert list(found["object_id"]) == list(expected["object_id"]) and len(found) > 0
        assert list(found["reach"]) == [float(r) for r in expected["reach"]]
        # any other range, or an age or gender filter: no figure (never a sum of days)
        for other in (
            Filters(since + timedelta(days=1), last),
            Filters(since, last, ages=("25-34",)),
            Filters(since, last, genders=("female",)),
        ):
            empty = reach.period_reach(cur, other, level)
            assert empty.empty and list(empty.columns) == list(found.columns)
            assert all(empty[c].dtype == "float64" for c in ("reach", "impressions"))


def test_period_reach_follows_the_campaign_and_objective_filters(cur, stored):
    _, daily, last = stored
    since = last - timedelta(days=89)
    inside = daily[daily["date"] >= since]
    campaign = sorted(inside["campaign_id"])[0]
    picked = Filters(since, last, campaign_ids=(campaign,))
    ads = reach.period_reach(cur, picked, "ad")
    assert set(ads["object_id"]) == set(inside.loc[inside["campaign_id"] == campaign, "ad_id"])
    assert list(reach.period_reach(cur, picked, "campaign")["object_id"]) == [campaign]
    objectives = dict(cur.execute("SELECT campaign_id, objective FROM ad_campaigns").fetchall())
    leads = {c for c, o in objectives.items() if o == "OUTCOME_LEADS"}
    found = reach.period_reach(cur, Filters(since, last, objectives=("OUTCOME_LEADS",)), "adset")
    expected = set(inside.loc[inside["campaign_id"].isin(leads), "adset_id"])
    assert set(found["object_id"]) == expected and expected


def test_the_note_says_when_a_range_has_no_reach(cur, stored, tmp_path):
    _, _, last = stored
    assert reach.reach_note(cur, Filters(last - timedelta(days=6), last)) is None
    assert reach.reach_note(cur, Filters(last.replace(day=1), last)) is None
    other = reach.reach_note(cur, Filters(last - timedelta(days=10), last))
    assert other and "last 7, 28, 30 and 90 days" in other and "Pick one" in other
    assert f"(up to {last.day} {last:%b %Y})" in other
    by_age = reach.reach_note(cur, Filters(last - timedelta(days=6), last, ages=("18-24",)))
    assert by_age and "age" in by_age and by_age != other
    with Store(tmp_path / "empty.duckdb") as empty, empty.cursor() as fresh:
        none = reach.reach_note(fresh, Filters(last - timedelta(days=6), last))
        assert none and none not in (other, by_age) and "Refresh" in none
        assert reach.period_reach(fresh, Filters(last - timedelta(days=6), last), "ad").empty


def test_a_refresh_replaces_the_stored_periods(demo_store_copy, stored):
    _, _, last = stored
    earlier = last - timedelta(days=40)
    with Store(demo_store_copy) as store:
        with DemoApi(access_token=TOKEN) as api:
            result = run_ingest(
                store, _settings(api), retry=FAST, options=IngestOptions(until=earlier)
            )
        with store.cursor() as cur:
            found = set(cur.execute("SELECT DISTINCT since, until FROM ad_period_reach").fetchall())
            read = cur.execute("SELECT count(*) FROM ad_period_reach").fetchone()[0]
    assert result.status == "succeeded"
    assert found == _periods(earlier)  # the periods of the last refresh only: none linger
    assert result.rows_written["ad_period_reach"] == read


def test_a_fault_while_reading_reach_leaves_the_store_as_it_was(demo_store_copy):
    with Store(demo_store_copy) as store:
        before = snapshot(store)
        assert before["ad_period_reach"]
        faults = AdsFaults(failing_all_days=True)
        with (
            DemoApi(access_token=TOKEN, ads_faults=faults) as api,
            pytest.raises(IngestError, match="kept failing"),
        ):
            run_ingest(store, _settings(api), retry=FAST)
        assert snapshot(store) == before  # the daily rows read before it were not written
        with store.cursor() as cur:
            status, error = cur.execute(
                "SELECT status, error FROM ingest_runs ORDER BY run_id DESC LIMIT 1"
            ).fetchone()
    assert status == "failed" and TOKEN not in error
