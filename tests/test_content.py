"""The Content page's figures against pandas over the raw demo posts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest

from insights.demo import instagram as demo_instagram
from insights.errors import QueryError
from insights.figures import content
from insights.figures.filters import Filters
from insights.store.database import Store


@pytest.fixture
def store(demo_store_copy):
    with Store(demo_store_copy) as opened:
        yield opened


@pytest.fixture
def posts(raw) -> pd.DataFrame:
    """The demo posts as the API serves them: posts from before the business conversion have no
    insights (their engagement is their likes and comments, hidden like counts being read from
    the post itself)."""
    media = raw["ig_media"].copy()
    media["at"] = pd.to_datetime(media["timestamp"], utc=True)
    for column in ("reach", "like_count", "comments_count", "saved", "shares"):
        media[column] = pd.to_numeric(media[column].replace("", "0")).astype(int)
    converted = media.apply(demo_instagram.before_conversion, axis=1)
    listed = media["like_count"] + media["comments_count"]
    media["engagement"] = media[["like_count", "comments_count", "saved", "shares"]].sum(axis=1)
    media.loc[converted, "engagement"] = listed[converted]
    media.loc[converted, ["reach", "saved", "shares"]] = 0
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


@pytest.mark.parametrize(
    "tz",
    # +5:45; +5:30; -3:30 with DST; +10:30 whose DST moves the clock by half an hour
    ["Asia/Kathmandu", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe"],
)
def test_best_time_in_zones_off_the_whole_hour(store, posts, demo_range, tz):
    until = demo_range[1]
    since = until - timedelta(days=400)  # a range that crosses both of a year's DST changes
    mine = _window(posts, since, until)
    with store.cursor() as cur:
        cells = content.best_time(cur, Filters(since, until), tz)
    local = mine["at"].dt.tz_convert(tz)
    expected = mine.groupby([local.dt.day_of_week, local.dt.hour]).agg(
        posts=("media_id", "size"), reach=("reach", "sum"), engagement=("engagement", "sum")
    )
    assert [tuple(x) for x in cells[["weekday", "hour"]].to_numpy()] == [
        (d, h) for d in range(7) for h in range(24)
    ]
    got = cells.set_index(["weekday", "hour"])
    assert got.loc[got["posts"] > 0, "posts"].to_dict() == expected["posts"].to_dict()
    assert got.loc[got["posts"] > 0, "engagement"].to_dict() == expected["engagement"].to_dict()
    assert got.loc[got["posts"] > 0, "post_reach"].to_dict() == expected["reach"].to_dict()


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


def _posts_store(path, posts: list[dict]) -> Store:
    store = Store(path)
    with store.transaction() as cur:
        cur.register("rows", pd.DataFrame(posts))
        cur.execute(
            "INSERT INTO ig_media (media_id, account_id, posted_at, media_type, "
            "media_product_type, caption, hashtags, reach, like_count, comments_count, saved, "
            "shares) SELECT media_id, account_id, posted_at, media_type, 'FEED', caption, "
            "hashtags_of(caption), reach, likes, 0, 0, 0 FROM rows"
        )
    return store


def test_recommendations_shrink_lucky_slots_and_find_the_truly_better_one(tmp_path):
    """60 posts at 5% engagement; Tuesdays 18-21h hold 10 posts at 12% (truly better); one
    Sunday 06-09h slot has 2 lucky posts at 15%. By raw rate the lucky slot comes first;
    shrunk toward the account's rate, Tuesday must."""
    from datetime import UTC, datetime

    monday = datetime(2026, 3, 2, 10, tzinfo=UTC)
    posts = []
    for i in range(60):
        when = monday + timedelta(days=i % 28, hours=(i * 5) % 7)
        posts.append({"when": when, "rate": 0.05})
    posts += [
        {"when": monday + timedelta(days=1 + 7 * (i % 4), hours=9), "rate": 0.12} for i in range(10)
    ]  # fmt: skip  (Tuesday 19:00 UTC)
    posts += [{"when": monday + timedelta(days=6, hours=-3 + i), "rate": 0.15} for i in range(2)]
    rows = [
        {"media_id": f"m{i}", "account_id": "acc", "posted_at": p["when"], "media_type": "IMAGE",
         "caption": "#spring" if p["rate"] == 0.12 else "#daily", "reach": 1000,
         "likes": round(1000 * p["rate"])}
        for i, p in enumerate(posts)
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    filters = Filters(since=date(2026, 3, 1), until=date(2026, 4, 30), compare="none")
    with _posts_store(tmp_path / "s.duckdb", rows) as store, store.cursor() as cur:
        found = content.recommendations(cur, filters, "UTC")
    times = found[found["dimension"] == "time"]
    assert times["option"].iloc[0] == "Tue 18:00–21:00"
    mean = frame["likes"].sum() / frame["reach"].sum()
    tue = frame[(frame["posted_at"].dt.day_of_week == 1) & (frame["posted_at"].dt.hour // 3 == 6)]
    n = len(tue)
    rate = tue["likes"].sum() / tue["reach"].sum()
    k = content.PRIOR_POSTS
    assert times["expected"].iloc[0] == pytest.approx((n * rate + k * mean) / (n + k))
    lucky = found[(found["dimension"] == "time") & found["option"].str.startswith("Sun 06")]
    assert lucky.empty or lucky["expected"].iloc[0] < times["expected"].iloc[0]
    sunday = frame[(frame["posted_at"].dt.day_of_week == 6) & (frame["posted_at"].dt.hour < 9)]
    assert sunday["likes"].sum() / sunday["reach"].sum() > rate  # raw rates rank it first
    assert found[found["dimension"] == "hashtag"]["option"].iloc[0] == "#spring"
    low, high = times["low"].iloc[0], times["high"].iloc[0]
    assert low < times["expected"].iloc[0] < high


def test_a_short_history_recommends_nothing(tmp_path):
    from datetime import UTC, datetime

    rows = [
        {"media_id": f"m{i}", "account_id": "acc", "posted_at": datetime(2026, 3, 2, tzinfo=UTC)
         + timedelta(days=i), "media_type": "IMAGE", "caption": "", "reach": 100, "likes": 5}
        for i in range(content.MIN_ACCOUNT_POSTS - 1)
    ]  # fmt: skip
    filters = Filters(since=date(2026, 3, 1), until=date(2026, 4, 30), compare="none")
    with _posts_store(tmp_path / "s.duckdb", rows) as store, store.cursor() as cur:
        found = content.recommendations(cur, filters, "UTC")
    assert found["dimension"].tolist() == ["too short"]
    assert found["posts"].iloc[0] == content.MIN_ACCOUNT_POSTS - 1


def test_posts_without_insights_do_not_lift_the_engagement_rate(store, posts):
    # the months before the third demo account became a business account (error 2108006)
    since, until = date(2024, 12, 1), date(2025, 4, 30)
    converted = posts.apply(demo_instagram.before_conversion, axis=1)
    mine = _window(posts, since, until)
    rated = mine[~converted.loc[mine.index]]
    assert len(rated) < len(mine)  # some posts of the window have no insights
    with store.cursor() as cur:
        frame = content.formats(cur, Filters(since, until)).set_index(["dimension", "value"])
    for media_type, group in rated.groupby("media_type"):
        row = frame.loc[("media_type", media_type)]
        assert row["posts"] == len(mine[mine["media_type"] == media_type])
        assert row["engagement_rate"] == pytest.approx(
            group["engagement"].sum() / group["reach"].sum()
        )


def _expected_recommendations(posts: pd.DataFrame, until: date, tz: str = "UTC") -> pd.DataFrame:
    """What to post next computed with pandas over the raw demo posts: the 180 days up to
    `until`, posts with reach, options on at least 5 posts whose rate beats the account's,
    shrunk toward the account's rate by 10 posts, the best 3 of each kind."""
    mine = _window(posts, until - timedelta(days=179), until)
    mine = mine[mine["reach"] > 0].copy()
    local = mine["at"].dt.tz_convert(tz)
    mine["format"] = mine["media_type"]
    mine["time"] = local.dt.day_of_week.astype(str) + ":" + (local.dt.hour // 3 * 3).astype(str)
    mine["hashtag"] = [sorted(set(re.findall(r"#\w+", c.lower()))) for c in mine["caption"]]
    rows = []
    for account, theirs in mine.groupby("account_id"):
        account_rate = theirs["engagement"].sum() / theirs["reach"].sum()
        for dimension in ("format", "time", "hashtag"):
            options = theirs.explode(dimension).dropna(subset=[dimension])
            sums = options.groupby(dimension).agg(
                posts=("media_id", "size"), reach=("reach", "sum"), eng=("engagement", "sum")
            )
            sums["rate"] = sums["eng"] / sums["reach"]
            sums = sums[(sums["posts"] >= 5) & (sums["rate"] > account_rate)]
            sums["expected"] = (sums["posts"] * sums["rate"] + 10 * account_rate) / (
                sums["posts"] + 10
            )
            best = sums.reset_index().sort_values(
                ["expected", "posts", dimension], ascending=[False, False, True]
            )
            for row in best.head(3).itertuples():
                rows.append(
                    {
                        "account_id": account,
                        "dimension": dimension,
                        "option": getattr(row, dimension),
                        "posts": row.posts,
                        "rate": row.rate,
                        "account_rate": account_rate,
                        "expected": row.expected,
                    }
                )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("days", [28, 90])
def test_what_to_post_next_uses_180_days_and_only_options_above_the_account(
    store, posts, demo_range, days
):
    """The view's length does not matter (the history is the 180 days up to its end): at the
    default 28 days there are recommendations; none rests on fewer than 5 posts or lies below
    the account's own rate; formats are Meta's media types, as the page's filters have them."""
    until = demo_range[1]
    with store.cursor() as cur:
        found = content.recommendations(cur, Filters(until - timedelta(days=days - 1), until))
    options = found[found["dimension"].isin(["format", "time", "hashtag"])]
    expected = _expected_recommendations(posts, until)
    assert not expected.empty and not options.empty
    formats = expected[expected["dimension"] == "format"]
    assert set(formats["option"]) <= {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"}
    got = options[options["dimension"] != "time"].reset_index(drop=True)
    want = expected[expected["dimension"] != "time"].reset_index(drop=True)
    assert got[["account_id", "dimension", "option", "posts"]].to_dict("records") == want[
        ["account_id", "dimension", "option", "posts"]
    ].to_dict("records")
    assert list(got["expected"]) == pytest.approx(list(want["expected"]))
    assert list(got["account_rate"]) == pytest.approx(list(want["account_rate"]))
    times = options[options["dimension"] == "time"]
    assert len(times) == (expected["dimension"] == "time").sum()
    assert list(times["expected"]) == pytest.approx(
        list(expected.loc[expected["dimension"] == "time", "expected"])
    )
    assert (options["posts"] >= content.MIN_OPTION_POSTS).all()
    assert (options["rate"] > options["account_rate"]).all()
    accounts = found[found["dimension"] == "account"].set_index("account_id")["posts"]
    history = _window(posts, until - timedelta(days=179), until)
    rated = history[history["reach"] > 0]
    assert accounts.to_dict() == rated.groupby("account_id").size().to_dict()
