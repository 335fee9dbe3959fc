"""The Content page through AppTest: figures shown, widgets, bad links, empty results."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from insights.figures import content


def _page() -> None:
    from insights.ui import content_page

    content_page.render()


def _open(**query: str) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def _posts(raw, demo_range, days: int) -> pd.DataFrame:
    media = raw["ig_media"].copy()
    day = pd.to_datetime(media["timestamp"], utc=True).dt.date
    until = demo_range[1]
    media = media[(day >= until - timedelta(days=days - 1)) & (day <= until)]
    for column in ("reach", "like_count", "comments_count", "saved", "shares"):
        media[column] = pd.to_numeric(media[column].replace("", "0")).astype(int)
    media["engagement"] = media[["like_count", "comments_count", "saved", "shares"]].sum(axis=1)
    return media


def test_content_page_shows_the_posts_of_the_period(app_env, raw, demo_range):
    at = _open(range="last_90")
    assert not at.exception
    media = _posts(raw, demo_range, 90)
    top = at.dataframe[0].value
    rates = (media["engagement"] / media["reach"]).sort_values(ascending=False)
    assert list(top["Engagement rate (%)"]) == pytest.approx(list((rates.head(10) * 100).round(2)))
    formats = at.dataframe[1].value
    by_type = formats[formats["Compared by"] == "Media type"].set_index("Format")["Posts"]
    assert by_type.sum() == len(media)
    assert by_type["Carousel"] == (media["media_type"] == "CAROUSEL_ALBUM").sum()
    assert len(at.get("plotly_chart")) == 4  # two spreads, the heatmap, hashtags


def test_widgets_and_the_time_zone_in_the_url(app_env, raw, demo_range):
    at = _open(range="last_90", tz="Asia/Tokyo")
    assert not at.exception
    assert at.selectbox(key="content_tz").value == "Asia/Tokyo"
    at.segmented_control(key="content_rank").set_value("reach").run()
    media = _posts(raw, demo_range, 90)
    shown = at.dataframe[0].value
    assert list(shown["Reach"]) == sorted(media["reach"], reverse=True)[:10]
    at.number_input(key="content_min_tag").set_value(500).run()
    assert not at.exception
    assert any("No hashtag" in i.value for i in at.info)
    at.selectbox(key="content_tz").set_value(_default_zone()).run()
    assert "tz" not in at.query_params  # the default every viewer shares keeps the link short


def _default_zone() -> str:
    """The heatmap's default zone: the ad accounts' when they share one (from the raw file),
    else the browser's, and AppTest has no browser: UTC."""
    from tests.conftest import read_raw

    zones = set(read_raw("ad_accounts.csv")["time_zone"].dropna())
    return zones.pop() if len(zones) == 1 else "UTC"


def test_best_time_defaults_to_the_ad_account_time_zone(app_env):
    at = _open(range="last_90")
    assert not at.exception
    assert at.selectbox(key="content_tz").value == _default_zone()
    assert "tz" not in at.query_params  # a default every viewer shares keeps the link short


def test_media_type_filter_and_hostile_links(app_env, raw, demo_range, postless_link):
    at = _open(range="last_90", media="VIDEO", tz="Nowhere/Land'; --")
    assert not at.exception
    assert any("time zone" in t.value for t in at.toast)
    formats = at.dataframe[1].value
    assert set(formats[formats["Compared by"] == "Media type"]["Format"]) == {"Video"}
    empty = _open(**postless_link)
    assert not empty.exception
    assert any("No post was published" in i.value for i in empty.info)


