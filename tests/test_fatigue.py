"""The fatigue signal per ad (issue 18): a planted tiring ad is named, noise names none.

Expected figures are computed here with pandas from the stored rows; the demo's planted ad is
found from the rows alone (which ad's frequency rose while its CTR fell), then checked to be
the one the demo declares."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from insights.demo.ad_rows import TIRING_AD
from insights.figures import fatigue, narratives
from insights.figures.filters import Filters
from insights.figures.frames import Frames
from insights.store.database import Store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PLANTED = "1202000000000000010102"  # Prospecting – Broad audience, Video – tested on the trail


def _weekly(rows: pd.DataFrame, until: date, weeks: int) -> pd.DataFrame:
    """Per ad and week (0 = the 7 days ending at `until`), from ad-level rows: impressions,
    clicks, and the average daily frequency over the rows that have a reach."""
    rows = rows.copy()
    rows["back"] = (pd.Timestamp(until) - pd.to_datetime(rows["date"])).dt.days // 7
    rows = rows[(rows["back"] >= 0) & (rows["back"] < weeks)]
    rows["reached"] = rows["impressions"].where(rows["reach"].notna(), 0)
    out = rows.groupby(["ad_id", "back"])[["impressions", "clicks", "reached", "reach"]].sum()
    out["frequency"] = out["reached"] / out["reach"]
    out["ctr"] = out["clicks"] / out["impressions"]
    return out


@pytest.fixture(scope="module")
def demo(demo_store_file, demo_range):
    with Store(demo_store_file, read_only=True) as store, store.cursor() as cur:
        yield cur, demo_range[1]


@pytest.mark.parametrize("days", [28, 90])
def test_the_demo_planted_ad_is_the_one_tiring(demo, days):
    cur, until = demo
    filters = Filters(until - timedelta(days=days - 1), until)
    table = fatigue.ad_fatigue(cur, filters)
    assert list(table.loc[table["tiring"], "ad_id"]) == [PLANTED] == [TIRING_AD]
    rows = cur.execute(
        "SELECT ad_id, date, impressions, reach, clicks FROM ad_level_daily "
        "WHERE date BETWEEN ? AND ?",
        [until - timedelta(days=27), until],
    ).df()
    weekly = _weekly(rows, until, 4)
    ad = weekly.loc[PLANTED]
    row = table.set_index("ad_id").loc[PLANTED]
    assert row["ad_name"] == "Video – tested on the trail"
    assert row["campaign_name"] == "Prospecting – Broad audience"
    assert row["frequency_first"] == pytest.approx(ad.at[3, "frequency"], rel=1e-12)
    assert row["frequency_last"] == pytest.approx(ad.at[0, "frequency"], rel=1e-12)
    assert row["ctr_first"] == pytest.approx(ad.at[3, "ctr"], rel=1e-12)
    assert row["ctr_last"] == pytest.approx(ad.at[0, "ctr"], rel=1e-12)
    assert row["sample"] == ad["impressions"].sum()
    # what the plant is: a fifth more views a day per person or more, a CTR down by a fifth
    assert ad.at[0, "frequency"] > 1.2 * ad.at[3, "frequency"]
    assert ad.at[0, "ctr"] < 0.8 * ad.at[3, "ctr"]
    # and no other ad of the demo moved so: no other's frequency rose by a tenth
    others = weekly.drop(index=PLANTED)["frequency"]
    rise = (others.xs(0, level="back") / others.xs(3, level="back")).dropna()
    assert len(rise) > 20 and rise.lt(1.1).all()


def test_the_demo_sentence_names_the_planted_ad(demo):
    cur, until = demo
    filters = Filters(until - timedelta(days=27), until)
    table = fatigue.ad_fatigue(cur, filters).set_index("ad_id")
    found = [i for i in narratives.overview(Frames(cur), filters) if i.kind == "ads"]
    assert len(found) == 1
    row = table.loc[PLANTED]
    assert found[0].text == (
        "The ad “Video – tested on the trail” (Prospecting – Broad audience) is tiring: each "
        f"person it reached saw it {row['frequency_last']:.1f} times a day in the last week, up "
        f"from {row['frequency_first']:.1f} three weeks earlier, while its CTR fell from "
        f"{row['ctr_first']:.2%} to {row['ctr_last']:.2%} (over {row['sample']:,.0f} "
        "impressions in 4 weeks). Refresh its creative or widen its audience."
    )
    assert found[0].sample == row["sample"]


def test_the_overview_page_says_which_ad_is_tiring(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    bullets = "\n".join(m.value for m in at.markdown if m.value.startswith("- "))
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", bullets)
    lines = [line for line in text.splitlines() if " is tiring: " in line]
    assert len(lines) == 1
    assert lines[0].startswith("- The ad “Video – tested on the trail” (Prospecting – Broad")


# -- a store of noise, and ads planted in it ---------------------------------------------------

UNTIL = date(2026, 6, 28)
DAYS = 42  # six weeks of rows; the view is the last four
SEGMENTS = (("25-34", "female"), ("35-44", "male"))


def _ad_rows(
    rng: np.random.Generator,
    ad: str,
    campaign: str,
    daily_impressions: float,
    cpm: float,
    frequency: np.ndarray,
    ctr: np.ndarray,
) -> list[tuple]:
    """An ad's rows by day and segment: `frequency` and `ctr` per week (oldest first)."""
    rows = []
    for d in range(DAYS):
        day = UNTIL - timedelta(days=DAYS - 1 - d)
        week = (DAYS - 1 - d) // 7  # weeks back from UNTIL
        f, c = frequency[::-1][week], ctr[::-1][week]
        for age, gender in SEGMENTS:
            impressions = int(rng.poisson(daily_impressions / len(SEGMENTS)))
            if impressions == 0:
                continue
            reach = max(1, min(impressions, round(impressions / (f * rng.lognormal(0, 0.03)))))
            clicks = int(rng.poisson(impressions * c))
            spend = round(impressions * cpm / 1000, 2)
            rows.append(
                ("act_1", campaign, f"{campaign}s", ad, day, age, gender, spend, impressions)
                + (reach, clicks, int(clicks * 0.8), 0, 0.0, 0, None)
            )
    return rows


