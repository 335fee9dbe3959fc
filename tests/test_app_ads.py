"""The Ads page through AppTest: campaign -> ad set -> ad, the creative grid and placements.
Expected figures are pandas sums over the demo's served campaign rows (the raw fixture) and
over the ad-level rows the ingest stored, read with plain SQL."""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from decimal import Decimal

import duckdb
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import currency_of
from tests.grid import grid_tables


def _page() -> None:
    from insights.ui import ads_page

    ads_page.render()


def _open(**query: str) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def _days(demo_range, days: int) -> tuple[str, str]:
    until = demo_range[1]
    return (until - timedelta(days=days - 1)).isoformat(), until.isoformat()


def _ad_rows(store, since: str, until: str) -> pd.DataFrame:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(
            "SELECT l.*, a.name AS adset_name, d.name AS ad_name FROM ad_level_daily l "
            "JOIN ad_sets a USING (adset_id) JOIN ads d USING (ad_id) "
            "WHERE l.date BETWEEN ? AND ?",
            [since, until],
        ).df()


def _cents(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal("0"))


def test_every_level_totals_the_served_campaign_figures_to_the_cent(app_env, raw, demo_range):
    since, until = _days(demo_range, 28)
    served = raw["ad_insights_daily"]
    served = served[served["date"].between(since, until)]
    currency = served["campaign_id"].map(currency_of(raw))
    expected = {
        code: (_cents(served.loc[currency == code, "spend"]),
               int(served.loc[currency == code, "impressions"].astype(int).sum()))
        for code in ("EUR", "USD")
    }  # fmt: skip
    for level in ("campaign", "adset", "ad"):
        at = _open(level=level)
        assert not at.exception, at.exception
        [(table, total)] = grid_tables(at)
        assert list(total.iloc[:, 0]) == ["Total EUR", "Total USD"], level
        for (_, row), code in zip(total.iterrows(), ("EUR", "USD"), strict=True):
            assert Decimal(str(row["Spend"])) == expected[code][0], (level, code)
            assert row["Impressions"] == expected[code][1], (level, code)
        # and the rows themselves add up to the totals
        for code in ("EUR", "USD"):
            mine = table[table["Currency"] == code]
            assert _cents(mine["Spend"]) == expected[code][0], (level, code)


def test_each_ad_equals_its_stored_rows_and_each_campaign_the_sum_of_its_ads(
    app_env, raw, demo_range
):
    since, until = _days(demo_range, 28)
    rows = _ad_rows(app_env, since, until)
    at = _open(level="ad")
    [(table, _)] = grid_tables(at)
    by_ad = rows.groupby(["ad_name", "adset_name", "campaign_id"]).agg(
        spend=("spend", _cents), clicks=("clicks", "sum"), impressions=("impressions", "sum")
    )
    assert len(table) == len(by_ad)
    names = raw["ad_campaigns"].set_index("campaign_id")["name"]
    expected = {(ad, adset, names[cid]): v for (ad, adset, cid), v in by_ad.iterrows()}
    for _, row in table.iterrows():
        want = expected[(row["Ad"], row["Ad set"], row["Campaign"])]
        assert Decimal(str(row["Spend"])) == want["spend"]
        assert row["Clicks"] == want["clicks"]
        ctr = want["clicks"] / want["impressions"] * 100
        assert abs(row["CTR (%)"] - ctr) < 0.005 + 1e-9  # shown to two decimals
    # every campaign's ads add up to its served campaign figures, to the cent
    served = raw["ad_insights_daily"]
    served = served[served["date"].between(since, until)]
    campaign_spend = served.groupby("campaign_id")["spend"].apply(_cents)
    ads_spend = rows.groupby("campaign_id")["spend"].apply(_cents)
    assert ads_spend.to_dict() == campaign_spend[campaign_spend != 0].to_dict()


