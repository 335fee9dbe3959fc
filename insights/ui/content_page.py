"""Content: the best posts, formats compared by their spread, the best time to post, and
hashtags, for the posts under the global filters."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from insights.figures import content, formatting, metrics, money
from insights.figures.filters import Filters
from insights.render import content_charts
from insights.ui import columns, content_plan, context, fmt_table
from insights.ui import filters as global_filters
from insights.ui import format as fmt
from insights.ui.refresh import refresh_panel, start_if_empty
from insights.ui.view_state import ViewControl
from insights.ui.widgets import csv_download

RANK = ViewControl("content_rank", "rank", tuple(content.RANKS), "engagement_rate", what="ranking")
TOP_COUNT = ViewControl("content_limit", "posts", (10, 25, 50, 100), 10, int, "number of posts")
MIN_TAG = ViewControl("content_min_tag", "min_tag", range(1, 501), 5, int, "fewest posts")


def render() -> None:
    """The Content page."""
    if start_if_empty():
        refresh_panel(divider=False)
        st.title("Content")
        st.info("The demo data is being loaded (see the sidebar); posts appear when saved.")
        return
    filters = global_filters.current()
    refresh_panel()
    st.title("Content")
    st.caption(
        f"Posts published {formatting.days(filters.since, filters.until)} (UTC days). "
        "Engagement = Instagram's interactions (likes, comments, saves and shares, net of "
        "unlikes and deletions, Meta's total_interactions); a rate over several posts is all "
        "their engagement / all their reach."
    )
    formats = context.frame(content.formats, filters)
    if formats.empty:
        st.info(
            "No post was published in this period under the current filters. "
            "Widen the date range or clear the account and media type filters."
        )
        return
    _top_posts(filters)
    _formats(formats)
    tz = content_plan.best_time(filters)
    _hashtags(filters)
    content_plan.next_posts(filters, tz)
    _reels_watch_time(filters)
    _stories(filters)
    _audience(filters)


def _top_posts(filters: Filters) -> None:
    st.subheader("Top posts")
    left, right = st.columns([3, 1])
    RANK.seed()
    rank = RANK.keep(
        left.segmented_control(
            "Rank by", list(content.RANKS), key=RANK.key, format_func=content.RANKS.__getitem__
        )
    )
    limit = TOP_COUNT.selectbox(right, "Posts")
    posts = context.frame(content.top_posts, filters, rank, limit)
    shown = pd.DataFrame(
        {
            "Picture": posts["picture"],
            "Posted (UTC)": pd.to_datetime(posts["posted_at"], utc=True).dt.strftime(
                "%Y-%m-%d %H:%M"
            ),
            "Account": posts["account"],
            "Type": [
                fmt_table.media_type_label(m)
                + ("" if p in (None, "FEED") else f" ({fmt_table.product_type_label(p)})")
                for m, p in zip(posts["media_type"], posts["media_product_type"], strict=True)
            ],
            "Caption": posts["caption"].fillna(""),
            "Reach": posts["reach"],
            "Engagement": posts["engagement"],
            "Engagement rate (%)": (posts["engagement_rate"] * 100).round(2),
            "Link": posts["permalink"],
            "Post id": posts["media_id"],
        }
    )
    # Fixed widths, so every figure of a post fits beside the sidebar at 1280 px; the caption
    # takes what is left and the post id stays in the download.
    st.dataframe(
        shown.assign(**{"Posted (UTC)": pd.to_datetime(posts["posted_at"], utc=True)}),
        hide_index=True,
        key="content_top_table",
        column_order=[c for c in shown.columns if c != "Post id"],
        column_config={
            "Picture": st.column_config.ImageColumn(width=56),
            "Posted (UTC)": columns.moment("Posted", width=120),
            "Account": st.column_config.TextColumn(width=145),
            "Type": st.column_config.TextColumn(width=80),
            "Caption": st.column_config.TextColumn(width=90),
            "Reach": columns.count(width=70),
            "Engagement": columns.count(width=90),
            "Engagement rate (%)": columns.percent("Engagement rate", width=115),
            "Link": st.column_config.LinkColumn(display_text="Open", width=45),
        },
    )
    csv_download("Download top posts (CSV)", shown, "top_posts.csv", "content_top_csv")


def _formats(formats: pd.DataFrame) -> None:
    st.subheader("Formats")
    left, right = st.columns(2)
    for column, dimension, labels, title in (
        (left, "media_type", fmt_table.MEDIA_TYPES, "By media type"),
        (right, "product_type", fmt_table.PRODUCT_TYPES, "By placement (product type)"),
    ):
        part = formats[formats["dimension"] == dimension]
        column.plotly_chart(
            content_charts.format_spread(part, labels, title),
            key=f"content_spread_{dimension}",
            config={"displaylogo": False},
        )
    st.caption(
        "Box: the middle half of the posts; line inside: the median post; dashed: the rate "
        "over all posts of the format; whiskers: the 10th to 90th percentile."
    )
    shown = pd.DataFrame(
        {
            "Compared by": formats["dimension"].map(
                {"media_type": "Media type", "product_type": "Product type"}
            ),
            "Format": [
                fmt_table.media_type_label(v)
                if d == "media_type"
                else fmt_table.product_type_label(v)
                for d, v in zip(formats["dimension"], formats["value"], strict=True)
            ],
            "Posts": formats["posts"],
            "Reach per post": (formats["post_reach"] / formats["posts"]).round(0),
            "Engagement rate (%)": (formats["engagement_rate"] * 100).round(2),
            "Median post (%)": (formats["er_median"] * 100).round(2),
            "Middle half from (%)": (formats["er_p25"] * 100).round(2),
            "Middle half to (%)": (formats["er_p75"] * 100).round(2),
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="content_formats_table",
        column_config={
            "Posts": columns.count(),
            "Reach per post": columns.count(),
            "Engagement rate (%)": columns.percent("Engagement rate"),
            "Median post (%)": columns.percent("Median post"),
            "Middle half from (%)": columns.percent("Middle half from"),
            "Middle half to (%)": columns.percent("Middle half to"),
        },
    )
    csv_download("Download formats (CSV)", shown, "formats.csv", "content_formats_csv")


def _hashtags(filters: Filters) -> None:
    st.subheader("Hashtags")
    MIN_TAG.seed()
    min_posts = MIN_TAG.keep(
        st.number_input(
            "Only hashtags used on at least this many posts",
            min_value=1,
            max_value=500,
            key=MIN_TAG.key,
        )
    )
    tags = context.frame(content.hashtags, filters, int(min_posts))
    if tags.empty:
        st.info(f"No hashtag is used on {int(min_posts)} or more posts under these filters.")
        return
    st.plotly_chart(
        content_charts.hashtag_bars(tags),
        key="content_hashtag_chart",
        config={"displaylogo": False},
    )
    shown = tags.drop(columns=["rated_engagement"]).rename(
        columns={
            "hashtag": "Hashtag",
            "posts": "Posts",
            "post_reach": "Post reach (sum)",
            "engagement": "Engagement",
            "engagement_rate": "Engagement rate",
        }
    )
    shown["Engagement rate"] = (shown["Engagement rate"] * 100).round(2)
    shown = shown.rename(columns={"Engagement rate": "Engagement rate (%)"})
    st.dataframe(
        shown,
        hide_index=True,
        key="content_hashtag_table",
        column_config={
            "Posts": columns.count(),
            "Post reach (sum)": columns.count(),
            "Engagement": columns.count(),
            "Engagement rate (%)": columns.percent("Engagement rate"),
        },
    )
    csv_download("Download hashtags (CSV)", shown, "hashtags.csv", "content_hashtag_csv")


def _reels_watch_time(filters: Filters) -> None:
    """Meta's Reels watch time over the reels of the period."""
    watch = context.frame(content.reels_watch_time, filters).iloc[0]
    if not watch["reels"]:
        return
    st.subheader("Reels watch time")
    left, middle, right = st.columns(3)
    average = "–" if pd.isna(watch["average_s"]) else f"{watch['average_s']:,.1f} s"
    hours = f"{watch['total_hours']:,.1f} h"
    if len(hours) > fmt.CARD_CHARACTERS:  # thousands of hours: compact, the exact on hover
        shown_hours, exact_hours = f"{money.compact_number(watch['total_hours'])} h", hours
    else:
        shown_hours, exact_hours = hours, None
    _card(left, "reels", *fmt.card_value(watch["reels"], "count"))
    _card(middle, "reels_average_watch", average, None)
    _card(right, "reels_watch_hours", shown_hours, exact_hours)
    if watch["reels_with_watch_time"] < watch["reels"]:
        st.caption(
            f"{watch['reels'] - watch['reels_with_watch_time']:,.0f} reels have no watch time "
            "from Meta (posted before the business conversion, or not read yet)."
        )