def _noise(rng: np.random.Generator, weeks: int, level: float, spread: float) -> np.ndarray:
    """A weekly series around a constant level: lognormal weekly ups and downs."""
    return level * rng.lognormal(0, spread, size=weeks)


def _store(path: Path, seed: int, planted: dict[str, tuple[float, float]]) -> Path:
    """A store of 40 ads whose weekly frequency and CTR only fluctuate around their levels,
    with `planted` ads (id -> (daily impressions, CPM)) whose frequency climbs from 1.4 to 2.2
    a day over the six weeks while their CTR falls from 1.6% to 0.9%."""
    rng = np.random.default_rng(seed)
    weeks = DAYS // 7
    rows: list[tuple] = []
    ads = []
    for a in range(40):
        ad, campaign = f"ad{a:02d}", f"c{a // 4}"
        frequency = _noise(rng, weeks, rng.uniform(1.2, 1.6), 0.05)
        ctr = _noise(rng, weeks, rng.uniform(0.008, 0.02), 0.08)
        rows += _ad_rows(rng, ad, campaign, rng.uniform(3000, 8000), 10.0, frequency, ctr)
        ads.append((ad, campaign, f"Noise ad {a}"))
    for ad, (impressions, cpm) in planted.items():
        frequency, ctr = np.linspace(1.4, 2.2, weeks), np.linspace(0.016, 0.009, weeks)
        rows += _ad_rows(rng, ad, "c_planted", impressions, cpm, frequency, ctr)
        ads.append((ad, "c_planted", f"Planted {ad}"))
    with Store(path) as store, store.transaction() as cur:
        cur.execute(
            "INSERT INTO ad_accounts (ad_account_id, name, currency) VALUES ('act_1', 'A', 'USD')"
        )
        for campaign in sorted({c for _, c, _ in ads}):
            cur.execute(
                "INSERT INTO ad_campaigns (campaign_id, ad_account_id, name, objective, status) "
                "VALUES (?, 'act_1', ?, 'OUTCOME_SALES', 'ACTIVE')",
                [campaign, f"Campaign {campaign}"],
            )
        cur.executemany(
            "INSERT INTO ads (ad_id, ad_account_id, adset_id, campaign_id, name, status) "
            "VALUES (?, 'act_1', ? || 's', ?, ?, 'ACTIVE')",
            [(ad, campaign, campaign, name) for ad, campaign, name in ads],
        )
        cur.executemany(
            "INSERT INTO ad_level_daily VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        store.refresh_rollups(cur)  # as every writer of the ad level does
    return path


VIEW = Filters(UNTIL - timedelta(days=27), UNTIL)


def _flagged(path: Path) -> tuple[pd.DataFrame, list[narratives.Insight], pd.DataFrame]:
    """The fatigue table of the view, its sentences, and the weekly figures of pandas."""
    with Store(path, read_only=True) as store, store.cursor() as cur:
        table = fatigue.ad_fatigue(cur, VIEW)
        found = [i for i in narratives.overview(Frames(cur), VIEW) if i.kind == "ads"]
        rows = cur.execute("SELECT * FROM ad_level_daily").df()
    return table, found, _weekly(rows, UNTIL, 4)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noise_names_no_ad(tmp_path, seed):
    table, sentences, _ = _flagged(_store(tmp_path / "s.duckdb", seed, {}))
    assert len(table) == 40 and table["frequency_first"].notna().all()  # every ad judged
    assert not table["tiring"].any() and sentences == []


def test_a_planted_tiring_ad_is_named_and_thin_or_cheap_ones_are_not(tmp_path):
    planted = {
        "tired": (5000.0, 10.0),  # 35,000 impressions a week, $350
        "tiny": (200.0, 10.0),  # the same trend on 1,400 impressions a week
        "cheap": (5000.0, 0.05),  # the same trend and sample for $1.75 a week: 0.02% of spend
    }
    table, sentences, weekly = _flagged(_store(tmp_path / "s.duckdb", 7, planted))
    assert list(table.loc[table["tiring"], "ad_id"]) == ["tired"]
    assert len(sentences) == 1 and sentences[0].text.startswith("The ad “Planted tired”")
    # the rows of the two with a sample show the trend the rule looks for; the tiny one's
    # clicks are a dozen a week, whatever its CTR does
    for ad in ("tired", "cheap"):
        ad_weeks = weekly.loc[ad]
        assert ad_weeks.at[0, "frequency"] > 1.2 * ad_weeks.at[3, "frequency"]
        assert ad_weeks.at[0, "ctr"] < 0.85 * ad_weeks.at[3, "ctr"]
    assert weekly.loc["tiny", "impressions"].max() < fatigue.MIN_WEEK_IMPRESSIONS
    assert weekly.loc["tiny", "frequency"].iloc[0] > 1.2 * weekly.loc["tiny", "frequency"].iloc[3]


def test_a_view_shorter_than_the_weeks_judges_the_weeks_it_holds(tmp_path):
    path = _store(tmp_path / "s.duckdb", 7, {"tired": (5000.0, 10.0)})
    with Store(path, read_only=True) as store, store.cursor() as cur:
        three = fatigue.ad_fatigue(cur, Filters(UNTIL - timedelta(days=20), UNTIL))
        two = fatigue.ad_fatigue(cur, Filters(UNTIL - timedelta(days=13), UNTIL))
        weekly = _weekly(cur.execute("SELECT * FROM ad_level_daily").df(), UNTIL, 3)
    assert set(three["weeks"]) == {3}
    row = three.set_index("ad_id").loc["tired"]
    assert row["frequency_first"] == pytest.approx(weekly.loc[("tired", 2), "frequency"])
    assert row["sample"] == weekly.loc["tired", "impressions"].sum()
    # over its last three weeks its frequency rose by less than a fifth: not yet tiring
    assert row["frequency_last"] < 1.2 * row["frequency_first"] and not three["tiring"].any()
    assert two.empty  # two weeks are a change, not a trend


def test_the_relative_slope_is_least_squares_over_the_mean():
    values = np.array([1.0, 1.5, np.nan, 2.5])
    x = np.array([0.0, 1.0, 3.0])
    expected = np.polyfit(x, values[[0, 1, 3]], 1)[0] / values[[0, 1, 3]].mean()
    assert fatigue.relative_slope(values) == pytest.approx(expected)
    assert np.isnan(fatigue.relative_slope(np.array([np.nan, 2.0])))


def test_the_per_ad_rollups_read_as_the_age_x_gender_detail(tmp_path):
    # without an age or gender filter the ad level is read from its per-ad daily rollup, with
    # a gender filter alone from the per-ad and gender rollup; a filter that names every age
    # group reads the detail: the same judgement and the same sums from all three
    from insights.figures import ad_drill

    path = _store(tmp_path / "s.duckdb", 5, {"tired": (5000.0, 10.0)})
    genders = Filters(VIEW.since, VIEW.until, genders=tuple(sorted({g for _, g in SEGMENTS})))
    detail = Filters(VIEW.since, VIEW.until, ages=tuple(sorted({a for a, _ in SEGMENTS})))
    assert len({VIEW.ad_source, genders.ad_source, detail.ad_source}) == 3
    with Store(path, read_only=True) as store, store.cursor() as cur:
        for other in (genders, detail):
            pd.testing.assert_frame_equal(
                fatigue.ad_fatigue(cur, VIEW), fatigue.ad_fatigue(cur, other)
            )
            for table in (ad_drill.ad_table, ad_drill.ad_set_table):
                pd.testing.assert_frame_equal(table(cur, VIEW), table(cur, other))
        served = cur.execute(
            "SELECT sum(spend) FROM ad_level_daily WHERE date BETWEEN ? AND ?",
            [VIEW.since, VIEW.until],
        ).fetchone()[0]
        assert round(ad_drill.ad_table(cur, VIEW)["spend"].sum(), 2) == float(served)
        # one gender alone: the detail's sums of that gender, ad by ad
        one = Filters(VIEW.since, VIEW.until, genders=(SEGMENTS[0][1],))
        mine = cur.execute(
            "SELECT ad_id, sum(spend) AS spend, sum(clicks) AS clicks FROM ad_level_daily "
            "WHERE date BETWEEN ? AND ? AND gender = ? GROUP BY ad_id ORDER BY ad_id",
            [VIEW.since, VIEW.until, SEGMENTS[0][1]],
        ).df()
        found = ad_drill.ad_table(cur, one).sort_values("ad_id")
        assert list(found["ad_id"]) == list(mine["ad_id"])
        assert [round(x, 2) for x in found["spend"]] == [float(x) for x in mine["spend"]]
        assert list(found["clicks"]) == list(mine["clicks"])


def test_the_slopes_of_many_ads_are_each_ads_own():
    rng = np.random.default_rng(3)
    values = rng.uniform(0.5, 2.0, (50, 5))
    values[rng.uniform(size=values.shape) < 0.2] = np.nan  # weeks without delivery
    values[0] = [np.nan, np.nan, np.nan, np.nan, 1.0]  # one week only: no slope
    values[1] = 0.0  # a mean of zero: no relative slope

    def least_squares(row):
        keep = np.isfinite(row)
        if keep.sum() < 2 or row[keep].mean() == 0:
            return np.nan
        return np.polyfit(np.arange(len(row))[keep], row[keep], 1)[0] / row[keep].mean()

    expected = [least_squares(row) for row in values]
    np.testing.assert_allclose(fatigue.relative_slopes(values), expected, equal_nan=True)


def test_an_ad_without_a_first_week_says_so_rather_than_nan():
    from insights.figures import ad_drill

    row = pd.Series(
        {
            "weeks": 4,
            "weeks_with_delivery": 3,
            "frequency_first": np.nan,
            "frequency_last": 1.31,
            "ctr_first": np.nan,
            "ctr_last": 0.0175,
            "sample": 37701.0,
        }
    )
    line = ad_drill.fatigue_line(row)
    assert "nan" not in line.lower() and "no fatigue judged" in line
    assert "3 of the 4 weeks" in line and "37,701 impressions" in line
    judged = ad_drill.fatigue_line(row.copy().replace({np.nan: 1.2}))
    assert judged.startswith("Last 4 weeks: seen 1.20 → 1.31 times a day per person")
