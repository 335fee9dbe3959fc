"""The Campaigns page's figures against the raw demo rows, and the rate-gap statistics
against cases whose answer is known."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from insights.figures import campaigns, overview
from insights.figures.filters import Filters
from insights.store.database import Store
from tests.conftest import campaigns_in, currency_of


@pytest.fixture
def store(demo_store_copy):
    with Store(demo_store_copy) as opened:
        yield opened


def _window(raw, since: date, until: date) -> pd.DataFrame:
    ads = raw["ad_insights_daily"].copy()
    ads = ads[ads["date"].between(since.isoformat(), until.isoformat())]
    for column in ("impressions", "clicks", "purchases"):
        ads[column] = ads[column].astype(int)
    ads["spend"] = ads["spend"].map(Decimal)
    ads["purchase_value"] = ads["purchase_value"].map(Decimal)
    ads["currency"] = ads["campaign_id"].map(currency_of(raw))
    return ads


def test_totals_row_is_sums_with_ratios_of_sums(store, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=29)
    with store.cursor() as cur:
        totals = campaigns.totals(campaigns.campaign_table(cur, Filters(since, until)))
        usd = campaigns_in(raw, "USD")
        one = campaigns.totals(
            campaigns.campaign_table(cur, Filters(since, until, campaign_ids=usd))
        )
    ads = _window(raw, since, until)
    settings = raw["ad_campaigns"]
    objective = dict(zip(settings["campaign_id"], settings["objective"], strict=True))
    ads["sells"] = ads["campaign_id"].map(objective) == "OUTCOME_SALES"
    # one total row per currency: dollars and euros are never added up
    assert list(totals["campaign_name"]) == ["Total EUR", "Total USD"]
    assert list(totals["currency"]) == ["EUR", "USD"]
    for total in totals.to_dict("records"):
        mine = ads[ads["currency"] == total["currency"]]
        spend = sum(mine["spend"])
        sales = mine[mine["sells"]]
        assert Decimal(f"{total['spend']:.2f}") == spend
        assert total["ctr"] == pytest.approx(mine["clicks"].sum() / mine["impressions"].sum())
        # CPA and ROAS over the campaigns that sell only
        sales_spend = float(sum(sales["spend"]))
        assert total["cpa"] == pytest.approx(sales_spend / sales["purchases"].sum())
        assert total["roas"] == pytest.approx(float(sum(sales["purchase_value"])) / sales_spend)
        assert total["roas"] != pytest.approx(float(sum(mine["purchase_value"]) / spend))
        assert total["cpa"] != pytest.approx(float(spend) / mine["purchases"].sum())
    assert list(one["campaign_name"]) == ["Total"] and list(one["currency"]) == ["USD"]


def test_daily_series_of_picked_campaigns(store, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=20)
    ads = _window(raw, since, until)
    top = ads.groupby("campaign_id")["spend"].sum().sort_values(ascending=False).index[:2]
    # a campaign that starts inside the range: its first days are empty, its day 0 is its first
    late = raw["ad_insights_daily"].groupby("campaign_id")["date"].min().sort_values().index[-1]
    first_day = date.fromisoformat(
        raw["ad_insights_daily"].query("campaign_id == @late")["date"].min()
    )
    span = Filters(first_day - timedelta(days=3), first_day + timedelta(days=6))
    with store.cursor() as cur:
        frame = campaigns.daily(cur, Filters(since, until), tuple(top))
        launch = campaigns.daily(cur, span, (late, top[0]))
    assert len(frame) == 2 * 21  # every day of the range for each campaign
    expected = ads[ads["campaign_id"].isin(top)].groupby(["campaign_id", "date"])["clicks"].sum()
    got = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).set_index(
        ["campaign_id", "date"]
    )["clicks"]
    assert got.loc[expected.index].tolist() == expected.tolist()
    rows = launch[launch["campaign_id"] == late].reset_index(drop=True)
    assert rows["day"].isna().sum() == 3 and rows.loc[3, "day"] == 0
    assert (rows.loc[:2, "spend"] == 0).all() and rows.loc[3, "spend"] > 0
    indexed = campaigns.indexed(launch, "spend")
    assert indexed.loc[indexed["day"] == 0, "index"].tolist() == [100.0, 100.0]
    # picked but silent in the range (it starts later): every day present, zero, no day 0
    before = Filters(first_day - timedelta(days=10), first_day - timedelta(days=1))
    with store.cursor() as cur:
        quiet = campaigns.daily(cur, before, (late, top[0]))
        alone = campaigns.daily(cur, before, (late,))
    for frame in (quiet, alone):
        rows = frame[frame["campaign_id"] == late]
        assert len(rows) == 10 and (rows["spend"] == 0).all() and rows["day"].isna().all()


def test_breakdown_by_age_and_gender(store, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=13)
    ads = _window(raw, since, until)
    picked = tuple(ads["campaign_id"].unique()[:3])
    with store.cursor() as cur:
        frame = campaigns.breakdown(cur, Filters(since, until, genders=("female",)), picked)
    mine = ads[ads["campaign_id"].isin(picked) & (ads["gender"] == "female")]
    expected = mine.groupby("age")[["clicks", "impressions"]].sum()
    got = frame.set_index("age")
    assert set(frame["gender"]) == {"female"}
    assert got["clicks"].astype(int).to_dict() == expected["clicks"].to_dict()
    for age, row in expected.iterrows():
        assert got.loc[age, "ctr"] == pytest.approx(row["clicks"] / row["impressions"])


@pytest.mark.parametrize("length", [1, 3, 6, 7, 8, 13, 14, 20, 45, 100])
def test_breakdown_is_exact_whatever_weekdays_the_range_starts_and_ends_on(
    store, raw, demo_range, length
):
    """Whole weeks come from the weekly rollup, the partial weeks at the ends from the detail:
    every start weekday, with and without filters, must give the detail's own sums."""
    settings = raw["ad_campaigns"]
    objective = settings["objective"].value_counts().index[0]
    of_objective = set(settings.loc[settings["objective"] == objective, "campaign_id"])
    with store.cursor() as cur:
        for shift in range(7):  # the range ends on each day of the week in turn
            until = demo_range[1] - timedelta(days=shift + 3)
            since = until - timedelta(days=length - 1)
            window = _window(raw, since, until)
            picked = tuple(sorted(window["campaign_id"].unique())[:4])
            cases = [
                (Filters(since, until), (), window),
                (Filters(since, until), picked, window[window["campaign_id"].isin(picked)]),
                (
                    Filters(since, until, objectives=(objective,), ages=("25-34", "65+")),
                    (),
                    window[
                        window["campaign_id"].isin(of_objective)
                        & window["age"].isin(["25-34", "65+"])
                    ],
                ),
            ]
            for filters, pick, rows in cases:
                frame = campaigns.breakdown(cur, filters, pick).set_index(["age", "gender"])
                expected = rows.groupby(["age", "gender"])[["spend", "clicks", "purchases"]].sum()
                assert len(frame) == len(expected), (since, until, filters)
                several = rows["currency"].nunique() > 1  # then no money is added up
                for cell, row in expected.iterrows():
                    got = frame.loc[cell]
                    if several:
                        assert pd.isna(got["spend"]) and pd.isna(got["cpm"])
                    else:
                        assert Decimal(f"{got['spend']:.2f}") == row["spend"], (since, cell)
                    assert got["clicks"] == row["clicks"], (since, until, cell)
                    assert got["conversions"] == row["purchases"], (since, until, cell)


