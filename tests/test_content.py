"""The Content page's figures against pandas over the raw demo posts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest

from insights import content
from insights.dashboard import Filters
from insights.errors import QueryError
from insights.store import Store


@pytest.fixture
def store(demo_store_copy):
    with Store(demo_store_copy) as opened:
        yield opened


@pytest.fixture
def posts(raw) -> pd.DataFrame:
    media = raw["ig_media"].copy()
    media["at"] = pd.to_datetime(media["timestamp"], utc=True)
    for column in ("reach", "like_count", "comments_count", "saved", "shares"):
        media[column] = pd.to_numeric(media[column].replace("", "0")).astype(int)
    media["engagement"] = media[["like_count", "comments_count", "saved", "shares"]].sum(axis=1)
    return media


def _window(posts: pd.DataFrame, since: date, until: date) -> pd.DataFrame:
    day = posts["at"].dt.date
    return posts[(day >= since) & (day <= until)]


def test_top_posts_by_reach_for_one_account(store, posts, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=120)
    account = posts["account_id"].iloc[0]
    with store.cursor() as cur:
        top = content.top_posts(cur, Filters(since, until, account_ids=(account,)), "reach", 7)
    mine = _window(posts, since, until)
    mine = mine[mine["account_id"] == account].sort_values(
        ["reach", "media_id"], ascending=[False, True]
    )
    assert list(top["media_id"]) == list(mine["media_id"].head(7))
    first = mine.iloc[0]
    assert top.iloc[0]["engagement_rate"] == pytest.approx(first["engagement"] / first["reach"])
    with pytest.raises(QueryError):
        content.top_posts(cur, Filters(since, until), "reach; DROP TABLE ig_media", 5)


def test_formats_give_rate_of_sums_and_the_spread(store, posts, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=180)
    with store.cursor() as cur:
        frame = content.formats(cur, Filters(since, until)).set_index(["dimension", "value"])
    mine = _window(posts, since, until)
    for media_type, group in mine.groupby("media_type"):
        row = frame.loc[("media_type", media_type)]
        assert row["posts"] == len(group)
        assert row["engagement_rate"] == pytest.approx(
            group["engagement"].sum() / group["reach"].sum()
        )
        per_post = group["engagement"] / group["reach"]
        assert row["er_median"] == pytest.approx(per_post.median())
        assert row["er_p25"] == pytest.approx(per_post.quantile(0.25))
    reels = mine[mine["media_product_type"] == "REELS"]
    assert frame.loc[("product_type", "REELS"), "posts"] == len(reels)


def test_best_time_moves_with_the_time_zone(store, posts, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=365)
    mine = _window(posts, since, until)
    with store.cursor() as cur:
        utc = content.best_time(cur, Filters(since, until), "UTC")
        la = content.best_time(cur, Filters(since, until), "America/Los_Angeles")
    assert len(utc) == len(la) == 7 * 24
    local = mine["at"].dt.tz_convert("America/Los_Angeles")
    expected = mine.groupby([local.dt.day_of_week, local.dt.hour]).size()
    got = la.set_index(["weekday", "hour"])["posts"]
    assert got[got > 0].to_dict() == expected.to_dict()
    assert utc.set_index(["weekday", "hour"])["posts"].to_dict() != got.to_dict()
    cell = expected.idxmax()
    in_cell = mine[(local.dt.day_of_week == cell[0]) & (local.dt.hour == cell[1])]
    rate = la.set_index(["weekday", "hour"]).loc[cell, "engagement_rate"]
    assert rate == pytest.approx(in_cell["engagement"].sum() / in_cell["reach"].sum())
    with pytest.raises(QueryError, match="time zone"):
        content.best_time(cur, Filters(since, until), "Mars/Olympus'; --")


def test_hashtags_with_a_threshold(store, posts, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=200)
    mine = _window(posts, since, until).copy()
    mine["tags"] = [sorted(set(re.findall(r"#\w+", c.lower()))) for c in mine["caption"]]
    exploded = mine.explode("tags").dropna(subset=["tags"])
    counts = exploded.groupby("tags").agg(
        posts=("media_id", "size"), reach=("reach", "sum"), engagement=("engagement", "sum")
    )
    with store.cursor() as cur:
        tags = content.hashtags(cur, Filters(since, until), 8).set_index("hashtag")
    wanted = counts[counts["posts"] >= 8]
    assert set(tags.index) == set(wanted.index)
    for tag, row in wanted.iterrows():
        assert tags.loc[tag, "posts"] == row["posts"]
        assert tags.loc[tag, "engagement_rate"] == pytest.approx(row["engagement"] / row["reach"])
    assert list(tags["engagement_rate"]) == sorted(tags["engagement_rate"], reverse=True)


def test_a_range_without_posts_is_empty_not_an_error(store):
    nothing = Filters(date(2001, 1, 1), date(2001, 1, 31))
    with store.cursor() as cur:
        assert content.top_posts(cur, nothing).empty
        assert content.formats(cur, nothing).empty
        assert content.hashtags(cur, nothing, 1).empty
        cells = content.best_time(cur, nothing, "Europe/Paris")
    assert len(cells) == 168 and cells["posts"].sum() == 0
