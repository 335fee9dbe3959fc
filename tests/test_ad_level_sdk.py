"""Ad sets, ads, creatives and ad-level insights of the demo API, read with Meta's own Python
SDK (facebook-business) as a client of Meta would read them. Figures are checked against
pandas over the demo files: the ads add up to their campaigns to the cent."""

from __future__ import annotations

import time
from decimal import Decimal

import pandas as pd
import pytest
import requests
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adreportrun import AdReportRun
from facebook_business.adobjects.adset import AdSet
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

from insights.demo.server import DEMO_TOKEN, DemoApi

WINDOW = {"since": "2026-10-01", "until": "2026-10-07"}
FIELDS = [
    "campaign_id",
    "adset_id",
    "ad_id",
    "spend",
    "impressions",
    "reach",
    "clicks",
    "inline_link_clicks",
    "actions",
    "action_values",
]
AGE_GENDER = ["age", "gender"]
PLACEMENT = ["publisher_platform", "platform_position", "impression_device"]
PARAMS = {
    "level": "ad",
    "time_increment": 1,
    "time_range": WINDOW,
    "use_unified_attribution_setting": True,
    "limit": 500,
}
HIDDEN = ("ARCHIVED", "DELETED")
EVERY_STATUS = ["ACTIVE", "PAUSED", "CAMPAIGN_PAUSED", "ARCHIVED", "DELETED"]


@pytest.fixture(scope="module")
def demo():
    with DemoApi(app_secret="demo-app-secret") as api:
        yield api


@pytest.fixture
def mine(raw):
    """The first ad account's campaigns and rows (the account these tests read)."""
    first = raw["ad_accounts"]["ad_account_id"].iloc[0]
    campaigns = raw["ad_campaigns"]
    ads = raw["ad_insights_daily"]
    return (
        campaigns[campaigns["ad_account_id"] == first].reset_index(drop=True),
        ads[ads["ad_account_id"] == first].reset_index(drop=True),
    )


def _account(demo: DemoApi) -> AdAccount:
    sdk = FacebookAdsApi.init(
        access_token=DEMO_TOKEN, app_secret="demo-app-secret", api_version="v26.0"
    )
    sdk._session.GRAPH = demo.root_url  # the SDK's one switch for its server
    return AdAccount(f"act_{demo.ad_account_ids[0]}", api=sdk)


def _action(row, kind: str, action_type: str) -> Decimal:
    for item in row.get(kind) or []:
        if item["action_type"] == action_type:
            return Decimal(item["value"])
    return Decimal(0)


def _frame(rows, keys: list[str]) -> pd.DataFrame:
    """The served rows as a frame of exact numbers, one action type each (never their sum)."""
    return pd.DataFrame(
        [
            {
                **{k: r[k] for k in keys},
                "spend": Decimal(r["spend"]),
                "impressions": int(r["impressions"]),
                "reach": int(r["reach"]),
                "clicks": int(r["clicks"]),
                "link_clicks": int(r["inline_link_clicks"]),
                "purchases": int(_action(r, "actions", "omni_purchase")),
                "purchase_value": _action(r, "action_values", "omni_purchase"),
                "leads": int(_action(r, "actions", "lead")),
            }
            for r in rows
        ]
    )


def _expected(mine, keys: list[str]) -> pd.DataFrame:
    """The demo file's campaign rows of the window, summed by `keys` (deleted campaigns left
    out, as account-level insights leave them out)."""
    campaigns, ads = mine
    deleted = set(campaigns.loc[campaigns["status"] == "DELETED", "campaign_id"])
    rows = ads[
        (ads["date"] >= WINDOW["since"])
        & (ads["date"] <= WINDOW["until"])
        & ~ads["campaign_id"].isin(deleted)
    ].rename(columns={"date": "date_start"})
    out = rows[keys].copy()
    out["spend"] = rows["spend"].map(Decimal)
    out["purchase_value"] = rows["purchase_value"].map(Decimal)
    for column in ("impressions", "reach", "clicks", "link_clicks", "purchases", "leads"):
        out[column] = rows[column].astype(int)
    return _summed(out, keys)


def _summed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = ["spend", "impressions", "reach", "clicks", "link_clicks"]
    columns += ["purchases", "purchase_value", "leads"]
    return frame.groupby(keys)[columns].sum().sort_index()


