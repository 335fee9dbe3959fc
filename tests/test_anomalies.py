"""Unusual days: a planted spike is found and explained; noise is (almost) never flagged."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from insights.figures import anomalies
from insights.figures.filters import Filters
from insights.figures.frames import Frames
from insights.store.database import Store
from tests.test_narratives import CAMPAIGNS, FILTERS, SINCE, UNTIL, _ads, _store


def _seasonal(rng: np.random.Generator, days: int = 120, noise: float = 0.05) -> pd.Series:
    """Daily spend around $300 on weekdays and $180 at weekends, with `noise` (relative)."""
    index = pd.date_range("2026-01-05", periods=days, freq="D")  # a Monday
    base = np.where(index.day_of_week >= 5, 180.0, 300.0)
    return pd.Series(base * np.exp(rng.normal(0.0, noise, days)), index=index)


def test_a_planted_spike_is_the_only_unusual_day():
    series = _seasonal(np.random.default_rng(1))
    spike = series.index[100]
    series[spike] *= 1.8
    scored = anomalies.robust_z(series, log=True)
    assert list(scored.index[anomalies.flagged(scored)]) == [spike]
    # a quiet Saturday is usual for a Saturday: weekends are compared with weekends
    saturday = series.index[103]
    assert saturday.day_of_week == 5 and not anomalies.flagged(scored)[saturday]


def test_noise_is_rarely_flagged():
    """Pure noise over 40 series of 120 days, 20% from day to day (so a quarter of the days
    are 25% off their usual level): the robust z alone must keep them unflagged."""
    flags = days = 0
    for seed in range(40):
        scored = anomalies.robust_z(_seasonal(np.random.default_rng(seed), noise=0.2), log=True)
        judged = scored["z"].notna()
        flags += int((anomalies.flagged(scored) & judged).sum())
        days += int(judged.sum())
    assert days > 3000
    assert flags / days < 0.002


def test_too_little_history_judges_nothing():
    scored = anomalies.robust_z(_seasonal(np.random.default_rng(3), days=27))
    assert scored["z"].isna().all()  # fewer than four earlier weeks of each weekday


def test_a_campaign_spike_is_flagged_and_explained(tmp_path):
    rng = np.random.default_rng(7)
    cvr = {(c, now): 0.05 for c in CAMPAIGNS for now in (False, True)}
    ads = _ads(rng, 300, cvr)
    # 8 more weeks of history before the comparison period, the same way
    history = _ads(rng, 300, cvr)
    history["date"] = history["date"] - timedelta(days=56)
    ads = pd.concat([history, ads], ignore_index=True)
    day = UNTIL - timedelta(days=5)
    hit = (ads["campaign_id"] == "c3") & (ads["date"] == day)
    ads.loc[hit, ["spend", "clicks", "impressions"]] *= 4
    with _store(tmp_path / "s.duckdb", ads) as store, store.cursor() as cur:
        found = anomalies.unusual_days(Frames(cur), FILTERS, "spend")
        window = anomalies.provisional(cur, FILTERS)
        earlier = anomalies.provisional(
            cur, Filters(since=SINCE - timedelta(days=90), until=SINCE - timedelta(days=60))
        )
    assert [d.date() for d in found["date"]] == [day]
    total = ads[ads["date"] == day]["spend"].sum()
    assert found["value"].iloc[0] == pytest.approx(total)
    assert found["explanation"].iloc[0].startswith("Catalog moved most")
    # the last 28 days of ad data are provisional; a range before them has none
    assert window.iloc[0].tolist() == [ads["date"].max() - timedelta(days=27), UNTIL]
    assert earlier.empty


def test_an_organic_spike_is_explained_by_its_post(tmp_path):
    from datetime import UTC, datetime

    rng = np.random.default_rng(5)
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    rows = []
    for d in range(90):
        likes = int(rng.normal(60, 6))
        rows.append((f"m{d}", start + timedelta(days=d), "IMAGE", 1000, likes))
    spike_day = start + timedelta(days=85)
    rows.append(("viral", spike_day + timedelta(hours=2), "VIDEO", 9000, 2400))
    store = Store(tmp_path / "s.duckdb")
    with store.transaction() as cur:
        cur.executemany(
            "INSERT INTO ig_media (media_id, account_id, posted_at, media_type, reach, "
            "like_count) VALUES (?, 'a1', ?, ?, ?, ?)",
            rows,
        )
    until = (start + timedelta(days=89)).date()
    filters = Filters(since=until - timedelta(days=27), until=until, compare="previous")
    with store, store.cursor() as cur:
        found = anomalies.unusual_days(Frames(cur), filters, "engagement")
    assert [d.date() for d in found["date"]] == [spike_day.date()]
    assert found["value"].iloc[0] == 2400 + rows[85][4]
    # the post against its account's usual level: the median of the 30 posts before it
    usual = float(np.expm1(np.median(np.log1p([likes for *_, likes in rows[56:86]]))))
    assert found["explanation"].iloc[0] == (
        f"a video post of a1: 2,400 engagements, {2400 / usual:.1f}x its usual {usual:,.0f}"
    )


def test_a_ratio_over_sales_is_explained_by_a_campaign_own_move(demo_store_copy, raw, demo_range):
    """CPA and ROAS are taken over the campaigns that sell: an unusual day of one is explained
    by a campaign's own spend or value against its same weekdays, read from the raw rows."""
    from tests.conftest import campaigns_in

    until = demo_range[1]
    euro = campaigns_in(raw, "EUR")
    filters = Filters(until - timedelta(days=89), until, campaign_ids=euro)
    ads = raw["ad_insights_daily"]
    ads = ads[ads["campaign_id"].isin(euro)]
    names = raw["ad_campaigns"].set_index("campaign_id")["name"]
    checked = 0
    for metric, column in (("cpa", "spend"), ("roas", "purchase_value")):
        with Store(demo_store_copy) as store, store.cursor() as cur:
            found = anomalies.unusual_days(Frames(cur), filters, metric)
        daily = (
            ads.assign(value=ads[column].astype(float), date=pd.to_datetime(ads["date"]))
            .groupby(["campaign_id", "date"])["value"]
            .sum()
        )
        explained = found[found["explanation"] != ""]
        for day, text in zip(explained["date"], explained["explanation"], strict=True):
            name, figure = text.split(" moved most (")
            campaign = names[names == name].index[0]
            assert campaign in euro
            own = daily.loc[campaign]
            earlier = [day - timedelta(days=7 * k) for k in range(1, anomalies.HISTORY_WEEKS + 1)]
            judged_from = pd.Timestamp(anomalies.with_history(filters).since)  # weeks before too
            earlier = [d for d in earlier if d >= judged_from]
            usual = np.median([own.get(d, 0.0) for d in earlier])
            gap = own.get(day, 0.0) - usual
            assert figure.endswith(f" {gap:+,.0f} vs usual)"), (metric, text, gap)
            checked += 1
    assert checked  # the demo's euro campaigns have unusual CPA days