def test_a_picked_campaign_shows_its_ad_sets_and_a_picked_ad_set_its_ads(app_env, demo_range):
    since, until = _days(demo_range, 28)
    rows = _ad_rows(app_env, since, until)
    top = rows.groupby("campaign_id")["spend"].apply(_cents).idxmax()
    mine = rows[rows["campaign_id"] == top]
    at = _open(campaign=top)
    assert not at.exception
    [(table, total)] = grid_tables(at)
    assert "Ad set" in table.columns and "Ad" not in table.columns
    assert sorted(table["Ad set"]) == sorted(mine["adset_name"].unique())
    spend_heading = next(c for c in table.columns if c.startswith("Spend"))
    assert Decimal(str(total.iloc[0][spend_heading])) == _cents(mine["spend"])
    assert {"Budget", "Optimisation", "Targeting", "Attribution"} <= set(table.columns)
    assert all("-day" in a for a in table["Attribution"])  # '7-day click, 1-day view'
    # the ad set picked: its ads, and the link keeps both picks
    adset = mine.groupby("adset_id")["spend"].apply(_cents).idxmax()
    at.selectbox(key="ads_adset").set_value(adset).run()
    assert not at.exception
    [(ads, ad_total)] = grid_tables(at)
    theirs = mine[mine["adset_id"] == adset]
    assert sorted(ads["Ad"]) == sorted(theirs["ad_name"].unique())
    assert Decimal(str(ad_total.iloc[0][spend_heading])) == _cents(theirs["spend"])
    assert at.query_params["campaign"] == top and at.query_params["adset"] == adset


def test_a_link_to_an_unknown_campaign_falls_back_to_all(app_env):
    at = _open(campaign="999", adset="888")
    assert not at.exception
    assert at.selectbox(key="ads_campaign").value == ""
    assert any("Unknown campaign" in t.value for t in at.toast)
    [(table, _)] = grid_tables(at)
    assert len(table) > 2  # every campaign's ad sets


def test_the_ad_table_download_is_the_grid_with_its_totals(app_env, downloads):
    at = _open(level="ad")
    [(table, total)] = grid_tables(at)
    csv = downloads(at.get("download_button")[0])
    frame = pd.read_csv(io.BytesIO(csv))
    assert list(frame["Ad"]) == [*table["Ad"], *total["Ad"]]
    assert [Decimal(str(v)) for v in frame["Spend"]] == [
        Decimal(str(v)) for v in [*table["Spend"], *total["Spend"]]
    ]


def test_the_creative_grid_ranks_by_the_chosen_metric_with_kept_pictures(app_env, demo_range):
    since, until = _days(demo_range, 28)
    rows = _ad_rows(app_env, since, until)
    with duckdb.connect(str(app_env), read_only=True) as con:
        pictures = con.execute(
            "SELECT d.name, c.thumbnail FROM ads d JOIN ad_creatives c USING (creative_id)"
        ).df()
    at = _open(level="ad")
    cards = [m.value for m in at.markdown if m.value.startswith("**")]
    by_spend = rows.groupby("ad_name")["spend"].apply(_cents).sort_values(ascending=False)
    # ads of one name stand in several campaigns: the order of the names is the spend's
    shown = [c.strip("*").replace("\\", "") for c in cards]
    assert len(shown) == min(24, rows["ad_id"].nunique())
    spend_of = {n: s for n, s in by_spend.items()}
    assert [spend_of[n] for n in shown][0] == by_spend.iloc[0]
    images = [m.value for m in at.markdown if m.value.startswith('<img src="data:image/png')]
    assert len(images) == len(shown)
    kept = {base64.b64encode(bytes(p)).decode("ascii") for p in pictures["thumbnail"]}
    assert all(i.split("base64,")[1].split('"')[0] in kept for i in images)
    # ranked by CPA: lowest first among the ads with a purchase
    at.selectbox(key="ads_rank").set_value("cpa").run()
    assert not at.exception
    lines = [m.value for m in at.markdown if m.value.startswith("Spend")]
    cpas = [line.split("CPA ")[1].split("  ")[0] for line in lines]
    numbers = [
        Decimal(c.replace("\\", "").lstrip("€$").replace(",", "")) for c in cpas if "–" not in c
    ]
    assert numbers and numbers[0] <= numbers[-1]


