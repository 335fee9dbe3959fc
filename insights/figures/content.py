"""The Content page's figures: top posts, formats compared by their spread, the best time to
post in a chosen time zone, and hashtags. Nothing here imports Streamlit.

Engagement is Meta's total_interactions (metrics.POST_ENGAGEMENT_SQL); an engagement rate over
several posts is the ratio of the sums (all engagement / all reach), a post's own rate is its
engagement / reach.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from zoneinfo import available_timezones

import duckdb
import numpy as np
import pandas as pd

from insights.errors import QueryError
from insights.figures import metrics
from insights.figures.filters import ACCOUNTS, ORGANIC, Filters, follows
from insights.store import queries

RANKS: dict[str, str] = {
    "engagement_rate": "Engagement rate",
    "reach": "Reach",
    "engagement": "Engagement",
    "views": "Views",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ENGAGEMENT_RATE = metrics.ALL_METRICS["engagement_rate"]  # rated engagement / post reach


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA time zone name this machine knows, sorted (the allow-list for `tz`)."""
    return tuple(sorted(available_timezones()))


def _with_rate(frame: pd.DataFrame) -> pd.DataFrame:
    return metrics.add_ratios(frame, (ENGAGEMENT_RATE,))


@follows(ORGANIC)
def top_posts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, rank: str = "engagement_rate", limit: int = 10
) -> pd.DataFrame:
    """The `limit` best posts under the filters by `rank` (a key of RANKS)."""
    if rank not in RANKS:
        raise QueryError(f"cannot rank posts by {rank!r}")
    frame = queries.run(
        cur,
        "content_top_posts",
        post_rank=rank,
        limit=max(1, min(int(limit), 500)),
        **filters.organic_params(),
    )
    frame["picture"] = frame["picture"].map(safe_picture)
    return frame