def test_ad_sets_leave_out_archived_and_deleted_unless_asked(demo, mine):
    campaigns, _ = mine
    account = _account(demo)
    fields = [
        AdSet.Field.campaign_id,
        AdSet.Field.name,
        AdSet.Field.effective_status,
        AdSet.Field.daily_budget,
        AdSet.Field.lifetime_budget,
        AdSet.Field.optimization_goal,
        AdSet.Field.billing_event,
        AdSet.Field.targeting,
        AdSet.Field.attribution_spec,
    ]
    default = list(account.get_ad_sets(fields=fields, params={"limit": 5}))  # paged by 5
    every = list(
        account.get_ad_sets(fields=fields, params={"effective_status": EVERY_STATUS, "limit": 7})
    )
    hidden = set(campaigns.loc[campaigns["status"].isin(HIDDEN), "campaign_id"])
    assert hidden
    assert len({a["id"] for a in every}) == len(every)  # paging repeats nothing
    assert {a["campaign_id"] for a in default} == set(campaigns["campaign_id"]) - hidden
    assert {a["campaign_id"] for a in every} == set(campaigns["campaign_id"])
    assert all(a["effective_status"] not in HIDDEN for a in default)
    status = dict(zip(campaigns["campaign_id"], campaigns["status"], strict=True))
    for ad_set in every:
        parent = status[ad_set["campaign_id"]]
        expected = {"PAUSED": "CAMPAIGN_PAUSED"}.get(parent, parent)
        assert ad_set["effective_status"] == expected
        assert ad_set["optimization_goal"] and ad_set["billing_event"]
        assert ad_set["targeting"]["geo_locations"]["countries"] == ["US"]
        assert {w["event_type"] for w in ad_set["attribution_spec"]} <= {
            "CLICK_THROUGH",
            "VIEW_THROUGH",
        }
    # budgets in the currency's minor unit: the ad sets of a daily-budget campaign share its
    # budget to the cent; a lifetime-budget campaign's ad sets have none of their own
    for row in campaigns.itertuples():
        children = [a for a in every if a["campaign_id"] == row.campaign_id]
        assert len(children) == 2
        if row.daily_budget:
            assert sum(int(a["daily_budget"]) for a in children) == int(row.daily_budget)
        else:
            assert all("daily_budget" not in a for a in children)
    with pytest.raises(FacebookRequestError) as refused, pytest.warns(UserWarning):
        list(account.get_ad_sets(fields=["no_such_field"]))  # the SDK warns, Meta refuses
    assert refused.value.api_error_code() == 100


@pytest.mark.filterwarnings("ignore:ads does not allow field creative")  # nested: SDK warns
def test_ads_with_their_creatives_and_thumbnails(demo, mine):
    campaigns, _ = mine
    account = _account(demo)
    creative = "creative{id,thumbnail_url,title,body,object_story_spec,url_tags}"
    ads = list(
        account.get_ads(
            fields=[Ad.Field.adset_id, Ad.Field.campaign_id, Ad.Field.name, Ad.Field.status]
            + [Ad.Field.effective_status, creative],
            params={"limit": 10},
        )
    )
    ad_sets = {a["id"]: a["campaign_id"] for a in account.get_ad_sets(fields=["campaign_id"])}
    hidden = set(campaigns.loc[campaigns["status"].isin(HIDDEN), "campaign_id"])
    assert {a["campaign_id"] for a in ads} == set(campaigns["campaign_id"]) - hidden
    assert all(ad_sets[a["adset_id"]] == a["campaign_id"] for a in ads)
    assert len({a["creative"]["id"] for a in ads}) == len(ads)
    for ad in ads[:6]:
        spec = ad["creative"]["object_story_spec"]
        story = spec.get("link_data") or spec.get("video_data")
        assert story["call_to_action"]["type"] and ad["creative"]["title"]
        assert "utm_source" in ad["creative"]["url_tags"]
        url = ad["creative"]["thumbnail_url"]
        assert url.startswith(demo.root_url + "/")
        picture = requests.get(url, timeout=5)  # a CDN address: no token needed
        assert picture.headers["Content-Type"] == "image/png"
        assert picture.content.startswith(b"\x89PNG\r\n\x1a\n") and len(picture.content) < 8000
    just_ids = list(account.get_ads(fields=["creative"], params={"limit": 3}))
    assert set(just_ids[0]["creative"]) == {"id"}  # an edge without sub-fields: its id


def test_ad_level_by_age_and_gender_adds_up_to_the_campaigns(demo, mine):
    rows = list(
        _account(demo).get_insights(fields=FIELDS, params={**PARAMS, "breakdowns": AGE_GENDER})
    )
    keys = ["campaign_id", "date_start", "age", "gender"]
    served = _frame(rows, ["ad_id", "adset_id", *keys])
    assert not served.duplicated(["ad_id", *keys]).any()
    assert served["ad_id"].nunique() > served["campaign_id"].nunique()  # several ads each
    pd.testing.assert_frame_equal(_summed(served, keys), _expected(mine, keys))


def test_ad_level_by_placement_through_an_async_report(demo, mine):
    account = _account(demo)
    job = account.get_insights(
        fields=FIELDS, params={**PARAMS, "breakdowns": PLACEMENT}, is_async=True
    )
    assert isinstance(job, AdReportRun)
    for _ in range(50):
        job.api_get()
        if job[AdReportRun.Field.async_status] == "Job Completed":
            break
        time.sleep(0.05)
    rows = list(job.get_result(params={"limit": 500}))
    keys = ["campaign_id", "date_start"]
    served = _frame(rows, ["ad_id", *keys, *PLACEMENT])
    assert not served.duplicated(["ad_id", *keys, *PLACEMENT]).any()
    assert set(served["publisher_platform"]) >= {"facebook", "instagram"}
    pd.testing.assert_frame_equal(_summed(served, keys), _expected(mine, keys))
    # an ad's day is the same in both breakdowns
    by_age = _frame(
        account.get_insights(fields=FIELDS, params={**PARAMS, "breakdowns": AGE_GENDER}),
        ["ad_id", *keys],
    )
    pd.testing.assert_frame_equal(_summed(served, ["ad_id"]), _summed(by_age, ["ad_id"]))