def test_what_to_post_next_per_account(app_env, raw, demo_range):
    """At the default 28 days the section recommends (its history is the 180 days up to the
    view's end), in the page's media type labels, never below the account's own rate."""
    at = _open()
    assert not at.exception
    assert any(h.value == "What to post next" for h in at.subheader)
    assert any("180 days" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "Expected rate (%)" in d.value.columns)
    media = _posts(raw, demo_range, 180)
    media = media[media["reach"] > 0]
    accounts = raw["ig_accounts"].set_index("account_id")["username"]
    per_account = media.groupby("account_id").size()
    enough = per_account[per_account >= content.MIN_ACCOUNT_POSTS].index
    assert len(enough) and sorted(table["Account"].unique()) == sorted(
        "@" + accounts[a] for a in enough
    )
    assert set(table["What"]) == {"Media type", "Day and time", "Hashtag"}
    labels = set(table.loc[table["What"] == "Media type", "Option"])
    assert labels and labels <= {"Image", "Video", "Carousel"}
    assert (table["Posts"] >= content.MIN_OPTION_POSTS).all()
    assert (table["Its rate (%)"] >= table["Account's rate (%)"]).all()
    assert (table["90% low (%)"] <= table["Expected rate (%)"]).all()
    assert (table["Expected rate (%)"] <= table["90% high (%)"]).all()
    for account, theirs in media.groupby("account_id"):
        rows = table[table["Account"] == "@" + accounts[account]]
        rate = theirs["engagement"].sum() / theirs["reach"].sum()
        assert rows["Account's rate (%)"].iloc[0] == pytest.approx(rate * 100, abs=0.005)


def test_pictures_stories_audience_and_watch_time(app_env, demo_store_file):
    at = _open(range="last_7")
    assert not at.exception
    top = at.dataframe[0].value
    assert top["Picture"].str.startswith("data:image/").all()  # the demo API's pictures
    subheaders = [h.value for h in at.subheader]
    assert {"Stories", "Audience", "Reels watch time"} <= set(subheaders)
    with duckdb.connect(str(demo_store_file), read_only=True) as con:  # the same rows
        last = con.execute("SELECT max(date) FROM ig_account_daily").fetchone()[0]
        stories = con.execute(
            "SELECT story_id, reach FROM ig_stories WHERE posted_at < $end",
            {"end": datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)},
        ).df()
        ages = con.execute(
            "SELECT key, sum(followers) AS n FROM ig_audience WHERE breakdown = 'age' "
            "GROUP BY 1 ORDER BY 2 DESC"
        ).df()
    table = next(d.value for d in at.dataframe if "Story id" in d.value.columns)
    assert sorted(table["Story id"]) == sorted(stories["story_id"])
    shown = {m.label: m.value for m in at.metric}
    assert shown["Stories"] == f"{len(stories):,}"
    assert shown["Story reach (sum)"] == f"{int(stories['reach'].sum()):,}"
    with duckdb.connect(str(demo_store_file), read_only=True) as con:
        hours = con.execute(
            "SELECT sum(reels_total_watch_time_ms) / 3600000 FROM ig_media "
            "WHERE media_product_type = 'REELS' AND posted_at >= $since AND posted_at < $end",
            {
                "since": datetime.combine(last - timedelta(days=6), time(0), tzinfo=UTC),
                "end": datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC),
            },
        ).fetchone()[0]
    assert shown["Total watch time"] == f"{hours:,.1f} h"
    age = next(d.value for d in at.dataframe if "Age" in d.value.columns)
    assert age["Age"].tolist() == ages["key"].head(10).tolist()
    assert age["Followers"].tolist() == ages["n"].head(10).tolist()


def test_a_hostile_picture_url_is_not_shown():
    assert content.safe_picture("javascript:alert(1)") is None
    assert content.safe_picture("file:///etc/passwd") is None
    assert content.safe_picture(None) is None
    assert content.safe_picture("https://scontent.cdninstagram.com/x.jpg").startswith("https")


DATASETS = next(
    (
        folder / "shared" / "datasets"
        for folder in Path(__file__).resolve().parents[1:]
        if (folder / "shared" / "datasets").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "datasets",
)


@pytest.mark.skipif(
    not (DATASETS / "instagram_posts.csv").exists(),
    reason="the public data set is not beside the project",
)
def test_posts_imported_without_a_type_show_as_unknown(app_env):
    from insights.csv_import import importer
    from insights.store.database import Store

    path = DATASETS / "instagram_posts.csv"
    days = pd.read_csv(path, encoding="latin-1")["Date"]
    with Store(app_env) as store:
        importer.import_file(store, path, account="finance_posts")
    at = _open(range="custom", since=str(days.min()), until=str(days.max()))
    assert not at.exception, at.exception
    formats = next(d.value for d in at.dataframe if "Compared by" in d.value.columns)
    kinds = formats[formats["Compared by"] == "Media type"]["Format"]
    assert list(kinds) == ["Unknown"]
