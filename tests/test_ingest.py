"""Ingest over real HTTP from the demo API: the store equals the data set, to the cent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from insights.demo import instagram as demo_instagram
from insights.demo.server import DemoApi
from insights.errors import IngestError
from insights.ingest.model import date_windows
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store


def _money(series: pd.Series) -> Decimal:
    return sum((Decimal(v) for v in series if v != ""), Decimal("0"))


def _ints(series: pd.Series) -> int:
    return int(sum(int(v) for v in series if v != ""))


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


def test_demo_ingest_equals_the_data_set(demo_store_file, raw):
    ads = raw["ad_insights_daily"]
    con = duckdb.connect(str(demo_store_file), read_only=True)
    assert _one(con, "SELECT count(*) FROM ad_insights_daily") == len(ads)
    assert _one(con, "SELECT sum(spend) FROM ad_insights_daily") == _money(ads["spend"])
    assert _one(con, "SELECT sum(conversion_value) FROM ad_insights_daily") == _money(
        ads["purchase_value"]
    )
    for column, raw_column in (
        ("impressions", "impressions"),
        ("clicks", "clicks"),
        ("link_clicks", "link_clicks"),
        ("conversions", "purchases"),
    ):
        assert _one(con, f"SELECT sum({column}) FROM ad_insights_daily") == _ints(
            ads[raw_column]
        ), column
    # reach with breakdowns is served only for the last 13 months (Meta, since 2025-06-10)
    cutoff = (pd.Timestamp.today().normalize() - pd.DateOffset(months=13)).date().isoformat()
    recent = ads[ads["date"] >= cutoff]
    assert _one(con, "SELECT sum(reach) FROM ad_insights_daily") == _ints(recent["reach"])
    assert _one(con, "SELECT count(*) FROM ad_insights_daily WHERE reach IS NULL") == len(
        ads
    ) - len(recent)
    per_campaign = dict(
        con.execute("SELECT campaign_id, sum(spend) FROM ad_insights_daily GROUP BY 1").fetchall()
    )
    expected = {cid: _money(g["spend"]) for cid, g in ads.groupby("campaign_id")}
    assert per_campaign == expected

    campaigns = raw["ad_campaigns"]
    stored = con.execute(
        "SELECT campaign_id, name, objective, daily_budget, lifetime_budget "
        "FROM ad_campaigns ORDER BY 1"
    ).fetchall()
    assert len(stored) == len(campaigns)
    for (cid, name, objective, daily, lifetime), (_, row) in zip(
        stored, campaigns.sort_values("campaign_id").iterrows(), strict=True
    ):
        assert (cid, name, objective) == (row["campaign_id"], row["name"], row["objective"])
        assert daily == (Decimal(row["daily_budget"]) / 100 if row["daily_budget"] else None)
        assert lifetime == (
            Decimal(row["lifetime_budget"]) / 100 if row["lifetime_budget"] else None
        )

    media = raw["ig_media"]
    assert _one(con, "SELECT count(*) FROM ig_media") == len(media)
    # what the API serves: no insights for posts from before the business conversion, no
    # like_count where likes are hidden, no views for carousels (the demo API's documented rules)
    converted = media.apply(demo_instagram.before_conversion, axis=1)
    hidden = media["media_id"].map(demo_instagram.likes_hidden)
    with_insights = media[~converted]
    assert converted.sum() > 0 and hidden.sum() > 0
    # hidden like counts: left out of the listing, read from the post itself
    assert _one(con, "SELECT count(like_count) FROM ig_media") == len(media)
    assert _one(con, "SELECT sum(like_count) FROM ig_media") == _ints(media["like_count"])
    assert _one(con, "SELECT sum(comments_count) FROM ig_media") == _ints(media["comments_count"])
    for column in ("reach", "saved", "shares", "views", "total_interactions"):
        assert _one(con, f"SELECT coalesce(sum({column}), 0) FROM ig_media") == _ints(
            with_insights[column]
        ), column
    assert _one(con, "SELECT coalesce(sum(likes), 0) FROM ig_media") == _ints(
        with_insights["like_count"]
    )  # the likes insight, hidden or not
    missing_views = int(((media["views"] == "") | converted).sum())
    assert _one(con, "SELECT count(*) FROM ig_media WHERE views IS NULL") == missing_views
    assert _one(con, "SELECT count(*) FROM ig_media WHERE reach IS NULL") == converted.sum()
    first = media.iloc[0]
    posted = _one(
        con,
        f"SELECT strftime(timezone('UTC', posted_at), '%Y-%m-%dT%H:%M:%S') "
        f"FROM ig_media WHERE media_id = '{first['media_id']}'",
    )
    assert posted == first["timestamp"][:19]

    # account insights: Meta keeps them 90 days, follower_count 30 days
    daily = raw["ig_account_daily"]
    last = date.fromisoformat(daily["date"].max())
    kept = daily[daily["date"] >= (last - timedelta(days=89)).isoformat()]
    assert _one(con, "SELECT count(*) FROM ig_account_daily") == len(kept) == 3 * 90
    for column in ("reach", "views", "profile_views", "website_clicks"):
        assert _one(con, f"SELECT sum({column}) FROM ig_account_daily") == _ints(kept[column]), (
            column
        )
    recent = daily[daily["date"] >= (last - timedelta(days=29)).isoformat()]
    assert _one(con, "SELECT sum(follower_count) FROM ig_account_daily") == _ints(
        recent["follower_count"]
    )
    assert _one(con, "SELECT count(*) FROM ig_accounts") == len(raw["ig_accounts"])
    runs = con.execute("SELECT status, rows_written, error FROM ingest_runs").fetchall()
    assert runs[-1][0] == "succeeded" and runs[-1][1] > len(ads) and runs[-1][2] is None
    con.close()


def test_other_page_sizes_and_field_order_give_the_same_rows(tmp_path, raw, demo_range):
    since = date(demo_range[1].year, demo_range[1].month, 1)
    with (
        DemoApi(page_size=37, shuffle_fields=True, access_token="other-token-xyz") as api,
        Store(tmp_path / "s.duckdb") as store,
    ):
        settings = Settings(
            source="graph",
            base_url=api.base_url,
            access_token="other-token-xyz",
            ig_user_ids=tuple(api.ig_user_ids[:1]),
            ad_account_ids=tuple(f"act_{a}" for a in api.ad_account_ids),
        )
        run_ingest(store, settings, options=IngestOptions(since, demo_range[1]))
        with store.cursor() as cur:
            spend = _one(cur, "SELECT sum(spend) FROM ad_insights_daily")
            rows = _one(cur, "SELECT count(*) FROM ad_insights_daily")
            daily = _one(cur, "SELECT sum(reach) FROM ig_account_daily")
    ads = raw["ad_insights_daily"]
    window = ads[ads["date"] >= since.isoformat()]
    assert rows == len(window) and spend == _money(window["spend"])
    acc = raw["ig_account_daily"]
    acc = acc[(acc["account_id"] == api.ig_user_ids[0]) & (acc["date"] >= since.isoformat())]
    assert daily == _ints(acc["reach"])


def test_a_second_run_changes_nothing(demo_store_copy, demo_range):
    def snapshot(store: Store) -> list[tuple]:
        with store.cursor() as cur:
            return [
                cur.execute(f"SELECT count(*), {agg} FROM {table}").fetchone()
                for table, agg in (
                    ("ad_insights_daily", "sum(spend)"),
                    ("ig_media", "sum(reach)"),
                    ("ig_account_daily", "sum(reach)"),
                    ("ad_campaigns", "count(DISTINCT name)"),
                )
            ]

    with Store(demo_store_copy) as store:
        before = snapshot(store)
        result = run_ingest(
            store,
            Settings(db_path=demo_store_copy, source="demo"),
            options=IngestOptions(until=demo_range[1]),
        )
        assert snapshot(store) == before
        # incremental: only the lookback window of ad insights was read again
        assert 0 < result.rows_written["ad_insights_daily"] < before[0][0] / 10
        runs = store.query("SELECT status FROM ingest_runs ORDER BY run_id")["status"].tolist()
        assert runs == ["succeeded", "succeeded"]


def test_bad_token_fails_cleanly_and_keeps_the_store(demo_store_copy):
    secret = "EAAB-wrong-token-4711"
    with DemoApi() as api, Store(demo_store_copy) as store:
        with store.cursor() as cur:
            before = cur.execute("SELECT count(*), sum(spend) FROM ad_insights_daily").fetchone()
        settings = Settings(
            source="graph",
            base_url=api.base_url,
            access_token=secret,
            ad_account_ids=tuple(api.ad_account_ids),
        )
        with pytest.raises(IngestError) as info:
            run_ingest(store, settings)
        assert "access token" in str(info.value) and secret not in str(info.value)
        with store.cursor() as cur:
            after = cur.execute("SELECT count(*), sum(spend) FROM ad_insights_daily").fetchone()
            last = cur.execute(
                "SELECT status, error FROM ingest_runs ORDER BY run_id DESC LIMIT 1"
            ).fetchone()
        assert after == before
        assert last[0] == "failed" and "access token" in last[1] and secret not in last[1]


def test_graph_source_needs_a_token(tmp_path):
    with (
        Store(tmp_path / "s.duckdb") as store,
        pytest.raises(IngestError, match="INSIGHTS_ACCESS_TOKEN"),
    ):
        run_ingest(store, Settings(source="graph", ad_account_ids=("act_1",)))


def test_cli_ingest_exit_status_and_no_token_anywhere(tmp_path, demo_range):
    secret = "EAAB-cli-secret-99"
    db = tmp_path / "cli.duckdb"
    with DemoApi(access_token=secret) as api:
        env = {
            **os.environ,
            "INSIGHTS_ACCESS_TOKEN": secret,
            "INSIGHTS_AD_ACCOUNT_IDS": ",".join(api.ad_account_ids),
        }
        since = demo_range[1].replace(day=1).isoformat()
        ok = subprocess.run(
            [
                sys.executable,
                "-m",
                "insights",
                "ingest",
                "--db",
                str(db),
                "--source",
                "graph",
                "--base-url",
                api.base_url,
                "--since",
                since,
                "--until",
                demo_range[1].isoformat(),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ok.returncode == 0, ok.stderr
        assert "succeeded" in ok.stdout
        bad = subprocess.run(
            [
                sys.executable,
                "-m",
                "insights",
                "ingest",
                "--db",
                str(db),
                "--source",
                "graph",
                "--base-url",
                api.base_url,
            ],
            env={**env, "INSIGHTS_ACCESS_TOKEN": secret + "x"},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines()[-1].startswith("insights: The access token")
    for text in (ok.stdout, ok.stderr, bad.stdout, bad.stderr):
        assert secret not in text
    con = duckdb.connect(str(db), read_only=True)
    dump = json.dumps(con.execute("SELECT * FROM ingest_runs").fetchall(), default=str)
    assert secret not in dump and "failed" in dump
    con.close()
    assert secret.encode() not in db.read_bytes()


def test_date_windows_cover_the_range_exactly():
    windows = date_windows(date(2025, 1, 1), date(2025, 3, 15), 30)
    assert windows[0][0] == date(2025, 1, 1) and windows[-1][1] == date(2025, 3, 15)
    assert all((b - a).days <= 29 for a, b in windows)
    assert all(
        w2[0] == date.fromordinal(w1[1].toordinal() + 1)
        for w1, w2 in zip(windows, windows[1:], strict=False)
    )