def test_age_and_gender_do_not_combine_with_placements(demo):
    account = _account(demo)
    for breakdowns in (["age", "gender", "publisher_platform"], ["gender", *PLACEMENT]):
        with pytest.raises(FacebookRequestError) as refused:
            list(account.get_insights(fields=FIELDS, params={**PARAMS, "breakdowns": breakdowns}))
        assert refused.value.api_error_code() == 100
        assert "combination of data breakdown columns" in refused.value.api_error_message()


PERIOD_FIELDS = ["campaign_id", "adset_id", "ad_id", "impressions", "reach", "frequency"]


def _period(account: AdAccount, level: str, is_async: bool = False) -> pd.DataFrame:
    """One whole-period row per object (time_increment=all_days), as the SDK reads it."""
    params = {"level": level, "time_increment": "all_days", "time_range": WINDOW, "limit": 500}
    if is_async:
        job = account.get_insights(fields=PERIOD_FIELDS, params=params, is_async=True)
        for _ in range(50):
            job.api_get()
            if job[AdReportRun.Field.async_status] == "Job Completed":
                break
            time.sleep(0.05)
        rows = list(job.get_result(params={"limit": 500}))
    else:
        rows = list(account.get_insights(fields=PERIOD_FIELDS, params=params))
    assert {(r["date_start"], r["date_stop"]) for r in rows} == {(WINDOW["since"], WINDOW["until"])}
    key = {"campaign": "campaign_id", "adset": "adset_id", "ad": "ad_id"}[level]
    frame = pd.DataFrame(
        {
            "object_id": [r[key] for r in rows],
            "campaign_id": [r["campaign_id"] for r in rows],
            "adset_id": [r.get("adset_id") for r in rows],
            "impressions": [int(r["impressions"]) for r in rows],
            "reach": [int(r["reach"]) for r in rows],
            "frequency": [float(r["frequency"]) for r in rows],
        }
    )
    assert not frame["object_id"].duplicated().any()  # one row per object for the period
    return frame.set_index("object_id")


def test_reach_of_a_whole_period_is_unique_people_not_a_sum_of_days(demo, mine):
    account = _account(demo)
    ads = _period(account, "ad", is_async=True)
    ad_sets = _period(account, "adset")
    campaigns = _period(account, "campaign")
    # the same ads' days, read by day and by age and gender: reach of each ad's day
    daily = _frame(
        account.get_insights(fields=FIELDS, params={**PARAMS, "breakdowns": AGE_GENDER}),
        ["ad_id", "date_start"],
    )
    by_day = daily.groupby(["ad_id", "date_start"])[["impressions", "reach"]].sum()
    per_ad = by_day.groupby("ad_id").agg(
        impressions=("impressions", "sum"), most=("reach", "max"), total=("reach", "sum")
    )
    assert sorted(ads.index) == sorted(per_ad.index)
    assert (ads["impressions"] == per_ad.loc[ads.index, "impressions"]).all()
    assert (ads["reach"] >= per_ad.loc[ads.index, "most"]).all()
    assert (ads["reach"] <= per_ad.loc[ads.index, "total"]).all()
    assert (ads["reach"] < per_ad.loc[ads.index, "total"]).any()  # people seen on several days
    for frame in (ads, ad_sets, campaigns):
        ratio = frame["impressions"] / frame["reach"]
        assert ((frame["frequency"] - ratio).abs() <= 1e-9 * ratio).all()
    # a parent reaches at least its biggest child's people, at most all of its children's
    for parents, children, by in ((ad_sets, ads, "adset_id"), (campaigns, ad_sets, "campaign_id")):
        grouped = children.groupby(by)["reach"].agg(["max", "sum"])
        assert sorted(grouped.index) == sorted(parents.index)
        reach = parents["reach"]
        assert (reach >= grouped.loc[reach.index, "max"]).all()
        assert (reach <= grouped.loc[reach.index, "sum"]).all()
        impressions = children.groupby(by)["impressions"].sum()
        assert (parents["impressions"] == impressions.loc[parents.index]).all()
    with pytest.raises(FacebookRequestError) as refused:  # by day only, in the demo
        list(
            account.get_insights(
                fields=PERIOD_FIELDS,
                params={"level": "ad", "time_increment": "all_days", "time_range": WINDOW}
                | {"breakdowns": AGE_GENDER},
            )
        )
    assert refused.value.api_error_code() == 100
    assert "all_days" in refused.value.api_error_message()
