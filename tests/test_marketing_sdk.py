"""The demo API answers Meta's own Python SDK (facebook-business) as Meta would: the SDK sends
lists JSON-encoded, booleans as true/false, the app secret as appsecret_proof, and drives
async reports through AdReportRun. Figures are checked against pandas over the demo files."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adreportrun import AdReportRun
from facebook_business.adobjects.campaign import Campaign
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

from insights.demo.server import DEMO_TOKEN, DemoApi

WINDOW = {"since": "2026-10-01", "until": "2026-10-14"}
FIELDS = ["campaign_id", "spend", "impressions", "clicks", "actions", "action_values"]
PARAMS = {
    "level": "campaign",
    "time_increment": 1,
    "breakdowns": ["age", "gender"],
    "time_range": WINDOW,
    "use_unified_attribution_setting": True,
    "limit": 200,
}


@pytest.fixture
def raw(raw):
    """The demo files of the first ad account only: the account these tests read."""
    first = raw["ad_accounts"]["ad_account_id"].iloc[0]
    mine = {**raw}
    for name in ("ad_campaigns", "ad_insights_daily"):
        frame = raw[name]
        mine[name] = frame[frame["ad_account_id"] == first].reset_index(drop=True)
    return mine


@pytest.fixture(scope="module")
def demo():
    with DemoApi(app_secret="demo-app-secret") as api:
        yield api


def _sdk(demo: DemoApi, app_secret: str | None = "demo-app-secret") -> FacebookAdsApi:
    api = FacebookAdsApi.init(access_token=DEMO_TOKEN, app_secret=app_secret, api_version="v26.0")
    api._session.GRAPH = demo.root_url  # the SDK's one switch for its server
    return api


def _account(demo: DemoApi, sdk: FacebookAdsApi) -> AdAccount:
    return AdAccount(f"act_{demo.ad_account_ids[0]}", api=sdk)


def _window(raw) -> tuple:
    ads = raw["ad_insights_daily"]
    return ads[(ads["date"] >= WINDOW["since"]) & (ads["date"] <= WINDOW["until"])]


def _purchases(rows, kind: str = "actions") -> int | Decimal:
    """omni_purchase of each row: one purchase type, never the sum of the overlapping ones."""
    total = Decimal("0") if kind == "action_values" else 0
    for row in rows:
        for item in row.get(kind) or []:
            if item["action_type"] == "omni_purchase":
                total += Decimal(item["value"]) if kind == "action_values" else int(item["value"])
    return total


def test_ad_account_object_with_currency_and_time_zone(demo, raw):
    account = _account(demo, _sdk(demo)).api_get(fields=["name", "currency", "timezone_name"])
    expected = raw["ad_campaigns"]  # the account of every demo campaign
    assert account["id"] == f"act_{expected['ad_account_id'].iloc[0]}"
    assert (account["currency"], account["timezone_name"]) == ("USD", "America/Los_Angeles")


def test_campaign_listing_leaves_out_archived_and_deleted_unless_asked(demo, raw):
    account = _account(demo, _sdk(demo))
    fields = [Campaign.Field.name, Campaign.Field.effective_status, Campaign.Field.objective]
    default = {c["id"] for c in account.get_campaigns(fields=fields)}
    every = {
        c["id"]: c["effective_status"]
        for c in account.get_campaigns(
            fields=fields,
            params={"effective_status": ["ACTIVE", "PAUSED", "ARCHIVED", "DELETED"]},
        )
    }
    campaigns = raw["ad_campaigns"]
    hidden = set(campaigns.loc[campaigns["status"].isin(["ARCHIVED", "DELETED"]), "campaign_id"])
    assert hidden  # the demo has both kinds
    assert default == set(campaigns["campaign_id"]) - hidden
    assert every == dict(zip(campaigns["campaign_id"], campaigns["status"], strict=True))


def test_sync_insights_with_breakdowns_equal_the_data_set_without_deleted_campaigns(demo, raw):
    rows = list(_account(demo, _sdk(demo)).get_insights(fields=FIELDS, params=PARAMS))
    window = _window(raw)
    campaigns = raw["ad_campaigns"]
    deleted = set(campaigns.loc[campaigns["status"] == "DELETED", "campaign_id"])
    shown = window[~window["campaign_id"].isin(deleted)]
    assert len(rows) == len(shown)
    assert sum(Decimal(r["spend"]) for r in rows) == sum(Decimal(v) for v in shown["spend"])
    assert _purchases(rows) == shown["purchases"].astype(int).sum()
    assert _purchases(rows, "action_values") == sum(Decimal(v) for v in shown["purchase_value"])


def test_a_deleted_campaign_is_read_by_its_own_id(demo, raw):
    campaigns = raw["ad_campaigns"]
    deleted = campaigns.loc[campaigns["status"] == "DELETED", "campaign_id"].iloc[0]
    first, last = campaigns.loc[
        campaigns["campaign_id"] == deleted, ["start_time", "stop_time"]
    ].iloc[0]
    span = {"since": first[:10], "until": last[:10]}
    rows = list(
        Campaign(deleted, api=_sdk(demo)).get_insights(
            fields=FIELDS, params={**PARAMS, "time_range": span}
        )
    )
    ads = raw["ad_insights_daily"]
    own = ads[ads["campaign_id"] == deleted]
    assert len(rows) == len(own) > 0
    assert sum(Decimal(r["spend"]) for r in rows) == sum(Decimal(v) for v in own["spend"])


def test_async_report_run_as_the_sdk_drives_it(demo, raw):
    job = _account(demo, _sdk(demo)).get_insights(fields=FIELDS, params=PARAMS, is_async=True)
    assert isinstance(job, AdReportRun)
    for _ in range(50):
        job.api_get()
        if job[AdReportRun.Field.async_status] == "Job Completed":
            break
        time.sleep(0.05)
    assert job[AdReportRun.Field.async_percent_completion] == 100
    rows = list(job.get_result(params={"limit": 100}))
    window = _window(raw)
    campaigns = raw["ad_campaigns"]
    shown = window[
        ~window["campaign_id"].isin(campaigns.loc[campaigns["status"] == "DELETED", "campaign_id"])
    ]
    assert len(rows) == len(shown)
    assert sum(Decimal(r["spend"]) for r in rows) == sum(Decimal(v) for v in shown["spend"])


def test_an_app_that_requires_the_secret_refuses_calls_without_its_proof(demo):
    account = _account(demo, _sdk(demo, app_secret=None))
    with pytest.raises(FacebookRequestError) as refused:
        account.api_get(fields=["currency"])
    assert refused.value.api_error_code() == 100
    assert "appsecret_proof" in refused.value.api_error_message()
    wrong = _account(demo, _sdk(demo, app_secret="not-the-secret"))
    with pytest.raises(FacebookRequestError, match="Invalid appsecret_proof"):
        wrong.api_get(fields=["currency"])


def test_unknown_fields_old_ranges_and_ended_versions_are_refused(demo):
    account = _account(demo, _sdk(demo))
    with pytest.raises(FacebookRequestError) as unknown:
        list(account.get_insights(fields=["spend", "no_such_field"], params=PARAMS))
    assert unknown.value.api_error_code() == 100
    old = {**PARAMS, "time_range": {"since": "2022-01-01", "until": "2022-01-31"}}
    with pytest.raises(FacebookRequestError) as too_old:
        list(account.get_insights(fields=FIELDS, params=old))
    assert too_old.value.api_error_code() == 3018  # over 37 months back
    ended = FacebookAdsApi.init(
        access_token=DEMO_TOKEN, app_secret="demo-app-secret", api_version="v21.0"
    )
    ended._session.GRAPH = demo.root_url
    with pytest.raises(FacebookRequestError) as deprecated:
        AdAccount(f"act_{demo.ad_account_ids[0]}", api=ended).api_get(fields=["currency"])
    assert deprecated.value.api_error_code() == 2635  # v21.0 ended on 2025-09-09
