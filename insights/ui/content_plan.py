"""When and what to post, on the Content page: the best time to post (a heatmap of the
engagement rate by weekday and hour, in a time zone the marketer picks) and what to post next
(judged on a longer history than the view)."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from insights.figures import content
from insights.figures.filters import Filters
from insights.render import content_charts
from insights.ui import columns, context, fmt_table
from insights.ui.text import md
from insights.ui.view_state import ViewControl
from insights.ui.widgets import csv_download

COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
TZ_URL_KEY = "tz"
MIN_CELL = ViewControl("content_min_cell", "min_cell", range(1, 51), 3, int, "fewest posts")


def _default_zone(zones: Collection[str]) -> tuple[str, bool]:
    """The heatmap's default time zone and whether every viewer has the same one: the ad
    account's (when the store holds one zone), else the viewer's browser's, else UTC."""
    found = context.options()["ad_time_zones"]
    if len(found) == 1 and found[0] in zones:
        return found[0], True
    browser = st.context.timezone
    if browser and browser in zones:
        return str(browser), False
    return "UTC", True


def _time_zone() -> str:
    """The heatmap's time zone: from the URL once, then from the picker; kept in the URL
    unless it is a default every viewer shares."""
    zones = content.time_zones()
    default, shared = _default_zone(zones)
    if "content_tz" not in st.session_state:
        wanted = st.query_params.get(TZ_URL_KEY, st.session_state.get("_kept_tz", default))
        if wanted not in zones:
            st.toast(md(f"Unknown time zone '{wanted[:40]}' in the link; showing {default}."))
            wanted = default
        st.session_state["content_tz"] = wanted
    options = list(dict.fromkeys([default, *COMMON_ZONES, *sorted(zones)]))
    tz = st.selectbox(
        "Time zone",
        options,
        key="content_tz",
        help="Hours of the heatmap in this zone. The default is the ad account's time zone "
        "(or your browser's when the store holds several).",
    )
    st.session_state["_kept_tz"] = tz
    if tz == default and shared:
        st.query_params.pop(TZ_URL_KEY, None)
    else:
        st.query_params[TZ_URL_KEY] = tz
    return str(tz)


def best_time(filters: Filters) -> str:
    st.subheader("Best time to post")
    left, right = st.columns([3, 1])
    with left:
        tz = _time_zone()
    MIN_CELL.seed()
    min_posts = MIN_CELL.keep(
        right.number_input("Fewest posts per cell", min_value=1, max_value=50, key=MIN_CELL.key)
    )
    cells = context.frame(content.best_time, filters, tz)
    st.plotly_chart(
        content_charts.best_time_heatmap(cells, int(min_posts), tz),
        key="content_heatmap",
        config={"displaylogo": False},
    )
    thin = int(((cells["posts"] > 0) & (cells["posts"] < min_posts)).sum())
    st.caption(
        f"Each cell's colour is the engagement rate over the posts published then; the number "
        f"is how many posts that is. {thin} cells with fewer than {int(min_posts)} posts are "
        "left blank: too few to judge."
    )
    shown = cells.assign(weekday=cells["weekday"].map(dict(enumerate(content.WEEKDAYS))))
    shown = shown[shown["posts"] > 0][
        ["weekday", "hour", "posts", "post_reach", "engagement", "engagement_rate"]
    ]
    csv_download("Download best-time cells (CSV)", shown, "best_time.csv", "content_heatmap_csv")
    return tz


def next_posts(filters: Filters, tz: str) -> None:
    st.subheader("What to post next")
    since, until = content.recommendation_range(filters)
    st.caption(
        f"Judged on the posts of the {content.HISTORY_DAYS} days {since:%d %b %Y} – "
        f"{until:%d %b %Y}, not only the period above: a few weeks hold too few posts per "
        f"option. Per account, the media types, days and 3-hour slots ({tz}) and hashtags "
        f"whose rate is above the account's own rate, on at least {content.MIN_OPTION_POSTS} "
        "posts, by expected engagement rate. Each option's rate is pulled toward the "
        f"account's as if the account had been seen on {content.PRIOR_POSTS} more posts, so "
        "an option with a few lucky posts does not win; the range is a 90% interval."
    )
    # judged on its own days: a new range with the same last day reuses it
    found = context.frame(content.recommendations, filters.with_range(since, until), tz)
    if found.empty:
        st.info(f"No post with reach in the {content.HISTORY_DAYS} days up to {until:%d %b %Y}.")
        return
    accounts = context.options()["accounts"]
    names = dict(zip(accounts["account_id"], accounts["label"], strict=True))
    short = found[found["dimension"] == "too short"]
    for row in short.itertuples():
        st.info(
            f"{md(names.get(row.account_id, row.account_id))}: only {row.posts} posts with reach "
            f"in these {content.HISTORY_DAYS} days; at least {content.MIN_ACCOUNT_POSTS} are "
            "needed to recommend anything."
        )
    shown = found[~found["dimension"].isin(("too short", "account"))].copy()
    judged = found[found["dimension"] == "account"]
    for row in judged[~judged["account_id"].isin(shown["account_id"])].itertuples():
        st.info(
            f"{md(names.get(row.account_id, row.account_id))}: no media type, time or hashtag "
            f"on {content.MIN_OPTION_POSTS} or more posts beats the account's own rate "
            f"({row.rate * 100:.2f}%): keep posting as before."
        )
    if shown.empty:
        return
    shown.insert(0, "Account", shown.pop("account_id").map(lambda a: names.get(a, a)))
    is_format = shown["dimension"] == "format"
    shown.loc[is_format, "option"] = shown.loc[is_format, "option"].map(fmt_table.media_type_label)
    shown["dimension"] = shown["dimension"].map(
        {"format": "Media type", "time": "Day and time", "hashtag": "Hashtag"}
    )
    for column in ("rate", "account_rate", "expected", "low", "high"):
        shown[column] = (shown[column] * 100).round(2)
    shown = shown.rename(
        columns={
            "dimension": "What",
            "option": "Option",
            "posts": "Posts",
            "rate": "Its rate (%)",
            "account_rate": "Account's rate (%)",
            "expected": "Expected rate (%)",
            "low": "90% low (%)",
            "high": "90% high (%)",
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="content_next",
        column_config={
            "Posts": columns.count(),
            **{
                c: columns.percent(c.removesuffix(" (%)"))
                for c in shown.columns
                if c.endswith("(%)")
            },
        },
    )
    csv_download("Download recommendations (CSV)", shown, "what_to_post.csv", "content_next_csv")