def test_placements_add_up_to_the_ads_and_refuse_a_gender_filter(app_env, demo_range):
    since, until = _days(demo_range, 28)
    rows = _ad_rows(app_env, since, until)
    top = rows.groupby("campaign_id")["spend"].apply(_cents).idxmax()
    at = _open(campaign=top)
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "Platform" in d.value.columns]
    spend = next(c for c in table.columns if c.startswith("Spend"))
    assert _cents(round(v, 2) for v in table[spend]) == _cents(
        rows.loc[rows["campaign_id"] == top, "spend"]
    )
    assert {"Facebook", "Instagram"} <= set(table["Platform"])
    assert {"Feed", "Stories", "Reels"} <= set(table["Placement"])
    assert len(at.get("plotly_chart")) == 1
    # all campaigns: two currencies, so the chart of spend is one of impressions, said so
    at = _open()
    assert len(at.get("plotly_chart")) == 1
    assert any("chart shows impressions" in c.value for c in at.caption)
    at = _open(campaign=top, genders="female")
    assert not at.exception
    assert any("apart from age and gender" in i.value for i in at.info)


def test_the_planted_tiring_ad_alone_is_marked_tiring_with_its_sample(app_env):
    from insights.demo.ad_rows import TIRING_AD

    with duckdb.connect(str(app_env), read_only=True) as con:
        planted = con.execute("SELECT name FROM ads WHERE ad_id = ?", [TIRING_AD]).fetchone()[0]
    at = _open(level="ad")
    assert not at.exception
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    badges = [
        n for n, m in enumerate(at.markdown) if m.value == ":orange-badge[Tiring]"
    ]  # each badge follows its card's lines: the card it belongs to is the name before it
    marked = []
    for at_badge in badges:
        before = [m.value for m in list(at.markdown)[:at_badge] if m.value.startswith("**")]
        marked.append(before[-1].strip("*").replace("\\", ""))
    assert marked == [planted], (marked, names)
    samples = [c.value for c in at.caption if c.value.startswith("Last 4 weeks")]
    assert len(samples) == len(names)  # every card judged says what its judgment rests on


def test_reach_is_metas_for_the_period_and_a_range_without_it_says_so(app_env, demo_range):
    since, until = _days(demo_range, 28)
    with duckdb.connect(str(app_env), read_only=True) as con:
        stored = con.execute(
            "SELECT d.name, r.reach, r.impressions FROM ad_period_reach r "
            "JOIN ad_sets d ON d.adset_id = r.object_id JOIN ad_campaigns c USING (campaign_id) "
            "WHERE r.level = 'adset' AND r.since = ? AND r.until = ? AND c.campaign_id = ?",
            [since, until, "120200000000000001"],
        ).df()
        daily = con.execute(
            "SELECT adset_id, date, sum(reach) AS reach FROM ad_level_daily "
            "WHERE campaign_id = ? AND date BETWEEN ? AND ? GROUP BY ALL",
            ["120200000000000001", since, until],
        ).df()
    assert len(stored) == 2
    at = _open(campaign="120200000000000001")
    [(table, total)] = grid_tables(at)
    shown = table.set_index("Ad set")
    for _, row in stored.iterrows():
        assert shown.loc[row["name"], "Reach"] == row["reach"]
        assert abs(shown.loc[row["name"], "Frequency"] - row["impressions"] / row["reach"]) < 0.005
    # never the sum of daily reach, which overstates it
    assert (shown["Reach"] < daily.groupby("adset_id")["reach"].sum().min()).all()
    assert total["Reach"].isna().all()
    custom = (demo_range[1] - timedelta(days=12)).isoformat()
    at = _open(campaign="120200000000000001", range="custom", since=custom, until=until)
    [(table, _)] = grid_tables(at)
    assert table["Reach"].isna().all() and table["Frequency"].isna().all()
    assert any("Pick one of those ranges" in c.value for c in at.caption)
