"""Posts far from their own account's usual level: what makes an organic day unusual.

A day's organic sums mix accounts of very different sizes and a handful of posts, so judging
the day's total says little: one post of a small account alone looks like a collapse, and a
viral post drowns in the noise of busy days. Each post is judged instead against its own
account: its usual level is the median of the account's previous HISTORY_POSTS posts (at least
MIN_HISTORY_POSTS of them, from the weeks loaded before the range), its spread the account's
robust sigma from the median absolute difference between successive posts, and a post is
unusual when its z (residual / sigma) exceeds THRESHOLD and it is MIN_RELATIVE away from
usual. Engagement and reach are judged on log(1 + value), as posts vary by factors; an
engagement rate on the rate itself. On pure noise as wide as real accounts' (log sigma 0.7),
about one post in a thousand is flagged.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.figures.filters import ORGANIC, Filters, follows
from insights.store import queries

HISTORY_POSTS = 30
MIN_HISTORY_POSTS = 8
THRESHOLD = 3.5  # as for days
MIN_RELATIVE = 0.25
MAD_TO_SIGMA = 0.6745
MICROSECONDS_PER_DAY = 86_400_000_000
# the metrics judged per post, and whether on the log scale
JUDGED: dict[str, bool] = {"engagement": True, "post_reach": True, "engagement_rate": False}
COLUMNS = [
    "metric",
    "date",
    "media_id",
    "account",
    "media_type",
    "reach",
    "value",
    "usual",
    "z",
]


def _median_of_previous(values: np.ndarray, groups: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For rows sorted by group, then time: for each of `rows` (ascending), the median of the
    (at most) HISTORY_POSTS values of its group before it, empty with fewer than
    MIN_HISTORY_POSTS. One rolling median over just the rows that windows need, each group
    laid out after HISTORY_POSTS empty values so that no window reaches into the group
    before (a rolling median per group, or a sort per window, costs several times more)."""
    wanted = np.zeros(len(values), dtype=bool)
    wanted[rows] = True
    # and the HISTORY_POSTS rows before the first wanted row of each group
    first = np.full(int(groups.max()) + 1, len(values))
    np.minimum.at(first, groups[rows], rows)
    wanted |= np.arange(len(values)) >= first[groups] - HISTORY_POSTS
    kept = np.flatnonzero(wanted)
    sub = groups[kept]
    starts = np.r_[True, sub[1:] != sub[:-1]]
    positions = np.arange(len(kept)) + HISTORY_POSTS * np.cumsum(starts)
    padded = np.full(len(kept) + HISTORY_POSTS * int(starts.sum()), np.nan)
    padded[positions] = values[kept]
    rolled = pd.Series(padded).rolling(HISTORY_POSTS, min_periods=MIN_HISTORY_POSTS).median()
    before = rolled.to_numpy()[positions - 1]  # the window that ends just before each row
    return before[np.searchsorted(kept, rows)]


def score(
    values: np.ndarray, groups: np.ndarray, log: bool, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For posts sorted by account (`groups`), then time: the usual value and robust z of
    each of `rows` (ascending; default every post) against its own account (z empty with too
    little history). The usual value is the median of the account's previous HISTORY_POSTS
    posts; the spread is the account's, from the median absolute difference between its
    successive posts (for steady noise 0.6745 x sqrt(2) sigma): thirty posts alone give too
    unsteady a spread, and differences are not pulled by a trend nor much by a few outliers."""
    chosen = np.arange(len(values)) if rows is None else rows
    scale = np.log1p(np.clip(values, 0, None)) if log else values
    centre = _median_of_previous(scale, groups, chosen)
    steps = np.abs(np.diff(scale))
    same = (groups[1:] == groups[:-1]) & ~np.isnan(steps)
    sigma_of = np.full(int(groups.max()) + 1, np.nan)
    if same.any():
        pooled = pd.Series(steps[same]).groupby(groups[1:][same]).median()
        sigma_of[pooled.index.to_numpy()] = pooled.to_numpy() / (MAD_TO_SIGMA * np.sqrt(2))
    sigma = sigma_of[groups[chosen]]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (scale[chosen] - centre) / np.where(sigma > 0, sigma, np.nan)
    usual = np.expm1(centre) if log else centre
    return usual, z


@follows(ORGANIC)
def unusual_posts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, metric: str, weeks: int
) -> pd.DataFrame:
    """The posts of the filter range far from their account's usual level of `metric` (a
    key of JUDGED), judged on the `weeks` weeks before the range too (COLUMNS)."""
    if metric not in JUDGED:
        raise ValueError(f"posts are not judged on {metric!r}")
    history = filters.with_range(filters.since - pd.Timedelta(days=7 * weeks), filters.until)
    # the posts come to numpy as Arrow: DuckDB's own windowed median over the same posts took
    # half as long again (45 against 30 ms for 28 days of 1M posts)
    table = queries.arrow(cur, "post_history", **history.organic_params())
    if table.num_rows == 0:
        return pd.DataFrame(columns=COLUMNS)
    groups = _codes(table["account_id"])
    posted = table["posted_us"].to_numpy()
    order = _in_time_order(groups, posted, table["tiebreak"])
    groups, posted = groups[order], posted[order]
    reach = table["reach"].to_numpy().astype("float64")[order]
    engagement = table["engagement"].to_numpy().astype("float64")[order]
    if metric == "engagement_rate":
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(reach > 0, engagement / reach, np.nan)
    else:
        values = engagement if metric == "engagement" else reach
    start = (pd.Timestamp(filters.since) - pd.Timestamp(0)) // pd.Timedelta(microseconds=1)
    inside = np.flatnonzero(posted >= start)
    usual, z = score(values, groups, JUDGED[metric], inside)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(values[inside] - usual) / np.abs(usual)
    flagged = (np.abs(z) > THRESHOLD) & (relative >= MIN_RELATIVE)
    hits, usual, z = inside[flagged], usual[flagged], z[flagged]
    if not len(hits):
        return pd.DataFrame(columns=COLUMNS)
    rows = pa.array(order[hits])
    labels = dict(queries.run(cur, "account_options")[["account_id", "label"]].to_numpy())
    accounts = table["account_id"].take(rows).to_pylist()
    return pd.DataFrame(
        {
            "metric": metric,
            "date": pd.to_datetime(posted[hits] // MICROSECONDS_PER_DAY, unit="D"),
            "media_id": table["media_id"].take(rows).to_pylist(),
            "account": [labels.get(a, a) for a in accounts],
            "media_type": table["media_type"].take(rows).to_pylist(),
            "reach": reach[hits],
            "value": values[hits],
            "usual": usual,
            "z": z,
        }
    )[COLUMNS]


def _in_time_order(groups: np.ndarray, posted: np.ndarray, tiebreak: pa.ChunkedArray) -> np.ndarray:
    """The row order by account, then time; posts of one account at the same instant (times
    to the second, or an import with dates only) by the hash of their id, so that which of
    them counts as earlier is the same on every run."""
    order = np.lexsort((posted, groups))  # rows come in time order already: a cheap sort
    same = (np.diff(groups[order]) == 0) & (np.diff(posted[order]) == 0)
    if same.any():  # sort the tied rows alone, each block in its place
        tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        rows = order[tied]
        ties = tiebreak.take(pa.array(rows)).to_numpy()
        order[tied] = rows[np.lexsort((ties, posted[rows], groups[rows]))]
    return order


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """An integer per distinct text value (equal texts, equal codes), without making a Python
    string per row."""
    encoded = pc.dictionary_encode(pc.fill_null(column.combine_chunks(), ""))
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype="int64")