def test_a_gender_filter_alone_gives_the_detail_sums(store, raw, demo_range):
    """With genders and no age group picked, the pages read the per-gender rollup."""
    until = demo_range[1]
    since = until - timedelta(days=40)
    genders = ("male", "unknown")
    filters = Filters(since, until, genders=genders)
    assert filters.paid_source == "ad_campaign_gender_daily_all"
    window = _window(raw, since, until)
    rows = window[window["gender"].isin(genders)]
    top = tuple(rows.groupby("campaign_id")["spend"].sum().sort_values().index[-2:])
    with store.cursor() as cur:
        table = campaigns.campaign_table(cur, filters).set_index("campaign_id")
        found = overview.kpi_table(cur, filters)
        series = campaigns.daily(cur, filters, top)
    per_campaign = rows.groupby("campaign_id")[["spend", "impressions", "clicks"]].sum()
    assert set(table.index) == set(per_campaign.index)
    for campaign, row in per_campaign.iterrows():
        assert Decimal(f"{table.loc[campaign, 'spend']:.2f}") == row["spend"]
        assert table.loc[campaign, "ctr"] == pytest.approx(row["clicks"] / row["impressions"])
    for currency, mine in rows.groupby("currency"):
        kpis = found[(found["group"] == "paid") & (found["currency"] == currency)]
        kpis = kpis.set_index("metric")["value"]
        assert Decimal(f"{kpis['spend']:.2f}") == sum(mine["spend"])
        assert kpis["impressions"] == mine["impressions"].sum()
    mine = rows[rows["campaign_id"].isin(top)].groupby(["campaign_id", "date"])["clicks"].sum()
    got = series.assign(date=series["date"].dt.strftime("%Y-%m-%d")).set_index(
        ["campaign_id", "date"]
    )["clicks"]
    assert got.loc[mine.index].tolist() == mine.tolist()
    assert got.drop(mine.index).eq(0).all()  # the other days of the range: nothing delivered


