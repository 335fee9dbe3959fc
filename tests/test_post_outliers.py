"""Posts judged against their own account: a viral post is found, a small account posting
alone is not, noise is rarely flagged, and the figures match pandas over the raw posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from insights.figures import anomalies, post_outliers
from insights.figures.filters import Filters
from insights.figures.frames import Frames
from insights.store.database import Store

START = datetime(2026, 1, 5, 15, tzinfo=UTC)
DAYS = 140


def _posts(rng: np.random.Generator) -> pd.DataFrame:
    """A big account (engagement around 5,000) posting on even days and a small one (around
    100) on every third day, so that some days hold the small account's post alone."""
    rows = []
    for account, every, level in (("big", 2, 5000.0), ("small", 3, 100.0)):
        for d in range(0, DAYS, every):
            engagement = int(level * rng.lognormal(0, 0.3))
            rows.append(
                {
                    "media_id": f"{account}-{d}",
                    "account_id": account,
                    "posted_at": START + timedelta(days=d, minutes=7 * d % 300),
                    "media_type": "IMAGE",
                    "reach": engagement * 15,
                    "likes": engagement,
                }
            )
    return pd.DataFrame(rows)


def _store(path, posts: pd.DataFrame) -> Store:
    store = Store(path)
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO ig_accounts (account_id, username) VALUES ('big', 'bigshop'), "
            "('small', 'smallshop')"
        )
        cur.register("rows", posts)
        cur.execute(
            "INSERT INTO ig_media (media_id, account_id, posted_at, media_type, reach, "
            "like_count) SELECT media_id, account_id, posted_at, media_type, reach, likes "
            "FROM rows"
        )
    return store


def _usual(posts: pd.DataFrame, media_id: str) -> float:
    """What the test expects as a post's usual engagement: the median of log(1 + likes) of
    the same account's 30 posts before it, back on the count scale."""
    post = posts.set_index("media_id").loc[media_id]
    earlier = posts[
        (posts["account_id"] == post["account_id"]) & (posts["posted_at"] < post["posted_at"])
    ].sort_values("posted_at")
    return float(np.expm1(np.median(np.log1p(earlier["likes"].tail(30).to_numpy(float)))))


def test_a_viral_post_of_a_small_account_is_the_only_unusual_day(tmp_path):
    posts = _posts(np.random.default_rng(11))
    viral = "small-117"
    posts.loc[posts["media_id"] == viral, "likes"] *= 15
    until = (START + timedelta(days=DAYS - 1)).date()
    filters = Filters(since=until - timedelta(days=41), until=until)
    with _store(tmp_path / "s.duckdb", posts) as store, store.cursor() as cur:
        found = anomalies.unusual_days(Frames(cur), filters, "engagement")
    day = (START + timedelta(days=117)).date()
    # the days when the small account posted alone are not flagged: only the viral post's
    assert [d.date() for d in found["date"]] == [day]
    on_day = posts[posts["posted_at"].dt.date == day]
    assert found["value"].iloc[0] == on_day["likes"].sum()
    post_likes = int(posts.set_index("media_id").loc[viral, "likes"])
    usual = _usual(posts, viral)
    assert found["usual"].iloc[0] == pytest.approx(on_day["likes"].sum() - post_likes + usual)
    assert found["explanation"].iloc[0] == (
        f"an image post of @smallshop: {post_likes:,} engagements, "
        f"{post_likes / usual:.1f}x its usual {usual:,.0f}"
    )


def test_a_small_account_alone_was_flagged_by_the_day_totals(tmp_path):
    """Why posts are judged one by one: the same days judged on their totals flag the
    small account's lone posts as collapses (the behaviour this replaced)."""
    posts = _posts(np.random.default_rng(11))
    daily = posts.groupby(posts["posted_at"].dt.date)["likes"].sum()
    series = daily.reindex(pd.date_range(daily.index.min(), daily.index.max()).date)
    scored = anomalies.robust_z(pd.Series(series.to_numpy(float)), log=True)
    assert anomalies.flagged(scored).sum() > 0


def test_noise_is_rarely_flagged():
    """Five accounts of sizes from 30 to 30,000 engagements, 400 posts each, log engagement
    spread as wide as real accounts' (sigma 0.7): about one flag in a thousand."""
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(5), 400)
    levels = np.array([30, 300, 3000, 30000, 800])[groups]
    values = np.round(levels * rng.lognormal(0, 0.7, len(groups)))
    usual, z = post_outliers.score(values, groups, log=True)
    judged = ~np.isnan(z)
    assert judged.sum() == 5 * (400 - post_outliers.MIN_HISTORY_POSTS)
    assert (np.abs(z[judged]) > post_outliers.THRESHOLD).mean() < 0.003


def test_the_usual_level_is_the_median_of_the_previous_posts():
    rng = np.random.default_rng(4)
    groups = np.repeat([0, 1, 2], [50, 5, 70])
    values = rng.lognormal(3, 1, len(groups))
    usual, _ = post_outliers.score(values, groups, log=False)
    for row in range(len(groups)):
        earlier = values[:row][groups[:row] == groups[row]][-post_outliers.HISTORY_POSTS :]
        if len(earlier) < post_outliers.MIN_HISTORY_POSTS:
            assert np.isnan(usual[row])
        else:
            assert usual[row] == pytest.approx(np.median(earlier))


def test_posts_at_the_same_instant_are_judged_the_same_whatever_their_order(tmp_path):
    """An import with dates only puts an account's posts of a day at one instant: which of
    them counts as earlier must not depend on the order the store returns them in."""
    rng = np.random.default_rng(8)
    rows = []
    for d in range(60):
        for k in range(3):
            rows.append(
                {
                    "media_id": f"p{d}-{k}",
                    "account_id": "big",
                    "posted_at": START + timedelta(days=d),
                    "media_type": "IMAGE",
                    "reach": 1000,
                    "likes": int(100 * rng.lognormal(0, 0.4)),
                }
            )
    posts = pd.DataFrame(rows)
    posts.loc[posts["media_id"] == "p55-1", "likes"] = 3000
    until = (START + timedelta(days=59)).date()
    filters = Filters(since=until - timedelta(days=13), until=until)
    found = []
    for name, order in (("a", posts), ("b", posts.iloc[::-1])):
        with _store(tmp_path / f"{name}.duckdb", order) as store, store.cursor() as cur:
            found.append(post_outliers.unusual_posts(cur, filters, "engagement", 8))
    pd.testing.assert_frame_equal(found[0], found[1])
    assert list(found[0]["media_id"]) == ["p55-1"]