def _card(column: Any, key: str, shown: str, exact: str | None) -> None:
    """A card of this page, with the help its metric's definition gives."""
    metric = metrics.CONTENT_METRICS.get(key) or metrics.ALL_METRICS[key]
    column.metric(metric.label, shown, help=fmt.card_help(metric.help, exact), border=True)


def _stories(filters: Filters) -> None:
    """The stories of the period, as read while they lived."""
    st.subheader("Stories")
    frame = context.frame(content.stories, filters)
    if frame.empty:
        st.info(
            "No story in this period. Stories can only be read for 24 hours after they are "
            "posted: refresh at least every 12 hours to keep every story."
        )
        return
    summary = content.story_summary(frame)
    cards = st.columns(4)
    exits = "–" if pd.isna(summary["exit_rate"]) else f"{summary['exit_rate'] * 100:.1f}%"
    _card(cards[0], "stories", *fmt.card_value(summary["stories"], "count"))
    _card(cards[1], "story_reach", *fmt.card_value(summary["reach"], "count"))
    _card(cards[2], "story_replies", *fmt.card_value(summary["replies"], "count"))
    _card(cards[3], "story_exit_rate", exits, None)
    if summary["with_insights"] < summary["stories"]:
        st.caption(
            f"{summary['stories'] - summary['with_insights']:,.0f} stories have no insights: "
            "Meta gives none below 5 viewers."
        )
    shown = pd.DataFrame(
        {
            "Picture": frame["picture"],
            "Posted (UTC)": pd.to_datetime(frame["posted_at"], utc=True).dt.strftime(
                "%Y-%m-%d %H:%M"
            ),
            "Account": frame["account"],
            "Reach": frame["reach"],
            "Views": frame["views"],
            "Replies": frame["replies"],
            "Taps forward": frame["taps_forward"],
            "Taps back": frame["taps_back"],
            "Exits": frame["exits"],
            "Swipes away": frame["swipes_forward"],
            "Note": frame["insights_note"].fillna(""),
            "Story id": frame["story_id"],
        }
    )
    st.dataframe(
        shown.assign(**{"Posted (UTC)": pd.to_datetime(frame["posted_at"], utc=True)}),
        hide_index=True,
        key="content_stories_table",
        column_config={
            "Picture": st.column_config.ImageColumn(width="small"),
            "Posted (UTC)": columns.moment("Posted"),
            **{
                name: columns.count()
                for name in ("Reach", "Views", "Replies", "Taps forward", "Taps back", "Exits")
            },
            "Swipes away": columns.count(),
        },
    )
    csv_download("Download stories (CSV)", shown, "stories.csv", "content_stories_csv")


