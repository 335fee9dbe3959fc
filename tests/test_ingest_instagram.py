"""The Instagram ingest against the demo API run to the real API's rules (and a scripted server
for what the demo does not do): what a first run with the defaults stores, refusals kept to
their request, posts kept current, stories kept after they vanish, the follower history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import requests

from insights.api.client import GraphClient, RetryPolicy
from insights.demo import instagram as demo_instagram
from insights.demo.server import DEMO_TOKEN, DemoApi
from insights.ingest import instagram_rows as instagram_store
from insights.ingest.fetch_instagram import InstagramFetcher
from insights.ingest.model import Fetched, IngestOptions, Reporter
from insights.ingest.run import run_ingest
from insights.settings import Settings
from insights.store.database import Store
from tests.scripted_server import ScriptedServer

FAST = RetryPolicy(max_retries=2, backoff_base_s=0.001, backoff_max_s=0.01)
AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


def _served_stories(api: DemoApi, account: str) -> list[dict]:
    body = requests.get(
        f"{api.base_url}/{account}/stories", params={"limit": 100}, headers=AUTH, timeout=10
    ).json()
    return body["data"]


def _fetch_on(store: Store, api: DemoApi, today: date, **options) -> Fetched:
    """One Instagram fetch of every demo account on the demo world's day `today`, written as
    a run writes it (the clock is the demo API's)."""
    fetched = Fetched()
    client = GraphClient(api.base_url, DEMO_TOKEN, retry=FAST)
    try:
        fetcher = InstagramFetcher(
            client, store, Settings(), IngestOptions(**options), Reporter(None, 3), fetched
        )
        for account in api.ig_user_ids:
            fetcher.fetch(account, today)
    finally:
        client.close()
    with store.transaction() as cur:
        instagram_store.write(store, cur, fetched.instagram, fetched.ig_accounts)
    return fetched


def test_a_first_run_with_the_defaults_fills_90_days_every_post_and_every_live_story(tmp_path, raw):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        result = run_ingest(store, Settings(db_path=path, source="demo"))
        days = store.query(
            "SELECT account_id, count(*) AS n, count(views) AS views, count(profile_views) AS pv, "
            "count(website_clicks) AS wc, count(reach) AS reach, min(date) AS first, "
            "max(date) AS last FROM ig_account_daily GROUP BY 1 ORDER BY 1"
        )
        posts = store.query("SELECT media_id, thumbnail_url, media_url FROM ig_media")
        stories = store.query("SELECT * FROM ig_stories")
        snapshots = store.query("SELECT * FROM ig_follower_snapshots")
        audience = store.query("SELECT * FROM ig_audience")
        watch = store.query(
            "SELECT media_id, reels_avg_watch_time_ms, reels_total_watch_time_ms FROM ig_media "
            "WHERE reels_total_watch_time_ms IS NOT NULL ORDER BY media_id"
        )
    assert result.status == "succeeded"
    daily = raw["ig_account_daily"]
    last = date.fromisoformat(daily["date"].max())  # the demo world's yesterday
    assert days["n"].tolist() == days["views"].tolist() == [90, 90, 90]
    assert days["pv"].tolist() == days["wc"].tolist() == days["reach"].tolist() == [90, 90, 90]
    assert set(days["first"].dt.date) == {last - timedelta(days=89)}
    assert set(days["last"].dt.date) == {last}
    assert sorted(posts["media_id"]) == sorted(raw["ig_media"]["media_id"])
    assert posts["media_url"].notna().all()
    with DemoApi() as api:  # what the API shows now, read independently
        live = {s["id"] for a in api.ig_user_ids for s in _served_stories(api, a)}
        tiny = {s for s in live if api.instagram.stories[s].reach < 5}
    assert set(stories["story_id"]) == live and tiny
    no_data = stories[stories["story_id"].isin(tiny)]
    assert no_data["reach"].isna().all() and no_data["insights_note"].str.contains("5").all()
    assert stories[~stories["story_id"].isin(tiny)]["reach"].notna().all()
    assert stories["taps_forward"].notna().sum() == len(live) - len(tiny)
    accounts = raw["ig_accounts"].set_index("account_id")["followers_count"].astype(int)
    assert snapshots.set_index("account_id")["followers_count"].to_dict() == accounts.to_dict()
    assert set(audience["breakdown"]) == {"age", "gender", "country", "city"}
    with DemoApi() as api:  # Reels watch time as the API answers it, for a few reels
        for media_id, avg_ms, total_ms in watch.head(5).itertuples(index=False):
            body = requests.get(
                f"{api.base_url}/{media_id}/insights",
                params={"metric": "ig_reels_avg_watch_time,ig_reels_video_view_total_time"},
                headers=AUTH,
                timeout=10,
            ).json()
            served = {e["name"]: e["values"][0]["value"] for e in body["data"]}
            assert (avg_ms, total_ms) == (
                served["ig_reels_avg_watch_time"],
                served["ig_reels_video_view_total_time"],
            )
    assert len(watch) > 100
    skipped = [n for n in result.notes if n.kind == "skipped"]
    assert any("business account" in n.message for n in skipped)  # the 2108006 posts
    assert any("fewer than 5 viewers" in n.message for n in skipped)  # said, not failed


def test_views_and_the_other_total_value_metrics_are_daily_figures(tmp_path, raw):
    with DemoApi() as api, Store(tmp_path / "s.duckdb") as store:
        _fetch_on(store, api, api.instagram.today)
        stored = store.query(
            "SELECT account_id, strftime(date, '%Y-%m-%d') AS date, views, profile_views, "
            "website_clicks, reach FROM ig_account_daily"
        )
    daily = raw["ig_account_daily"]
    merged = stored.merge(daily, on=["account_id", "date"], suffixes=("", "_served"))
    assert len(merged) == len(stored) == 270
    for column in ("views", "profile_views", "website_clicks", "reach"):
        assert (merged[column] == merged[f"{column}_served"].astype(int)).all(), column


def test_a_refused_metric_is_refused_for_its_request_only(tmp_path):
    with DemoApi() as api, Store(tmp_path / "s.duckdb") as store:
        account = api.ig_user_ids[0]
        bad_day = api.instagram.today - timedelta(days=10)
        api.instagram.refused[(account, bad_day)] = {"views"}
        fetched = _fetch_on(store, api, api.instagram.today)
        days = store.query(
            "SELECT date, views, profile_views FROM ig_account_daily WHERE account_id = $a",
            {"a": account},
        )
        days = days.set_index(days["date"].dt.date)
        others = store.query(
            "SELECT count(views) AS n FROM ig_account_daily WHERE account_id <> $a", {"a": account}
        )
    assert pd.isna(days.loc[bad_day, "views"]) and days.loc[bad_day, "profile_views"] > 0
    assert days.drop(index=bad_day)["views"].notna().all()  # the next day was asked again
    assert others["n"][0] == 180
    assert fetched.incomplete
    refused = [n for n in fetched.notes if n.kind == "incomplete"]
    assert len(refused) == 1 and "views" in refused[0].message
    assert str(bad_day) in refused[0].message


def test_posts_are_read_again_while_young_and_weekly_when_old(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        with DemoApi() as api:
            today = api.instagram.today
            _fetch_on(store, api, today)
        read = "SELECT media_id, posted_at, insights_read_at, reach FROM ig_media"
        first = store.query(read).set_index("media_id")
        later = api.instagram.start + timedelta(days=3)
        with DemoApi(instagram_now=later) as api:
            _fetch_on(store, api, later.date())
        second = store.query(read).set_index("media_id").loc[first.index]
        young = first["posted_at"].dt.date >= later.date() - timedelta(days=90)
        assert young.sum() > 20 and (~young).sum() > 500
        reread = second["insights_read_at"] > first["insights_read_at"]
        assert reread[young].all() and not reread[~young].any()
        assert (second["reach"].fillna(-1) == first["reach"].fillna(-1)).all()  # kept
        week = api.instagram.start + timedelta(days=8)
        with DemoApi(instagram_now=week) as api:
            _fetch_on(store, api, week.date())
        third = store.query(read).set_index("media_id").loc[first.index]
        assert (third["insights_read_at"] > first["insights_read_at"]).all()


def test_stories_stay_in_the_store_after_they_leave_the_api(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        with DemoApi() as api:
            _fetch_on(store, api, api.instagram.today)
            seen_first = {
                s for a in api.ig_user_ids for s in (x["id"] for x in _served_stories(api, a))
            }
        later = api.instagram.start + timedelta(hours=30)
        with DemoApi(instagram_now=later) as api:
            seen_later = {s["id"] for a in api.ig_user_ids for s in _served_stories(api, a)}
            _fetch_on(store, api, later.date())
        stored = set(store.query("SELECT story_id FROM ig_stories")["story_id"])
    assert seen_first - seen_later and seen_later - seen_first  # some vanished, some are new
    assert stored == seen_first | seen_later


def test_followers_snapshots_make_a_history_and_net_growth(tmp_path):
    from insights.figures import overview
    from insights.figures.filters import Filters

    with Store(tmp_path / "s.duckdb") as store:
        with DemoApi() as api:
            start = api.instagram.start
            _fetch_on(store, api, start.date())
        with DemoApi(instagram_now=start + timedelta(days=4)) as api:
            _fetch_on(store, api, (start + timedelta(days=4)).date())
            followers = sum(api.instagram.followers(a) for a in api.ig_user_ids)
        snapshots = store.query("SELECT * FROM ig_follower_snapshots")
        assert len(snapshots) == 6
        filters = Filters(start.date() - timedelta(days=1), start.date() + timedelta(days=4))
        with store.cursor() as cur:
            kpis = overview.kpi_table(cur, filters).set_index("metric")
    assert kpis.loc["followers", "value"] == followers
    assert kpis.loc["net_followers", "value"] == 3 * 25 * 4  # the demo world's 25 a day


def test_asking_further_back_than_two_years_reads_from_the_limit(tmp_path):
    with DemoApi() as api, Store(tmp_path / "s.duckdb") as store:
        today = api.instagram.today
        fetched = _fetch_on(store, api, today, since=today - timedelta(days=1000))
    warnings = [n.message for n in fetched.notes if n.kind == "warning"]
    assert any("last 2 years" in m for m in warnings)
    assert any("90 days" in m for m in warnings)  # older days were not asked for views
    assert not fetched.incomplete


def test_an_account_that_gives_no_insights_makes_the_run_partial(tmp_path):
    ok = lambda body: (200, body, {})  # noqa: E731
    server = ScriptedServer()
    server.script("/v21.0/1", ok({"id": "1", "username": "quiet", "followers_count": 50}))
    server.script("/v21.0/1/media", ok({"data": []}))
    server.script("/v21.0/1/stories", ok({"data": []}))
    server.script("/v21.0/1/insights", ok({"data": []}))
    with server.running(), Store(tmp_path / "s.duckdb") as store:
        settings = Settings(
            source="graph", base_url=server.base_url, access_token="t", ig_user_ids=("1",)
        )
        result = run_ingest(store, settings, retry=FAST)
        runs = store.query("SELECT status FROM ingest_runs")
        notes = store.query("SELECT kind, message FROM ingest_notes")
    assert result.status == "partial" and runs["status"].tolist() == ["partial"]
    assert any(
        k == "incomplete" and "no account insights" in m
        for k, m in zip(notes["kind"], notes["message"], strict=True)
    )


def test_the_demo_models_the_real_rules(raw):
    """The demo API refuses what Meta refuses (plain HTTP, comma-separated and JSON lists)."""
    with DemoApi() as api:
        account = api.ig_user_ids[0]
        url = f"{api.base_url}/{account}/insights"
        today = api.instagram.today
        unix = _unix

        def ask(**params):
            return requests.get(url, params=params, headers=AUTH, timeout=10).json()

        day = today - timedelta(days=2)
        window = {"since": unix(day), "until": unix(day + timedelta(days=1)), "period": "day"}
        assert "metric_type=total_value" in ask(metric="views", **window)["error"]["message"]
        shaped = ask(metric='["views","reach"]', metric_type="total_value", **window)["data"]
        assert {e["name"] for e in shaped} == {"views", "reach"}
        assert all(set(e["total_value"]) == {"value"} for e in shaped)
        old = today - timedelta(days=120)  # beyond the 90 days Meta keeps
        gone = ask(
            metric="reach", since=unix(old), until=unix(old + timedelta(days=5)), period="day"
        )
        assert gone["data"][0]["values"] == []
        followers = ask(
            metric="follower_count",
            since=unix(today - timedelta(days=40)),
            until=unix(today - timedelta(days=20)),
            period="day",
        )["data"][0]["values"]
        first = min(v["end_time"][:10] for v in followers)
        assert date.fromisoformat(first) - timedelta(days=1) == today - timedelta(days=30)
        week = ask(
            metric="reach",
            metric_type="total_value",
            since=unix(today - timedelta(days=7)),
            until=unix(today),
            period="day",
        )["data"][0]["total_value"]["value"]
        daily = raw["ig_account_daily"]
        mine = daily[
            (daily["account_id"] == account) & (daily["date"] >= str(today - timedelta(days=7)))
        ]
        assert week < int(mine["reach"].astype(int).sum())  # unique reach is below the sum
    assert demo_instagram.RETENTION_DAYS == 90


def test_impossible_instagram_figures_are_left_out_and_named(tmp_path):
    """A server sending a negative reach or like count, for a post and for a day: the figure
    is left out (NULL), the run is partial and says which and why; the rest is stored."""
    from dataclasses import replace

    from insights.demo import dataset as demo_data

    base = demo_data.load()
    media = base.ig_media.sort_values("timestamp", ascending=False).copy()
    hostile_post, liked_post = media["media_id"].iloc[0], media["media_id"].iloc[1]
    media.loc[media["media_id"] == hostile_post, "reach"] = -5
    media.loc[media["media_id"] == liked_post, "like_count"] = -3
    daily = base.ig_account_daily.copy()
    last = daily["date"].max()
    hostile_day = (daily["date"] == last) & (daily["account_id"] == daily["account_id"].iloc[0])
    daily.loc[hostile_day, "reach"] = -7
    dataset = replace(base, ig_media=media, ig_account_daily=daily)
    path = tmp_path / "s.duckdb"
    with DemoApi(dataset) as api, Store(path) as store:
        fetched = _fetch_on(store, api, api.instagram.today)
        posts = store.query("SELECT media_id, reach, like_count FROM ig_media").set_index(
            "media_id"
        )
        days = store.query(
            "SELECT account_id, strftime(date, '%Y-%m-%d') AS date, reach, views "
            "FROM ig_account_daily"
        )
    notes = [f"{n.kind}: {n.message}" for n in fetched.notes]
    assert pd.isna(posts.loc[hostile_post, "reach"])
    assert any("negative count" in n and "reach" in n and "left out" in n for n in notes), notes
    assert liked_post not in posts.index  # an impossible post row is left out whole, and said
    assert any("like_count" in n and "That post was left out" in n for n in notes), notes
    assert len(posts) == len(media) - 1
    day = days[(days["date"] == last) & (days["account_id"] == daily["account_id"].iloc[0])]
    assert len(day) == 1 and pd.isna(day["reach"].iloc[0]) and day["views"].notna().all()
    assert any("-7" in n and "left out" in n for n in notes), notes
    assert all(n.startswith("incomplete") for n in notes if "left out" in n)
