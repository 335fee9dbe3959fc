"""The page computations: date presets, comparison periods, trend grains, rolling ratios."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from insights.figures import campaigns, overview
from insights.figures.filters import PRESET_KINDS, Filters, preset_range
from insights.store.database import Store
from tests.conftest import campaigns_in, currency_of


def test_presets():
    anchor = date(2026, 3, 15)
    assert preset_range("last_7", anchor) == (date(2026, 3, 9), anchor)
    assert preset_range("last_28", anchor) == (date(2026, 2, 16), anchor)
    assert preset_range("this_month", anchor) == (date(2026, 3, 1), anchor)
    assert preset_range("last_month", anchor) == (date(2026, 2, 1), date(2026, 2, 28))
    assert preset_range("last_30", anchor) == (date(2026, 2, 14), anchor)
    assert preset_range("ytd", anchor) == (date(2026, 1, 1), anchor)
    assert preset_range("yesterday", anchor) == (anchor, anchor)  # data ends before today
    today = date.today()
    yesterday = today - timedelta(days=1)
    assert preset_range("yesterday", today) == (yesterday, yesterday)  # today is not over
    with pytest.raises(ValueError):
        preset_range("forever", anchor)


def test_comparison_periods():
    f = Filters(date(2026, 3, 1), date(2026, 3, 28))
    assert f.comparison_range() == (date(2026, 2, 1), date(2026, 2, 28))
    leap = Filters(date(2024, 2, 29), date(2024, 3, 5), compare="last_year")
    assert leap.comparison_range() == (date(2023, 2, 28), date(2023, 3, 5))
    assert Filters(date(2026, 3, 1), date(2026, 3, 2), compare="none").comparison_range() is None


@pytest.mark.parametrize(
    ("preset", "anchor", "expected"),
    [
        # month to date against the same days of the month before, not the days just before
        ("this_month", date(2026, 11, 22), (date(2026, 10, 1), date(2026, 10, 22))),
        ("this_month", date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
        # a whole month against the whole month before (31 against 30 days)
        ("last_month", date(2026, 11, 22), (date(2026, 9, 1), date(2026, 9, 30))),
        ("last_month", date(2026, 3, 10), (date(2026, 1, 1), date(2026, 1, 31))),
        ("ytd", date(2026, 11, 22), (date(2025, 1, 1), date(2025, 11, 22))),
        ("ytd", date(2024, 2, 29), (date(2023, 1, 1), date(2023, 2, 28))),
        ("last_28", date(2026, 11, 22), (date(2026, 9, 28), date(2026, 10, 25))),
    ],
)
def test_calendar_presets_compare_with_the_same_calendar_span(preset, anchor, expected):
    since, until = preset_range(preset, anchor)
    kind = PRESET_KINDS.get(preset, "days")
    assert Filters(since, until, period_kind=kind).comparison_range() == expected


@pytest.fixture
def store(demo_store_copy):
    with Store(demo_store_copy) as opened:
        yield opened


@pytest.mark.parametrize("grain,freq", [("day", "D"), ("week", "W-MON"), ("month", "MS")])
def test_trend_grains_match_pandas(store, raw, demo_range, grain, freq):
    until = demo_range[1]
    since = until - timedelta(days=120)
    with store.cursor() as cur:
        series = overview.trend(cur, Filters(since, until), grain)
        by_currency = {
            c: overview.trend(cur, Filters(since, until, campaign_ids=campaigns_in(raw, c)), grain)
            for c in ("USD", "EUR")
        }
    ads = raw["ad_insights_daily"].copy()
    ads = ads[(ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())]
    ads["day"] = pd.to_datetime(ads["date"])
    ads["clicks"] = ads["clicks"].astype(int)
    ads["spend"] = ads["spend"].map(Decimal)
    ads["currency"] = ads["campaign_id"].map(currency_of(raw))
    key = ads["day"].dt.to_period({"day": "D", "week": "W-SUN", "month": "M"}[grain]).dt.start_time
    expected = ads.groupby(key).agg(clicks=("clicks", "sum"))
    got = series.set_index("period")
    assert got.index.is_monotonic_increasing and got.index.is_unique
    for period, row in expected.iterrows():
        assert got.loc[period, "clicks"] == row["clicks"]
    assert got["clicks"].sum() == ads["clicks"].sum()
    # the view spans dollars and euros: no spend line adds them up
    assert sorted(series.attrs["currencies"]) == ["EUR", "USD"]
    assert got["spend"].isna().all() and got["roas"].isna().all()
    for currency, part in by_currency.items():  # one currency: its own spend, to the cent
        mine = ads[ads["currency"] == currency]
        spend = mine.groupby(key[mine.index])["spend"].sum()
        assert len(spend) > 0 and part.attrs["currencies"] == [currency]
        shown = part.set_index("period")
        for period, value in spend.items():
            assert shown.loc[period, "spend"] == pytest.approx(float(value), abs=0.005)
    # posts count on the UTC day they were published
    media = raw["ig_media"].copy()
    posted = pd.to_datetime(media["timestamp"], utc=True).dt.tz_localize(None)
    media = media[(posted >= pd.Timestamp(since)) & (posted < pd.Timestamp(until + timedelta(1)))]
    posted = posted[media.index]
    media["reach"] = media["reach"].astype(int)
    by_period = media.groupby(
        posted.dt.to_period({"day": "D", "week": "W-SUN", "month": "M"}[grain]).dt.start_time
    )
    expected_posts = by_period.agg(posts=("media_id", "size"), reach=("reach", "sum"))
    assert len(expected_posts) > 3
    for period, row in expected_posts.iterrows():
        assert got.loc[period, "posts"] == row["posts"], period
        assert got.loc[period, "post_reach"] == row["reach"], period
    assert got["posts"].sum() == len(media)
    del freq


def test_rolling_averages_sums_and_takes_ratios_of_rolling_sums():
    frame = pd.DataFrame(
        {
            "period": pd.date_range("2026-01-01", periods=8),
            "clicks": [1, 0, 0, 0, 0, 0, 99, 5],
            "impressions": [10, 0, 0, 0, 0, 0, 9990, 100],
            "spend": [7.0] * 7 + [14.0],
            "conversions": [0] * 8,
            "conversion_value": [0.0] * 8,
        }
    )
    out = overview.rolling(overview.with_metrics(frame), 7)
    assert pd.isna(out["ctr"].iloc[5])  # not a full window yet
    assert out["ctr"].iloc[6] == pytest.approx(100 / 10000)
    assert out["ctr"].iloc[7] == pytest.approx(104 / 10090)
    assert out["spend"].iloc[6] == pytest.approx(7.0)  # an average per day, not a 7-day sum
    assert out["spend"].iloc[7] == pytest.approx(8.0)
    assert out["clicks"].iloc[7] == pytest.approx(104 / 7)


def test_trend_with_rolling_starts_on_the_first_day(store, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=27)
    with store.cursor() as cur:
        usd = campaigns_in(raw, "USD")
        averaged = overview.trend_with_rolling(cur, Filters(since, until, campaign_ids=usd))
    assert averaged["period"].iloc[0] == pd.Timestamp(since)
    assert averaged["spend"].notna().all() and len(averaged) == 28
    ads = raw["ad_insights_daily"]
    ads = ads[ads["campaign_id"].isin(usd)]
    first = [(since - timedelta(days=i)).isoformat() for i in range(7)]
    window = ads[ads["date"].isin(first)]
    expected = float(sum(Decimal(v) for v in window["spend"])) / 7
    assert averaged["spend"].iloc[0] == pytest.approx(expected, abs=1e-6)


def test_campaign_table_ratios_are_ratios_of_sums(store, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=60)
    with store.cursor() as cur:
        table = campaigns.campaign_table(cur, Filters(since, until))
    ads = raw["ad_insights_daily"]
    ads = ads[(ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())]
    settings = raw["ad_campaigns"]
    objective = dict(zip(settings["campaign_id"], settings["objective"], strict=True))
    for cid, group in ads.groupby("campaign_id"):
        row = table.set_index("campaign_id").loc[cid]
        clicks, imps = group["clicks"].astype(int).sum(), group["impressions"].astype(int).sum()
        spend = sum(Decimal(v) for v in group["spend"])
        conv = group["purchases"].astype(int).sum()
        value = sum(Decimal(v) for v in group["purchase_value"])
        assert row["ctr"] == pytest.approx(clicks / imps)
        assert row["spend"] == pytest.approx(float(spend), abs=0.001)
        # a cost per purchase and a ROAS belong to the campaigns that sell only
        if conv and objective[cid] == "OUTCOME_SALES":
            assert row["cpa"] == pytest.approx(float(spend) / conv)
            assert row["roas"] == pytest.approx(float(value / spend))
        # (the store counts a lead campaign's leads as its results, not as purchases)
        else:
            assert pd.isna(row["cpa"])
        if objective[cid] != "OUTCOME_SALES":
            assert pd.isna(row["roas"])


def test_kpi_table_marks_good_news_by_direction(store, demo_range):
    until = demo_range[1]
    with store.cursor() as cur:
        kpis = overview.kpi_table(cur, Filters(until - timedelta(days=27), until))
    assert sorted(kpis.loc[kpis["group"] == "paid", "currency"].unique()) == ["EUR", "USD"]
    rows = kpis[kpis["currency"] == "USD"].set_index("metric")
    for key in ("cpa", "cpc", "cpm"):
        change = rows.loc[key, "change"]
        if pd.notna(change) and change != 0:
            assert rows.loc[key, "good"] == (change < 0)
    change = rows.loc["roas", "change"]
    if pd.notna(change) and change != 0:
        assert rows.loc["roas", "good"] == (change > 0)
    assert set(kpis["group"]) == {"paid", "organic"}


def test_objective_age_and_gender_filters_match_the_raw_rows(store, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=44)
    campaign_rows = raw["ad_campaigns"]
    objective = campaign_rows["objective"].value_counts().index[0]
    filters = Filters(
        since, until, objectives=(objective,), ages=("25-34", "35-44"), genders=("female",)
    )
    with store.cursor() as cur:
        found = overview.kpi_table(cur, filters)
        table = campaigns.campaign_table(cur, filters)
    ads = raw["ad_insights_daily"]
    wanted = set(campaign_rows.loc[campaign_rows["objective"] == objective, "campaign_id"])
    ads = ads[
        ads["date"].between(since.isoformat(), until.isoformat())
        & ads["campaign_id"].isin(wanted)
        & ads["age"].isin(["25-34", "35-44"])
        & (ads["gender"] == "female")
    ]
    assert not ads.empty
    ads = ads.assign(currency=ads["campaign_id"].map(currency_of(raw)))
    assert ads["currency"].nunique() == 2  # the objective runs in both accounts
    for currency, mine in ads.groupby("currency"):  # per currency, never added up
        kpis = found[(found["group"] == "paid") & (found["currency"] == currency)]
        kpis = kpis.set_index("metric")["value"]
        spend = sum(Decimal(v) for v in mine["spend"])
        assert Decimal(str(kpis["spend"])).quantize(Decimal("0.01")) == spend
        assert kpis["clicks"] == mine["clicks"].astype(int).sum()
        assert kpis["ctr"] == pytest.approx(
            mine["clicks"].astype(int).sum() / mine["impressions"].astype(int).sum()
        )
    assert set(table["campaign_id"]) == set(ads["campaign_id"])


def test_media_type_filter_narrows_posts_but_not_account_insights(store, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=89)
    with store.cursor() as cur:
        everything = overview.kpi_table(cur, Filters(since, until)).set_index("metric")["value"]
        reels = overview.kpi_table(cur, Filters(since, until, media_types=("VIDEO",))).set_index(
            "metric"
        )["value"]
    media = raw["ig_media"]
    day = pd.to_datetime(media["timestamp"], utc=True).dt.date
    videos = media[(day >= since) & (day <= until) & (media["media_type"] == "VIDEO")]
    assert 0 < reels["posts"] == len(videos) < everything["posts"]
    assert reels["post_reach"] == videos["reach"].astype(int).sum()
    assert reels["new_followers"] == everything["new_followers"]  # account-level: unchanged


def test_trend_view_is_the_trend_and_its_rolling_average_in_one_frame(store, demo_range):
    until = demo_range[1]
    filters = Filters(until - timedelta(days=40), until)
    with store.cursor() as cur:
        view = overview.trend_view(cur, filters, "day", 7)
        plain = overview.trend(cur, filters, "day")
        averaged = overview.trend_with_rolling(cur, filters, 7)
    assert view["period"].tolist() == plain["period"].tolist()
    for metric in ("spend", "ctr", "engagement_rate"):
        assert view[metric].to_numpy() == pytest.approx(plain[metric].to_numpy(), nan_ok=True)
        assert view[f"{metric}_avg"].to_numpy() == pytest.approx(
            averaged[metric].to_numpy(), nan_ok=True
        )
    with store.cursor() as cur:
        weekly = overview.trend_view(cur, filters, "week", 7)
        # the Overview draws the same view from the longer history its unusual days need
        history = overview.trend(
            cur, filters.with_range(filters.since - timedelta(56), until), "day"
        )
    assert not any(c.endswith("_avg") for c in weekly.columns)
    for window in (7, 0):
        drawn = overview.daily_view(history, filters.since, window)
        with store.cursor() as cur:
            expected = overview.trend_view(cur, filters, "day", window)
        pd.testing.assert_frame_equal(drawn, expected)
