"""Parsing API JSON: exact money, one conversion action type, dates from end_time."""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal

import pytest

from insights.errors import IngestError
from insights.ingest import campaign_rows, instagram_rows, values

ROW = {
    "campaign_id": "120200000000000001",
    "date_start": "2025-05-01",
    "date_stop": "2025-05-01",
    "age": "25-34",
    "gender": "female",
    "spend": "12.34",
    "impressions": "1234",
    "reach": "1000",
    "clicks": "40",
    "inline_link_clicks": "31",
    "actions": [
        {"action_type": "link_click", "value": "31"},
        {"action_type": "purchase", "value": "3"},
        {"action_type": "omni_purchase", "value": "3"},
        {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "3"},
    ],
    "action_values": [
        {"action_type": "purchase", "value": "89.70"},
        {"action_type": "omni_purchase", "value": "89.70"},
        {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "89.70"},
    ],
}


def test_ad_insight_row_counts_one_action_type_only():
    row = campaign_rows.ad_insight_row(ROW, "123", "purchase")
    assert row["conversions"] == 3  # not 9: overlapping purchase types are never summed
    assert row["conversion_value"] == Decimal("89.70")
    assert row["spend"] == Decimal("12.34")
    assert row["link_clicks"] == 31 and row["clicks"] == 40 and row["impressions"] == 1234
    assert row["date"] == date(2025, 5, 1)
    other = campaign_rows.ad_insight_row(ROW, "123", "offsite_conversion.fb_pixel_purchase")
    assert other["conversions"] == 3


def test_absent_actions_and_fields_are_zero():
    row = campaign_rows.ad_insight_row(
        {"campaign_id": "1", "date_start": "2025-05-02", "spend": "0.5"}, "123", "purchase"
    )
    assert row["conversions"] == 0 and row["conversion_value"] == Decimal("0.00")
    assert row["clicks"] == 0 and row["reach"] is None
    assert row["spend"] == Decimal("0.50")
    assert row["age"] == "unknown"


def test_money_is_exact_and_never_float():
    total = sum(values.parse_money("0.10", "x") for _ in range(10))
    assert total == Decimal("1.00")
    assert values.parse_minor_units("5000", "budget") == Decimal("50.00")
    assert values.parse_minor_units("199", "budget") == Decimal("1.99")


@pytest.mark.parametrize("bad", ["12,3", "abc", "NaN", "1e400x"])
def test_bad_money_names_the_field(bad):
    with pytest.raises(IngestError, match="spend"):
        values.parse_money(bad, "spend")


def test_bad_counts_name_the_field():
    with pytest.raises(IngestError, match="impressions"):
        values.parse_int("12.5", "impressions")
    with pytest.raises(IngestError, match="clicks"):
        values.parse_int(True, "clicks")
    assert values.parse_int("42", "x") == 42 and values.parse_int(None, "x") is None


def test_daily_values_map_end_time_to_the_day_before():
    body = {
        "data": [
            {
                "name": "reach",
                "period": "day",
                "values": [
                    {"value": 10, "end_time": "2025-05-02T07:00:00+0000"},
                    {"value": 12, "end_time": "2025-05-03T07:00:00+0000"},
                ],
            },
            {
                "name": "follower_count",
                "period": "day",
                "values": [{"value": 3, "end_time": "2025-05-02T07:00:00+0000"}],
            },
            {
                "name": "brand_new_metric",
                "values": [{"value": 1, "end_time": "2025-05-02T07:00:00+0000"}],
            },
        ]
    }
    rows = instagram_rows.daily_metric_rows("17841", body)
    assert rows[date(2025, 5, 1)] == {
        "account_id": "17841",
        "date": date(2025, 5, 1),
        "reach": 10,
        "follower_count": 3,
    }
    assert rows[date(2025, 5, 2)]["reach"] == 12


def test_times_and_ids():
    when = values.parse_time("2025-05-01T18:22:05+0000", "t")
    assert when is not None and when.isoformat() == "2025-05-01T18:22:05+00:00"
    assert values.parse_time("2025-05-01T20:22:05+0200", "t") == when
    assert values.strip_act("act_123") == "123" and values.strip_act("123") == "123"


def test_lifetime_metrics_accept_total_value_shape():
    body = {
        "data": [
            {"name": "reach", "values": [{"value": 5}]},
            {"name": "views", "total_value": {"value": 7}},
        ]
    }
    assert instagram_rows.lifetime_metrics(body) == {"reach": 5, "views": 7}


def _random_insight(rng: random.Random, i: int) -> dict[str, object]:
    """An insights row as the API may send it: usual shapes mostly, odd ones now and then."""

    def count() -> object:
        return rng.choice(
            [str(rng.randrange(10**6)), rng.randrange(10**6), None, "", "12.0", " 7", "0"]
            if rng.random() < 0.2
            else [str(rng.randrange(10**6))]
        )

    def money() -> object:
        return rng.choice(
            ["12.345", 3.5, None, "", "1e2", "-0.50", "7"]
            if rng.random() < 0.2
            else [f"{rng.randrange(10**7) / 100:.2f}"]
        )

    obj: dict[str, object] = {
        "campaign_id": str(1000 + i % 7),
        "date_start": f"2025-05-{1 + i % 28:02d}",
        "age": rng.choice(["18-24", "65+", None, ""]),
        "gender": rng.choice(["female", "male", "unknown", None]),
    }
    for name in ("impressions", "reach", "clicks", "inline_link_clicks"):
        if rng.random() < 0.9:
            obj[name] = count()
    if rng.random() < 0.9:
        obj["spend"] = money()
    if rng.random() < 0.7:
        kinds = ["link_click", "purchase", "omni_purchase", "add_to_cart"]
        obj["actions"] = [{"action_type": k, "value": count()} for k in rng.sample(kinds, 3)]
        obj["action_values"] = [{"action_type": k, "value": money()} for k in rng.sample(kinds, 2)]
    return obj


@pytest.mark.parametrize("seed", range(30))
def test_a_page_converted_by_columns_equals_the_rows_parsed_one_by_one(seed):
    rng = random.Random(seed)
    page = [_random_insight(rng, i) for i in range(rng.choice([1, 5, 40]))]
    try:
        expected = values.to_table(
            [campaign_rows.ad_insight_row(obj, "77", "purchase") for obj in page],
            campaign_rows.AD_INSIGHTS_SCHEMA,
        )
    except IngestError as exc:
        with pytest.raises(IngestError, match=re.escape(str(exc))):
            campaign_rows.ad_insights_table(page, "77", "purchase")
        return
    assert campaign_rows.ad_insights_table(page, "77", "purchase").equals(expected)


def test_usual_pages_take_the_columnar_path():
    """The columnar path is really used for what the API usually sends (else it is dead code
    behind a fallback that hides it)."""
    rng = random.Random(5)
    page = []
    for i in range(50):
        obj = _random_insight(rng, i)
        for name in ("impressions", "reach", "clicks", "inline_link_clicks"):
            obj[name] = str(rng.randrange(10**6))
        obj["spend"] = f"{rng.randrange(10**6) / 100:.2f}"
        obj.pop("actions", None)
        obj.pop("action_values", None)
        page.append(obj)
    table = campaign_rows._ad_insights_columns(page, "77", "purchase", {})
    assert table.num_rows == 50
    assert table["spend"].to_pylist() == [Decimal(o["spend"]) for o in page]
