"""The demo API speaks the Graph API contract over real HTTP."""

from __future__ import annotations

import json

import pytest
import requests

from insights.demo.server import DEMO_TOKEN, DemoApi

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}


@pytest.fixture(scope="module")
def api():
    with DemoApi() as running:
        yield running


def _all(url: str, params: dict, headers=AUTH) -> list[dict]:
    rows, seen = [], set()
    body = requests.get(url, params=params, headers=headers, timeout=10).json()
    while True:
        rows.extend(body["data"])
        nxt = body.get("paging", {}).get("next")
        if not nxt:
            return rows
        assert nxt not in seen
        seen.add(nxt)
        body = requests.get(nxt, headers=headers, timeout=10).json()


def test_media_pages_hold_every_post_once(api, raw):
    account = api.ig_user_ids[0]
    rows = _all(f"{api.base_url}/{account}/media", {"fields": "id,timestamp", "limit": 100})
    expected = raw["ig_media"][raw["ig_media"]["account_id"] == account]
    assert sorted(r["id"] for r in rows) == sorted(expected["media_id"])
    stamps = [r["timestamp"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    assert set(rows[0]) == {"id", "timestamp"}  # only the asked-for fields


def test_small_server_pages_and_token_in_next(raw):
    with DemoApi(page_size=7) as small:
        url = f"{small.base_url}/act_{small.ad_account_ids[0]}/campaigns"
        first = requests.get(
            url, params={"access_token": DEMO_TOKEN, "limit": 100}, timeout=10
        ).json()
        assert len(first["data"]) == 7 and f"access_token={DEMO_TOKEN}" in first["paging"]["next"]
        rows = _all(url, {"limit": 100})
        campaigns = raw["ad_campaigns"]  # the first ad account's own campaigns
        campaigns = campaigns[campaigns["ad_account_id"] == small.ad_account_ids[0]]
        # without an effective_status filter, archived and deleted campaigns are left out
        shown = campaigns[~campaigns["status"].isin(["ARCHIVED", "DELETED"])]
        assert sorted(r["id"] for r in rows) == sorted(shown["campaign_id"])
        every = _all(
            url, {"limit": 100, "effective_status": '["ACTIVE","PAUSED","ARCHIVED","DELETED"]'}
        )
        assert sorted(r["id"] for r in every) == sorted(campaigns["campaign_id"])


def test_ads_insights_numbers_are_strings_and_purchases_overlap(api, raw):
    account = api.ad_account_ids[0]
    rows = _all(
        f"{api.base_url}/act_{account}/insights",
        {
            "level": "campaign",
            "time_increment": 1,
            "breakdowns": "age,gender",
            "time_range": json.dumps({"since": "2025-11-20", "until": "2025-11-30"}),
            "fields": (
                "campaign_id,spend,impressions,clicks,inline_link_clicks,actions,action_values"
            ),
            "limit": 500,
        },
    )
    ads = raw["ad_insights_daily"]
    window = ads[(ads["date"] >= "2025-11-20") & (ads["date"] <= "2025-11-30")]
    window = window[window["ad_account_id"] == account]  # an account's insights are its own
    assert len(rows) == len(window)
    assert all(isinstance(r["spend"], str) and isinstance(r["impressions"], str) for r in rows)
    with_purchases = [r for r in rows if "action_values" in r]
    assert with_purchases
    for row in with_purchases:
        kinds = {a["action_type"]: a["value"] for a in row["actions"]}
        assert (
            kinds["purchase"]
            == kinds["omni_purchase"]
            == kinds["offsite_conversion.fb_pixel_purchase"]
        )
    assert any("actions" not in r for r in rows) or (window["link_clicks"] != "0").all()


def test_carousel_views_fail_the_whole_request(api, raw):
    carousel = raw["ig_media"][raw["ig_media"]["media_type"] == "CAROUSEL_ALBUM"].iloc[0]
    url = f"{api.base_url}/{carousel['media_id']}/insights"
    bad = requests.get(url, params={"metric": "reach,views"}, headers=AUTH, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    good = requests.get(url, params={"metric": "reach,saved"}, headers=AUTH, timeout=10).json()
    assert good["data"][0]["values"][0]["value"] == int(carousel["reach"])


def test_account_insights_windows_and_end_times(api, raw):
    account = api.ig_user_ids[0]
    url = f"{api.base_url}/{account}/insights"
    day0 = 1_793_491_200  # 2026-11-01T00:00:00Z, within the 90 days the API keeps
    body = requests.get(
        url,
        params={
            "metric": "reach,follower_count",
            "period": "day",
            "since": day0,
            "until": day0 + 3 * 86400,
        },
        headers=AUTH,
        timeout=10,
    ).json()
    reach = body["data"][0]["values"]
    assert [v["end_time"] for v in reach] == [f"2026-11-0{d}T07:00:00+0000" for d in (2, 3, 4)]
    daily = raw["ig_account_daily"]
    expected = daily[(daily["account_id"] == account) & (daily["date"] == "2026-11-01")]
    assert reach[0]["value"] == int(expected["reach"].iloc[0])
    too_long = requests.get(
        url,
        params={"metric": "reach", "period": "day", "since": day0, "until": day0 + 31 * 86400},
        headers=AUTH,
        timeout=10,
    )
    assert too_long.json()["error"]["code"] == 100


def test_tokens_errors_and_usage_headers(api):
    url = f"{api.base_url}/{api.ig_user_ids[0]}"
    missing = requests.get(url, timeout=10)
    wrong = requests.get(url, params={"access_token": "nope-secret"}, timeout=10)
    for answer in (missing, wrong):
        assert answer.status_code == 400 and answer.json()["error"]["code"] == 190
        assert "nope-secret" not in answer.text
        json.loads(answer.headers["X-App-Usage"])
    unknown = requests.get(f"{api.base_url}/999", headers=AUTH, timeout=10).json()
    assert unknown["error"]["code"] == 100 and unknown["error"]["error_subcode"] == 33
    ok = requests.get(
        f"{api.base_url}/act_{api.ad_account_ids[0]}/campaigns", headers=AUTH, timeout=10
    )
    assert "call_count" in json.loads(ok.headers["X-App-Usage"])
    assert api.ad_account_ids[0] in json.loads(ok.headers["X-Business-Use-Case-Usage"])


def test_async_report_gives_the_sync_rows(api):
    params = {
        "level": "campaign",
        "time_increment": "1",
        "breakdowns": "age,gender",
        "time_range": json.dumps({"since": "2026-01-01", "until": "2026-01-10"}),
        "fields": "campaign_id,spend",
        "limit": "500",
    }
    act = f"{api.base_url}/act_{api.ad_account_ids[0]}/insights"
    sync = _all(act, params)
    run = requests.post(act, data=params, headers=AUTH, timeout=10).json()["report_run_id"]
    statuses = [
        requests.get(f"{api.base_url}/{run}", headers=AUTH, timeout=10).json()["async_status"]
        for _ in range(3)
    ]
    assert statuses[0] == "Job Running" and statuses[-1] == "Job Completed"
    assert _all(f"{api.base_url}/{run}/insights", {"limit": 100}) == sync


def test_shuffled_fields_keep_values():
    with DemoApi() as plain, DemoApi(shuffle_fields=True) as shuffled:
        path = f"{plain.ig_user_ids[0]}/media"
        a = requests.get(f"{plain.base_url}/{path}", headers=AUTH, timeout=10).json()["data"]
        b = requests.get(f"{shuffled.base_url}/{path}", headers=AUTH, timeout=10).json()["data"]
    assert a == b and any(list(x) != list(y) for x, y in zip(a, b, strict=True))