def _table(**rows: tuple[int, int, int]) -> pd.DataFrame:
    """A campaign table from (impressions, clicks, conversions) per campaign."""
    return pd.DataFrame(
        [
            {
                "campaign_id": k,
                "campaign_name": k.upper(),
                "impressions": i,
                "clicks": c,
                "conversions": v,
            }
            for k, (i, c, v) in rows.items()
        ]
    )


def test_a_large_gap_is_real_and_equal_rates_are_not():
    table = _table(a=(100_000, 3_000, 300), b=(100_000, 1_000, 100), c=(100_000, 3_000, 300))
    gaps = campaigns.rate_differences(table, ("a", "b", "c")).set_index(
        ["rate", "campaign_a", "campaign_b"]
    )
    assert len(gaps) == 6  # 3 pairs x 2 rates
    ab = gaps.loc[("ctr", "a", "b")]
    assert ab["difference"] == pytest.approx(0.02)
    # the interval from the textbook formula, computed here on its own
    se = math.sqrt(0.03 * 0.97 / 100_000 + 0.01 * 0.99 / 100_000)
    assert ab["ci_low"] == pytest.approx(0.02 - 1.96 * se, abs=1e-5)
    assert ab["verdict"] == "real gap"
    assert gaps.loc[("ctr", "a", "c"), "verdict"] == "could be chance"
    assert gaps.loc[("cvr", "a", "c"), "ci_low"] < 0 < gaps.loc[("cvr", "a", "c"), "ci_high"]
    assert gaps.loc[("cvr", "a", "b"), "verdict"] == "could be chance"  # 10% vs 10%


def test_thin_or_odd_data_gets_no_interval():
    table = _table(a=(1_000, 3, 1), b=(1_000, 50, 80), c=(0, 0, 0))
    gaps = campaigns.rate_differences(table, ("a", "b", "c")).set_index(
        ["rate", "campaign_a", "campaign_b"]
    )
    assert gaps.loc[("ctr", "a", "b"), "verdict"] == "too little data"
    assert gaps.loc[("cvr", "a", "b"), "verdict"] == "not a proportion"  # 80 of 50 clicks
    assert gaps.loc[("ctr", "a", "c"), "verdict"] == "no data"
    assert gaps["ci_low"].isna().all()


def test_noise_alone_is_rarely_called_real():
    """Pairs drawn from one true rate: about 5% of intervals may miss, not many more."""
    draws = np.random.default_rng(11).binomial(20_000, 0.02, size=(400, 2))
    real = 0
    for i in range(len(draws)):
        table = _table(a=(20_000, int(draws[i, 0]), 0), b=(20_000, int(draws[i, 1]), 0))
        verdict = campaigns.rate_differences(table, ("a", "b")).iloc[0]["verdict"]
        real += verdict == "real gap"
    assert real / 400 < 0.09
