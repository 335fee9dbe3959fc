"""`insights export`: each view equals an independent pandas computation over the raw demo
rows, and the campaigns view agrees with the table on the Campaigns page."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from insights.cli import main
from tests.conftest import currency_of
from tests.grid import grid_tables


def _export(capsys, db, *args: str) -> list[dict[str, str]]:
    assert main(["export", *args, "--db", str(db)]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def _ads(raw, since: date, until: date) -> pd.DataFrame:
    ads = raw["ad_insights_daily"]
    return ads[ads["date"].between(since.isoformat(), until.isoformat())]


def test_campaigns_view_matches_the_raw_rows(capsys, demo_store_copy, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=40)
    rows = _export(
        capsys, demo_store_copy, "campaigns", "--since", str(since), "--until", str(until)
    )
    ads = _ads(raw, since, until)
    assert {r["campaign_id"] for r in rows} == set(ads["campaign_id"])
    assert list(rows[0]) == [
        "campaign_id", "campaign_name", "currency", "spend", "impressions", "clicks", "ctr",
        "cpc", "cpm", "conversions", "cvr", "cpa", "sales_spend", "conversion_value", "roas",
        "result_type", "results", "cost_per_result",
    ]  # fmt: skip
    currency = currency_of(raw)
    settings = raw["ad_campaigns"]
    objective = dict(zip(settings["campaign_id"], settings["objective"], strict=True))
    # the result each objective seeks, counted over the raw rows as the API reports them
    result_of = {"OUTCOME_SALES": ("purchase", "purchases"), "OUTCOME_LEADS": ("lead", "leads")}
    result_of["OUTCOME_TRAFFIC"] = ("link_click", "link_clicks")
    assert {currency[r["campaign_id"]] for r in rows} == {"USD", "EUR"}
    checked = set()
    for row in rows:
        mine = ads[ads["campaign_id"] == row["campaign_id"]]
        spend = sum(Decimal(v) for v in mine["spend"])
        value = sum(Decimal(v) for v in mine["purchase_value"])
        clicks, imps = mine["clicks"].astype(int).sum(), mine["impressions"].astype(int).sum()
        conv = mine["purchases"].astype(int).sum()
        assert row["currency"] == currency[row["campaign_id"]]
        assert Decimal(row["spend"]) == spend and len(row["spend"].split(".")[1]) == 2
        assert Decimal(row["conversion_value"]) == value
        assert int(row["clicks"]) == clicks and int(row["conversions"]) == conv
        assert float(row["ctr"]) == pytest.approx(clicks / imps, abs=1e-6)
        assert Decimal(row["cpc"]) == (spend / clicks).quantize(Decimal("0.01"))
        assert Decimal(row["cpm"]) == (spend / imps * 1000).quantize(Decimal("0.01"))
        goal = objective[row["campaign_id"]]
        if goal == "OUTCOME_SALES":  # ROAS and CPA belong to the campaigns that sell
            assert float(row["roas"]) == pytest.approx(float(value / spend), abs=1e-6)
        else:
            assert row["roas"] == "" and row["cpa"] == ""
        if goal in result_of:
            kind, column = result_of[goal]
            results = mine[column].astype(int).sum()
            assert row["result_type"] == kind and int(row["results"]) == results
            if results:
                got = Decimal(row["cost_per_result"])
                assert abs(got - spend / results) <= Decimal("0.005")
                assert len(row["cost_per_result"].split(".")[1]) == 2
            checked.add(goal)
    assert checked >= {"OUTCOME_SALES", "OUTCOME_LEADS"}  # the traffic campaign ended earlier


def test_daily_view_with_filters(capsys, demo_store_copy, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=9)
    campaign = raw["ad_campaigns"]["campaign_id"].iloc[0]
    rows = _export(
        capsys, demo_store_copy, "daily", "--since", str(since), "--until", str(until),
        "--campaign-id", campaign, "--age", "25-34", "--age", "35-44", "--gender", "male",
    )  # fmt: skip
    ads = _ads(raw, since, until)
    ads = ads[
        (ads["campaign_id"] == campaign)
        & ads["age"].isin(["25-34", "35-44"])
        & (ads["gender"] == "male")
    ]
    assert [r["date"] for r in rows] == [(since + timedelta(days=i)).isoformat() for i in range(10)]
    for row in rows:
        day = ads[ads["date"] == row["date"]]
        assert Decimal(row["spend"]) == sum((Decimal(v) for v in day["spend"]), Decimal("0"))
        assert int(row["impressions"]) == day["impressions"].astype(int).sum()


def test_posts_view(capsys, demo_store_copy, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=59)
    rows = _export(
        capsys, demo_store_copy, "posts", "--since", str(since), "--until", str(until),
        "--media-type", "CAROUSEL_ALBUM",
    )  # fmt: skip
    media = raw["ig_media"]
    day = media["timestamp"].str[:10]
    mine = media[day.between(since.isoformat(), until.isoformat())]
    mine = mine[mine["media_type"] == "CAROUSEL_ALBUM"].set_index("media_id")
    assert {r["media_id"] for r in rows} == set(mine.index)
    for row in rows:
        post = mine.loc[row["media_id"]]
        engagement = sum(
            int(post[c] or 0) for c in ("like_count", "comments_count", "saved", "shares")
        )
        assert int(row["engagement"]) == engagement
        assert float(row["engagement_rate"]) == pytest.approx(
            engagement / int(post["reach"]), abs=1e-6
        )
        assert row["posted_at"][:19] == pd.Timestamp(post["timestamp"]).tz_convert("UTC").strftime(
            "%Y-%m-%dT%H:%M:%S"
        )


def test_output_file_and_clear_errors(tmp_path, demo_store_copy):
    out = tmp_path / "c.csv"
    assert main(["export", "campaigns", "--db", str(demo_store_copy), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("campaign_id,campaign_name,currency,spend")
    missing = subprocess.run(
        [sys.executable, "-m", "insights", "export", "posts", "--db", str(tmp_path / "no.db")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert missing.returncode == 1 and "no store" in missing.stderr
    backwards = subprocess.run(
        [sys.executable, "-m", "insights", "export", "daily", "--db", str(demo_store_copy),
         "--since", "2026-02-01", "--until", "2026-01-01"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert backwards.returncode == 2 and "after" in backwards.stderr  # a usage error


def _campaigns_page() -> None:
    from insights.ui import campaigns_page

    campaigns_page.render()


def test_the_page_table_and_the_export_agree(capsys, monkeypatch, demo_store_copy, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=50)
    rows = _export(
        capsys, demo_store_copy, "campaigns", "--since", str(since), "--until", str(until)
    )
    monkeypatch.setenv("INSIGHTS_DB", str(demo_store_copy))
    monkeypatch.setenv("INSIGHTS_SOURCE", "demo")
    at = AppTest.from_function(_campaigns_page, default_timeout=60)
    at.query_params.update(
        {"range": "custom", "since": since.isoformat(), "until": until.isoformat()}
    )
    at.run()
    assert not at.exception
    [(shown, totals)] = grid_tables(at)  # one total row per currency
    assert list(shown["Campaign"]) == [r["campaign_name"] for r in rows]
    # dollars and euros in one view: money columns beside a Currency column
    assert {"Spend", "CPA", "Cost per result", "Currency"} <= set(shown.columns)
    for (_, page), cli in zip(shown.iterrows(), rows, strict=True):
        assert page["Currency"] == cli["currency"]
        assert Decimal(str(page["Spend"])) == Decimal(cli["spend"])
        assert page["CTR (%)"] == pytest.approx(float(cli["ctr"]) * 100, abs=0.005)
        assert page["Conversions"] == int(cli["conversions"])
        if cli["cpa"]:
            assert Decimal(str(page["CPA"])) == Decimal(cli["cpa"])
        if cli["results"]:
            assert page["Results"] == int(cli["results"])
    assert list(totals["Campaign"]) == ["Total EUR", "Total USD"]
    for _, total in totals.iterrows():
        mine = [r for r in rows if r["currency"] == total["Currency"]]
        spend = sum(Decimal(r["spend"]) for r in mine)
        assert Decimal(str(total["Spend"])) == spend


def test_export_never_overwrites_a_store(demo_store_copy, tmp_path):
    before = demo_store_copy.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "insights", "export", "campaigns", "--db", str(demo_store_copy)]
        + ["--output", str(demo_store_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "is a DuckDB store" in done.stderr
    assert demo_store_copy.read_bytes() == before
