"""The Campaigns page through AppTest: the table, picks from the URL, filters, bad links."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import currency_of
from tests.grid import grid_tables
from tests.shown import shown as shown_text


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


def _heatmap(at: AppTest) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    chart = next(c for c in charts if "age group and gender" in c["layout"]["title"]["text"])
    z = chart["data"][0]["z"]
    if isinstance(z, dict):  # plotly writes arrays as typed binary data
        shape = [int(d) for d in z["shape"].split(",")]
        numbers = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(shape)
        chart["data"][0]["z"] = [[None if np.isnan(v) else float(v) for v in r] for r in numbers]
    return chart


def audience_cells(raw, demo_range) -> tuple[list[str], pd.DataFrame]:
    """The two dollar sales campaigns that spent most in the last 28 days, and their spend and
    purchases per age group and gender, computed with pandas from the demo files."""
    ads = _window(raw, demo_range, 28)
    sales = raw["ad_campaigns"].loc[raw["ad_campaigns"]["objective"] == "OUTCOME_SALES"]
    dollars = set(sales["campaign_id"]) & {
        c for c, code in currency_of(raw).items() if code == "USD"
    }
    mine = ads[ads["campaign_id"].isin(dollars)]
    spend = mine.groupby("campaign_id")["spend"].apply(lambda s: sum(map(Decimal, s)))
    picked = sorted(spend.sort_values(ascending=False).index[:2])
    rows = mine[mine["campaign_id"].isin(picked)]
    cells = rows.groupby(["age", "gender"]).agg(
        spend=("spend", lambda s: sum(map(Decimal, s))),
        purchases=("purchases", lambda s: s.astype(int).sum()),
    )
    return picked, cells


def best_of(cells: pd.DataFrame, minimum: int) -> tuple[str, str, Decimal, int]:
    """The cheapest CPA among the cells with at least `minimum` purchases: gender, age, CPA
    in cents and its purchases."""
    kept = cells[(cells["purchases"] >= minimum) & (cells["purchases"] > 0)]
    cpa = kept["spend"] / kept["purchases"]
    age, gender = cpa.astype(float).idxmin()
    return (
        gender,
        age,
        cpa.min().quantize(Decimal("0.01"), ROUND_HALF_UP),
        int(kept.loc[(age, gender)].purchases),
    )


def test_the_audience_heatmap_shows_n_and_never_names_a_thin_cell_best(app_env, raw, demo_range):
    """CPA by age and gender over two dollar campaigns of the last 28 days, computed with
    pandas from the demo files: every cell says the purchases it rests on, cells under the
    minimum are blank, and the best cell named is the cheapest of the cells shown."""
    picked, cells = audience_cells(raw, demo_range)
    at = _open(pick=",".join(picked))
    assert not at.exception
    assert at.number_input(key="cmp_min_cell").value == 10
    thin = cells[(cells["purchases"] < 10) & (cells["purchases"] > 0)]
    assert not thin.empty  # the demo has cells too thin to judge in this view
    figure = _heatmap(at)["data"][0]
    ages, genders = figure["y"], [g.lower() for g in figure["x"]]
    for (age, gender), row in cells.iterrows():
        i, j = ages.index(age), genders.index(gender)
        text, z = figure["text"][i][j], figure["z"][i][j]
        assert f"n={row['purchases']:,}" in text
        if row["purchases"] >= 10:
            cpa = row["spend"] / row["purchases"]
            assert abs(Decimal(str(z)) - cpa) < Decimal("0.000001")
            assert f"${cpa.quantize(Decimal('0.01'), ROUND_HALF_UP):,}" in text
        else:
            assert z is None and text == f"n={row['purchases']:,}"
    # the best is the cheapest cell shown, even where a thin cell is cheaper still
    gender, age, cpa, purchases = best_of(cells, 10)
    sentence = next(shown_text(m.value) for m in at.markdown if m.value.startswith("Best cell"))
    assert f"**{gender.capitalize()}, {age}**" in sentence, sentence
    assert f"${cpa:,} over {purchases:,} purchases" in sentence, sentence
    assert best_of(cells, 1)[2] < cpa  # without the minimum, a thin cell would be named
    # a minimum of 1 names that thin cell: the sentence follows the control
    at.number_input(key="cmp_min_cell").set_value(1).run()
    gender, age, cpa, purchases = best_of(cells, 1)
    sentence = next(shown_text(m.value) for m in at.markdown if m.value.startswith("Best cell"))
    assert f"**{gender.capitalize()}, {age}**" in sentence and f"${cpa:,}" in sentence


def test_the_audience_sentence_over_two_currencies_and_for_a_sum(app_env, raw, demo_range):
    """The default pick spends in euros and dollars: no CPA per cell, and the sentence says so
    (not that purchases are too few); a sum (conversions) is named the most, not the best."""
    at = _open()
    assert not at.exception
    picked = at.multiselect(key="cmp_pick").value
    assert len({currency_of(raw)[c] for c in picked}) == 2
    sentences = [shown_text(m.value) for m in at.markdown]
    assert "No cell has a CPA here." in sentences, sentences
    at.selectbox(key="cmp_heat_metric").set_value("conversions").run()
    ads = _window(raw, demo_range, 28)
    mine = ads[ads["campaign_id"].isin(picked)].assign(n=lambda f: f["purchases"].astype(int))
    by_cell = mine.groupby(["age", "gender"])["n"].sum()
    age, gender = by_cell.idxmax()
    said = next(shown_text(m.value) for m in at.markdown if m.value.startswith("Most"))
    assert said == f"Most Conversions: **{gender.capitalize()}, {age}**, {by_cell.max():,}."
