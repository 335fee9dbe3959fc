"""The Campaigns page through AppTest: the table, picks from the URL, filters, bad links."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from streamlit.testing.v1 import AppTest

from tests.conftest import currency_of
from tests.grid import grid_tables


def _page() -> None:
    from insights.ui import campaigns_page

    campaigns_page.render()


def _open(**query: str) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def _window(raw, demo_range, days: int):
    until = demo_range[1]
    since = until - timedelta(days=days - 1)
    ads = raw["ad_insights_daily"]
    return ads[ads["date"].between(since.isoformat(), until.isoformat())]


def test_default_view_has_table_totals_and_every_chart(app_env, raw, demo_range):
    at = _open()
    assert not at.exception
    ads = _window(raw, demo_range, 28)
    [(table, total)] = grid_tables(at)
    assert len(table) == ads["campaign_id"].nunique()
    # a total row per currency (euros, then dollars): the two are never added up
    assert list(total["Campaign"]) == ["Total EUR", "Total USD"]
    currency = ads["campaign_id"].map(currency_of(raw))
    for (_, row), code in zip(total.iterrows(), ("EUR", "USD"), strict=True):
        mine = ads[currency == code]
        assert row["Currency"] == code
        assert Decimal(str(row["Spend"])) == sum(Decimal(v) for v in mine["spend"])
        assert row["Impressions"] == mine["impressions"].astype(int).sum()
    # three biggest spenders are picked by default; bars, trend, 2 gap charts, heatmap
    by_spend = ads.groupby("campaign_id")["spend"].apply(lambda s: sum(map(Decimal, s)))
    top3 = list(by_spend.sort_values(ascending=False).index[:3])
    assert at.multiselect(key="cmp_pick").value == top3
    assert len(at.get("plotly_chart")) == 5
    gaps = at.dataframe[0].value
    assert len(gaps) == 6 and set(gaps["Verdict"]) <= {
        "real gap", "could be chance", "too little data", "not a proportion", "no data",
    }  # fmt: skip


def test_picks_come_from_the_url_and_stay_in_it(app_env, raw, demo_range):
    ads = _window(raw, demo_range, 90)
    ids = sorted(ads["campaign_id"].unique())[:2]
    at = _open(range="last_90", pick=",".join(ids))
    assert not at.exception
    assert at.multiselect(key="cmp_pick").value == ids
    at.selectbox(key="cmp_metric").set_value("ctr").run()
    at.segmented_control(key="cmp_mode").set_value("Indexed to first day").run()
    assert not at.exception
    assert at.query_params["pick"] in (",".join(ids), [",".join(ids)])
    assert len(at.dataframe[0].value) == 2  # one pair, CTR and CVR


def test_objective_filter_narrows_the_table(app_env, raw, demo_range):
    campaigns = raw["ad_campaigns"]
    objective = "OUTCOME_SALES"
    at = _open(range="last_90", objectives=objective)
    assert not at.exception
    ads = _window(raw, demo_range, 90)
    wanted = set(campaigns.loc[campaigns["objective"] == objective, "name"])
    delivered = set(campaigns.set_index("campaign_id").loc[ads["campaign_id"].unique(), "name"])
    assert set(grid_tables(at)[0][0]["Campaign"]) == wanted & delivered


def test_a_single_campaign_asks_for_a_second(app_env, raw):
    only = raw["ad_campaigns"]["campaign_id"].iloc[0]
    at = _open(range="last_90", campaigns=only)
    assert not at.exception
    assert len(grid_tables(at)[0][0]) == 1
    assert any("at least two" in i.value for i in at.info)


def test_hostile_links_and_empty_results(app_env, undelivered_link):
    at = _open(pick="<script>alert(1)</script>,nope", ages="zzz", genders="' OR 1=1")
    assert not at.exception
    notices = " ".join(t.value for t in at.toast)
    assert "age group" in notices and "gender" in notices
    assert len(at.multiselect(key="cmp_pick").value) == 3  # fell back to the default pick
    empty = _open(**undelivered_link)
    assert not empty.exception
    assert any("No campaign delivered" in i.value for i in empty.info)
