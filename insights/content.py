"""The Content page's figures: top posts, formats compared by their spread, the best time to
post in a chosen time zone, and hashtags. Nothing here imports Streamlit.

Engagement = likes + comments + saves + shares; an engagement rate over several posts is the
ratio of the sums (all engagement / all reach), a post's own rate is its engagement / reach.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

import duckdb
import pandas as pd

from insights import metrics, queries
from insights.dashboard import Filters
from insights.errors import QueryError

RANKS: dict[str, str] = {
    "engagement_rate": "Engagement rate",
    "reach": "Reach",
    "engagement": "Engagement",
    "views": "Views",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ENGAGEMENT_RATE = metrics.Metric(
    "engagement_rate", "Engagement rate", "percent", "engagement", "post_reach"
)


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA time zone name this machine knows, sorted (the allow-list for `tz`)."""
    return tuple(sorted(available_timezones()))


def _with_rate(frame: pd.DataFrame) -> pd.DataFrame:
    return metrics.add_ratios(frame, (ENGAGEMENT_RATE,))


def top_posts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, rank: str = "engagement_rate", limit: int = 10
) -> pd.DataFrame:
    """The `limit` best posts under the filters by `rank` (a key of RANKS)."""
    if rank not in RANKS:
        raise QueryError(f"cannot rank posts by {rank!r}")
    return queries.run(
        cur,
        "content_top_posts",
        post_rank=rank,
        limit=max(1, min(int(limit), 500)),
        **filters.organic_params(),
    )


def formats(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per media type and per product type (`dimension`, `value`): posts, reach, engagement,
    the engagement rate over the group, and quantiles of the posts' own rates."""
    return _with_rate(queries.run(cur, "content_formats", **filters.organic_params()))


def best_time(cur: duckdb.DuckDBPyConnection, filters: Filters, tz: str = "UTC") -> pd.DataFrame:
    """Every weekday (0 = Monday) x hour cell of the week in time zone `tz`, with the posts
    published then, their reach and engagement, and the engagement rate over them (cells
    without posts are present, with zero posts and no rate)."""
    if tz not in time_zones():
        raise QueryError(f"unknown time zone {tz!r}")
    found = queries.run(cur, "content_best_time", tz=tz, **filters.organic_params())
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    frame = found.set_index(["weekday", "hour"]).reindex(grid).reset_index()
    for column in ("posts", "post_reach", "engagement"):
        frame[column] = frame[column].fillna(0).astype("int64")
    return _with_rate(frame)


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
