"""Metric definitions: one each, ratio of sums, empty on a zero denominator."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from insights.figures import metrics
from insights.store.database import Store


def test_ratio_of_sums_not_mean_of_ratios():
    # two days: 1 click of 10 impressions, 99 clicks of 9990 impressions
    days = pd.DataFrame(
        {
            "clicks": [1, 99],
            "impressions": [10, 9990],
            "spend": [1.0, 99.0],
            "conversions": [0, 5],
            "conversion_value": [0.0, 250.0],
            # 20 of the spend (and 1 conversion, 10 of value) in a campaign that does not sell
            "sales_spend": [1.0, 79.0],
            "sales_conversions": [0, 4],
            "sales_value": [0.0, 240.0],
        }
    )
    sums = days.sum().to_dict()
    values = metrics.kpis(sums, metrics.PAID_METRICS)
    assert values["ctr"] == pytest.approx(100 / 10000)
    mean_of_daily = (1 / 10 + 99 / 9990) / 2
    assert values["ctr"] != pytest.approx(mean_of_daily)
    assert values["cpm"] == pytest.approx(1000 * 100 / 10000)
    assert values["cpc"] == pytest.approx(100 / 100)
    assert values["cvr"] == pytest.approx(5 / 100)
    # cost per purchase and ROAS over the spend of the campaigns that sell
    assert values["cpa"] == pytest.approx(80 / 4)
    assert values["roas"] == pytest.approx(240 / 80)


def test_zero_denominators_give_empty_values():
    values = metrics.kpis(
        {
            "spend": 12.0,
            "sales_spend": 12.0,
            "sales_conversions": 0,
            "sales_value": 0.0,
            "impressions": 0,
            "clicks": 0,
            "conversions": 0,
            "conversion_value": 0.0,
        },
        metrics.PAID_METRICS,
    )
    for key in ("ctr", "cpc", "cpm", "cvr", "cpa"):
        assert math.isnan(values[key]), key
    assert values["roas"] == 0.0
    assert math.isnan(
        metrics.kpis({"sales_spend": 0.0, "sales_value": 5.0}, metrics.PAID_METRICS)["roas"]
    )
    # no campaign sells: no ROAS and no CPA, not 0
    none_sell = metrics.totals(
        pd.DataFrame({"sales_spend": [None, None], "sales_conversions": [None, None]}),
        ["sales_spend", "sales_conversions"],
    )
    assert math.isnan(metrics.kpis(none_sell, metrics.PAID_METRICS)["cpa"])


def test_add_ratios_row_wise_with_zero_rows():
    frame = pd.DataFrame(
        {
            "spend": [10.0, 0.0],
            "impressions": [2000, 0],
            "clicks": [40, 0],
            "conversions": [4, 0],
            "conversion_value": [30.0, 0.0],
            "sales_spend": [10.0, 0.0],
            "sales_conversions": [4, 0],
            "sales_value": [30.0, 0.0],
        }
    )
    out = metrics.add_ratios(frame)
    assert out.loc[0, "ctr"] == pytest.approx(0.02)
    assert out.loc[0, "cpa"] == pytest.approx(2.5)
    assert out.loc[0, "roas"] == pytest.approx(3.0)
    assert out.loc[1, ["ctr", "cpc", "cpm", "cvr", "cpa", "roas"]].isna().all()
    assert "ctr" not in frame  # the input is not changed


def test_engagement_is_metas_total_interactions_else_its_parts(tmp_path):
    # (total_interactions, like_count, likes insight, comments, saves, shares) -> engagement,
    # from Meta's definition: total_interactions when given, even where like_count is hidden;
    # else likes + comments + saves + shares, the likes insight standing in for a hidden
    # like_count. The store's macro is the one definition every query reads.
    cases = [
        ((20, None, None, 2, 3, 1), 20),
        ((None, 10, 99, 2, 3, 1), 16),
        ((None, None, 10, None, None, 1), 11),
        ((None, None, None, None, None, None), 0),
        ((0, 5, 5, 5, 5, 5), 0),
    ]
    with Store(tmp_path / "s.duckdb") as store, store.cursor() as cur:
        for case, expected in cases:
            sql = cur.execute("SELECT post_engagement(?, ?, ?, ?, ?, ?)", list(case)).fetchone()
            assert sql is not None and float(sql[0]) == expected, case
    rate = metrics.kpis({"rated_engagement": 16, "post_reach": 400}, metrics.ORGANIC_METRICS)
    assert rate["engagement_rate"] == pytest.approx(0.04)


def test_change_and_direction():
    assert metrics.change(120, 100) == pytest.approx(0.2)
    assert math.isnan(metrics.change(5, 0))
    assert math.isnan(metrics.change(float("nan"), 3))
    assert not metrics.ALL_METRICS["cpa"].higher_is_better
    assert metrics.ALL_METRICS["roas"].higher_is_better


def test_every_ratio_names_existing_sums():
    keys = set(metrics.ALL_METRICS)
    for metric in metrics.ALL_METRICS.values():
        if metric.numerator:
            sums = keys | set(metrics.PAID_SUMS) | set(metrics.ORGANIC_SUMS)
            assert metric.numerator in sums, metric.key
            # a denominator is a metric, or a sum the paid queries give (the sales campaigns')
            assert metric.denominator in keys | set(metrics.PAID_SUMS), metric.key