AUDIENCE_TITLES = {"age": "Age", "gender": "Gender", "country": "Country", "city": "City"}
GENDERS = {"F": "Female", "M": "Male", "U": "Unknown"}


def _audience(filters: Filters) -> None:
    """Who follows the accounts (Meta's follower demographics, as last read)."""
    st.subheader("Audience")
    frame = context.frame(content.audience, filters)
    if frame.empty:
        st.info("No follower demographics yet: Meta gives them for accounts of 100+ followers.")
        return
    st.caption(f"Followers as Meta reported them on {formatting.day(frame['read_on'].max())}.")
    places = st.columns(4)
    for column, (breakdown, title) in zip(places, AUDIENCE_TITLES.items(), strict=True):
        part = frame[frame["breakdown"] == breakdown].head(10)
        labels = (
            part["key"].map(GENDERS).fillna(part["key"]) if breakdown == "gender" else part["key"]
        )
        column.markdown(f"**{title}**")
        column.dataframe(
            pd.DataFrame(
                {
                    title: labels,
                    "Followers": part["followers"],
                    "Share (%)": (part["share"] * 100).round(1),
                }
            ),
            hide_index=True,
            key=f"audience_{breakdown}",
            column_config={
                "Followers": columns.count(),
                "Share (%)": columns.percent("Share", places=1),
            },
        )
    shown = frame[["breakdown", "key", "followers", "share"]]
    csv_download("Download audience (CSV)", shown, "audience.csv", "content_audience_csv")
