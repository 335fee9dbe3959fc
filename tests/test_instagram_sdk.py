"""The demo API read with Meta's own Python SDK (facebook-business), exactly as the SDK sends
its requests (lists JSON-encoded, the token as a query parameter, its own paging)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from facebook_business.adobjects.igmedia import IGMedia
from facebook_business.adobjects.iguser import IGUser
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

from insights.demo import instagram as demo_instagram
from insights.demo import server as demo_api
from insights.demo.server import DEMO_TOKEN, DemoApi


@pytest.fixture(scope="module")
def sdk():
    """A running demo API and an SDK session pointed at it (the SDK builds its URLs from the
    session's GRAPH attribute and the API version)."""
    with DemoApi() as api:
        session = FacebookAdsApi.init(access_token=DEMO_TOKEN, api_version=demo_api.API_VERSION)
        session._session.GRAPH = f"http://127.0.0.1:{api.port}"
        yield api, session


def _unix(day) -> int:
    return int(datetime.combine(day, datetime.min.time(), tzinfo=UTC).timestamp())


def test_ig_user_and_all_its_media(sdk, raw):
    api, session = sdk
    account = api.ig_user_ids[0]
    user = IGUser(account, api=session).api_get(fields=["username", "followers_count"])
    accounts = raw["ig_accounts"].set_index("account_id")
    assert user["username"] == accounts.loc[account, "username"]
    assert user["followers_count"] == int(accounts.loc[account, "followers_count"])
    media = list(
        IGUser(account, api=session).get_media(
            fields=["id", "timestamp", "like_count", "media_url"], params={"limit": 100}
        )
    )  # the SDK's cursor pages through every post
    expected = raw["ig_media"][raw["ig_media"]["account_id"] == account]
    assert sorted(m["id"] for m in media) == sorted(expected["media_id"])
    hidden = [m for m in media if demo_instagram.likes_hidden(m["id"])]
    assert hidden and all("like_count" not in m for m in hidden)  # Meta leaves it out
    assert all(m["media_url"].startswith("data:image/") for m in media)


def test_media_insights_as_the_sdk_asks_them(sdk, raw):
    api, session = sdk
    media = raw["ig_media"].set_index("media_id")
    reel = media[
        (media["media_product_type"] == "REELS") & (media["account_id"] == api.ig_user_ids[0])
    ]
    reel_id = reel.index[-1]
    rows = IGMedia(reel_id, api=session).get_insights(
        params={"metric": ["reach", "saved", "total_interactions", "ig_reels_avg_watch_time"]}
    )
    values = {r["name"]: r["values"][0]["value"] for r in rows}
    assert values["reach"] == int(reel.loc[reel_id, "reach"])
    assert values["saved"] == int(reel.loc[reel_id, "saved"])
    assert values["total_interactions"] == int(reel.loc[reel_id, "total_interactions"])
    assert values["ig_reels_avg_watch_time"] > 0
    carousel = media[media["media_type"] == "CAROUSEL_ALBUM"].index[-1]
    with pytest.raises(FacebookRequestError) as refused:
        IGMedia(carousel, api=session).get_insights(params={"metric": ["reach", "views"]})
    assert refused.value.api_error_code() == 100
    assert "views metric" in refused.value.api_error_message()
    old = next(i for i, row in media.iterrows() if demo_instagram.before_conversion(row))
    with pytest.raises(FacebookRequestError) as before:
        IGMedia(old, api=session).get_insights(params={"metric": ["reach"]})
    assert (before.value.api_error_code(), before.value.api_error_subcode()) == (100, 2108006)


def test_account_insights_as_the_sdk_asks_them(sdk, raw):
    api, session = sdk
    account = api.ig_user_ids[1]
    user = IGUser(account, api=session)
    today = api.instagram.today
    day = today - timedelta(days=3)
    daily = raw["ig_account_daily"]
    row = daily[(daily["account_id"] == account) & (daily["date"] == day.isoformat())].iloc[0]
    window = {"since": _unix(day), "until": _unix(day + timedelta(days=1))}
    totals = user.get_insights(
        params={
            "metric": ["views", "profile_views", "website_clicks"],
            "period": ["day"],
            "metric_type": "total_value",
            **window,
        }
    )
    got = {r["name"]: r["total_value"]["value"] for r in totals}
    assert got == {
        "views": int(row["views"]),
        "profile_views": int(row["profile_views"]),
        "website_clicks": int(row["website_clicks"]),
    }
    with pytest.raises(FacebookRequestError) as without:
        user.get_insights(params={"metric": ["views"], "period": ["day"], **window})
    assert "metric_type=total_value" in without.value.api_error_message()
    series = user.get_insights(
        params={"metric": ["reach", "follower_count"], "period": ["day"], **window}
    )
    by_name = {r["name"]: r["values"] for r in series}
    assert by_name["reach"][0]["value"] == int(row["reach"])
    assert by_name["follower_count"][0]["value"] == int(row["follower_count"])
    with pytest.raises(FacebookRequestError) as too_old:
        user.get_insights(
            params={
                "metric": ["reach"],
                "period": ["day"],
                "since": _unix(today - timedelta(days=800)),
                "until": _unix(today - timedelta(days=790)),
            }
        )
    assert "last 2 years" in too_old.value.api_error_message()
    audience = user.get_insights(
        params={
            "metric": ["follower_demographics"],
            "period": ["lifetime"],
            "metric_type": "total_value",
            "breakdown": ["age"],
        }
    )
    results = audience[0]["total_value"]["breakdowns"][0]["results"]
    assert {r["dimension_values"][0] for r in results} >= {"18-24", "25-34"}


def test_stories_and_their_insights(sdk):
    api, session = sdk
    account = api.ig_user_ids[0]
    stories = list(IGUser(account, api=session).get_stories(fields=["id", "timestamp"]))
    assert stories
    now = api.instagram.now
    for story in stories:
        posted = datetime.strptime(story["timestamp"], "%Y-%m-%dT%H:%M:%S%z")
        assert now - timedelta(hours=24) < posted <= now  # only the live ones
    answers, few = 0, 0
    for story in stories:
        try:
            IGMedia(story["id"], api=session).get_insights(params={"metric": ["reach", "replies"]})
            answers += 1
        except FacebookRequestError as exc:
            assert exc.api_error_code() == 10 and "Not enough viewers" in exc.api_error_message()
            few += 1
    assert answers and few