@follows(ORGANIC)
def formats(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per media type and per product type (`dimension`, `value`): posts, reach, engagement,
    the engagement rate over the group, and quantiles of the posts' own rates."""
    return _with_rate(queries.run(cur, "content_formats", **filters.organic_params()))


@follows(ORGANIC)
def best_time(cur: duckdb.DuckDBPyConnection, filters: Filters, tz: str = "UTC") -> pd.DataFrame:
    """Every weekday (0 = Monday) x hour cell of the week in time zone `tz`, in order, with the
    posts published then, their reach and engagement, and the engagement rate over them
    (cells without posts are present, with zero posts and no rate)."""
    if tz not in time_zones():
        raise QueryError(f"unknown time zone {tz!r}")
    found = queries.run(cur, "content_best_time", tz=tz, **filters.organic_params())
    cell = (found["weekday"] * 24 + found["hour"]).to_numpy()
    columns: dict[str, np.ndarray] = {
        "weekday": np.repeat(np.arange(7), 24),
        "hour": np.tile(np.arange(24), 7),
    }
    for column in ("posts", "post_reach", "engagement", "rated_engagement"):
        values = np.zeros(7 * 24, dtype="int64")
        values[cell] = found[column].to_numpy(dtype="int64")
        columns[column] = values
    return _with_rate(pd.DataFrame(columns))


@follows(ORGANIC)
def hashtags(cur: duckdb.DuckDBPyConnection, filters: Filters, min_posts: int = 5) -> pd.DataFrame:
    """Hashtags on at least `min_posts` posts under the filters, best engagement rate first."""
    frame = _with_rate(
        queries.run(
            cur, "content_hashtags", min_posts=max(1, int(min_posts)), **filters.organic_params()
        )
    )
    return frame.sort_values(
        ["engagement_rate", "posts", "hashtag"], ascending=[False, False, True]
    ).reset_index(drop=True)


PRIOR_POSTS = 10  # shrinkage: an option's rate counts as much as this many posts at the account's
MIN_ACCOUNT_POSTS = 30  # fewer posts in the history: too short to recommend anything
MIN_OPTION_POSTS = 5  # an option on fewer posts is not recommended (too few to judge)
HISTORY_DAYS = 180  # what to post next is judged on this many days up to the view's end
Z90 = 1.645
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def recommendation_range(filters: Filters) -> tuple[date, date]:
    """The days "what to post next" is judged on: the HISTORY_DAYS days up to the view's last
    day, whatever the view's length (a 7- or 28-day view holds too few posts per option)."""
    return filters.until - timedelta(days=HISTORY_DAYS - 1), filters.until


@follows(ORGANIC)
def recommendations(
    cur: duckdb.DuckDBPyConnection, filters: Filters, tz: str = "UTC", top: int = 3
) -> pd.DataFrame:
    """What to post next, per account: the `top` media types (`option` is Meta's media_type,
    as the page's filters and format charts have it), weekday x 3-hour slots (in `tz`) and
    hashtags by expected engagement rate, over the posts of recommendation_range(filters)
    under the view's account and media type filters.

    Only options on at least MIN_OPTION_POSTS posts whose own rate is above the account's rate
    are recommended. The expected rate is the option's pooled rate (engagement / reach over
    its posts) shrunk toward the account's rate as if the account's rate had been seen on
    PRIOR_POSTS more posts: (n x option + k x account) / (n + k). A slot with a few lucky
    posts stays near the account's rate; one with forty good posts keeps most of its lead. The
    90% interval is the expected rate +/- 1.645 x the per-post spread / sqrt(n + k). Each
    account has one row of dimension 'account' (its posts and rate); one with fewer than
    MIN_ACCOUNT_POSTS posts has a 'too short' row instead, and no options."""
    if tz not in time_zones():
        raise QueryError(f"unknown time zone {tz!r}")
    since, until = recommendation_range(filters)
    found = queries.run(
        cur,
        "content_recommend",
        tz=tz,
        prior_posts=PRIOR_POSTS,
        z=Z90,
        min_posts=MIN_ACCOUNT_POSTS,
        min_option_posts=MIN_OPTION_POSTS,
        top=top,
        **filters.with_range(since, until).organic_params(),
    )
    found["option"] = [
        _option_label(d, o) for d, o in zip(found["dimension"], found["option"], strict=True)
    ]
    return found


def _option_label(dimension: str, option: str) -> str:
    if dimension == "time" and ":" in option:
        weekday, block = (int(x) for x in option.split(":"))
        return f"{WEEKDAY_NAMES[weekday]} {block:02d}:00–{block + 3:02d}:00"
    return option


# -- stories, audience, Reels watch time ---------------------------------------------------------

SAFE_PICTURE = ("https://", "data:image/")


def safe_picture(url: object) -> str | None:
    """A post's picture URL if it is one a page may show (Meta's https CDN links, or the demo's
    data URLs), else None: a stored value never becomes a javascript: or file: link."""
    text = str(url) if isinstance(url, str) else ""
    return text if text.startswith(SAFE_PICTURE) else None


@follows(ACCOUNTS)
def stories(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every story published in the range (under the account filter), newest first."""
    frame = queries.run(cur, "content_stories", **filters.account_params())
    frame["picture"] = frame["picture"].map(safe_picture)
    return frame


def story_summary(frame: pd.DataFrame) -> dict[str, float]:
    """Totals over stories: how many, how many have insights, summed reach, replies and
    navigation, and the exit rate (exits / reach over the stories that have both)."""
    with_data = frame[frame["reach"].notna()]
    exits = with_data[with_data["exits"].notna()]
    return {
        "stories": float(len(frame)),
        "with_insights": float(len(with_data)),
        "reach": float(with_data["reach"].sum()),
        "replies": float(with_data["replies"].fillna(0).sum()),
        "taps_forward": float(with_data["taps_forward"].fillna(0).sum()),
        "exits": float(exits["exits"].sum()),
        "exit_rate": metrics.ratio(exits["exits"].sum(), exits["reach"].sum()),
    }


@follows(ACCOUNTS)
def audience(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Followers by age, gender, country and city as last read, with each key's share of its
    breakdown."""
    frame = queries.run(
        cur, "content_audience", account_ids=filters.account_params()["account_ids"]
    )
    totals = frame.groupby("breakdown")["followers"].transform("sum")
    frame["share"] = [metrics.ratio(f, t) for f, t in zip(frame["followers"], totals, strict=True)]
    return frame


@follows(ORGANIC)
def reels_watch_time(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row: the reels of the period, those with Meta's watch time, their total watch time
    (hours) and the average watch time per view (seconds) as total watch time / views."""
    row = queries.run(cur, "content_reels_watch", **filters.organic_params()).iloc[0]
    total_ms = float(row["total_watch_time_ms"])
    return pd.DataFrame(
        [
            {
                "reels": float(row["reels"]),
                "reels_with_watch_time": float(row["reels_with_watch_time"]),
                "total_hours": total_ms / 3_600_000,
                "average_s": metrics.ratio(total_ms / 1000, row["views"]),
            }
        ]
    )
