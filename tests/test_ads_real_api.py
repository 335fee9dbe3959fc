"""The ads ingest against the demo API in each documented failure mode of the real Marketing
API (GRAPH_API.md): every run ends with the store equal to what the API serves, to the cent,
or fails with Meta's reason in one sentence and the store as it was. Expected figures come from
pandas over the demo data set, never from the ingester."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from insights.api import versions
from insights.api.client import RetryPolicy
from insights.demo.dataset import load
from insights.demo.server import AdsFaults, DemoApi
from insights.errors import IngestError
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store
from tests.conftest import served_ads

TOKEN = "ads-test-token"
FAST = RetryPolicy(
    max_retries=3,
    backoff_base_s=0.001,
    backoff_max_s=0.01,
    poll_initial_s=0.001,
    poll_max_s=0.005,
    report_start_timeout_s=0.05,
)


def _settings(api: DemoApi, **extra) -> Settings:
    return Settings(
        source="graph",
        base_url=api.base_url,
        access_token=TOKEN,
        ad_account_ids=tuple(api.ad_account_ids),
        conversion_action_type="omni_purchase",
        **extra,
    )


def _served(api: DemoApi, since, until) -> pd.DataFrame:
    """The ad rows the API holds for the days (every campaign, deleted ones included: Ads
    Manager's account total), with leads apart from purchases as the API reports them."""
    ads = served_ads(api.dataset.ad_insights_daily.astype(str), api.dataset.ad_campaigns)
    return ads[(ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())]


def _totals(frame: pd.DataFrame) -> tuple:
    money = lambda col: sum((Decimal(v) for v in frame[col]), Decimal("0"))  # noqa: E731
    return (
        len(frame),
        money("spend"),
        int(frame["purchases"].astype(int).sum()),
        money("purchase_value"),
    )


def _stored(cur: duckdb.DuckDBPyConnection, since, until) -> tuple:
    return cur.execute(
        "SELECT count(*), sum(spend), sum(conversions), sum(conversion_value) "
        "FROM ad_insights_daily WHERE date BETWEEN $since AND $until",
        {"since": since, "until": until},
    ).fetchone()


def _notes(cur: duckdb.DuckDBPyConnection, run_id: int) -> list[str]:
    rows = cur.execute(
        "SELECT kind, message FROM ingest_notes WHERE run_id = $r ORDER BY seq", {"r": run_id}
    ).fetchall()
    return [f"{kind}: {message}" for kind, message in rows]


def _last_days(n: int) -> tuple:
    last = max(pd.to_datetime(load().ad_insights_daily["date"])).date()
    return last - timedelta(days=n - 1), last


def _ingest(tmp_path, api: DemoApi, since, until, **extra):
    store = Store(tmp_path / "s.duckdb")
    result = run_ingest(
        store, _settings(api, **extra), retry=FAST, options=IngestOptions(since, until)
    )
    return store, result


@pytest.mark.parametrize(
    "faults",
    [
        AdsFaults(too_much_data_days=7),
        AdsFaults(too_much_data_days=7, too_much_data_http500=True),
        AdsFaults(too_much_data_days=1, too_much_data_limit=10),
    ],
    ids=["100/1487534", "http-500", "one-day-still-too-much"],
)
def test_too_much_data_is_recovered_to_the_cent(tmp_path, faults):
    since, until = _last_days(20)
    with DemoApi(access_token=TOKEN, ads_faults=faults) as api:
        store, result = _ingest(tmp_path, api, since, until)
        with store.cursor() as cur:
            assert _stored(cur, since, until) == _totals(_served(api, since, until))
            notes = _notes(cur, result.run_id)
    store.close()
    assert result.status == "succeeded"
    assert any("too much data" in n for n in notes), notes
    if faults.too_much_data_limit is not None:  # pages got smaller, then async
        assert any("rows a page" in n for n in notes)
        assert api.reports_started > 0


def test_async_backfill_survives_invisible_failed_and_stuck_reports(tmp_path):
    since, until = _last_days(400)
    faults = AdsFaults(report_not_visible_polls=2, report_failures=2, report_stuck=1)
    with DemoApi(access_token=TOKEN, ads_faults=faults) as api:
        store, result = _ingest(tmp_path, api, since, until)
        with store.cursor() as cur:
            assert _stored(cur, since, until) == _totals(_served(api, since, until))
            notes = _notes(cur, result.run_id)
        assert 1 <= api.max_reports_in_flight <= FAST.max_running_reports
    store.close()
    assert any("had not started" in n for n in notes), notes
    assert any("ended 'Job Failed': submitted again" in n for n in notes), notes


def test_a_report_that_keeps_failing_is_split_by_campaign(tmp_path):
    since, until = _last_days(120)
    with DemoApi(access_token=TOKEN, ads_faults=AdsFaults(report_fail_account_level=True)) as api:
        store, result = _ingest(tmp_path, api, since, until)
        with store.cursor() as cur:
            assert _stored(cur, since, until) == _totals(_served(api, since, until))
            notes = _notes(cur, result.run_id)
    store.close()
    assert any("split into" in n and "one per campaign" in n for n in notes), notes


def test_first_ingest_keeps_deleted_and_archived_campaigns_to_the_account_total(tmp_path):
    dataset = load()
    campaigns = dataset.ad_campaigns
    since = min(pd.to_datetime(dataset.ad_insights_daily["date"])).date()
    until = max(pd.to_datetime(dataset.ad_insights_daily["date"])).date()
    with DemoApi(access_token=TOKEN) as api:
        store, _ = _ingest(tmp_path, api, since, until)
        with store.cursor() as cur:
            assert _stored(cur, since, until) == _totals(_served(api, since, until))
            stored = dict(cur.execute("SELECT campaign_id, status FROM ad_campaigns").fetchall())
    store.close()
    assert stored == dict(zip(campaigns["campaign_id"], campaigns["status"], strict=True))
    assert {"ARCHIVED", "DELETED"} <= set(stored.values())


def test_a_campaign_deleted_between_refreshes_keeps_its_delivery(tmp_path):
    since, until = _last_days(45)
    base = load()
    with DemoApi(base, access_token=TOKEN) as api:
        store, _ = _ingest(tmp_path, api, since, until)
        expected = _totals(_served(api, since, until))
    active = base.ad_campaigns[base.ad_campaigns["status"] == "ACTIVE"]
    gone = active["campaign_id"].iloc[0]
    with store.cursor() as cur:
        before = cur.execute(
            "SELECT name, objective, daily_budget FROM ad_campaigns WHERE campaign_id = $c",
            {"c": gone},
        ).fetchone()
    changed = base.ad_campaigns.copy()
    changed.loc[changed["campaign_id"] == gone, "status"] = "DELETED"
    deleted = dataclasses.replace(base, ad_campaigns=changed)
    with DemoApi(deleted, access_token=TOKEN) as api:
        # an incremental refresh: the lookback window re-read, the deleted campaign unseen
        run_ingest(store, _settings(api), retry=FAST, options=IngestOptions(until=until))
    with store.cursor() as cur:
        assert _stored(cur, since, until) == expected
        after = cur.execute(
            "SELECT name, objective, daily_budget, status FROM ad_campaigns WHERE campaign_id = $c",
            {"c": gone},
        ).fetchone()
    store.close()
    assert after[:3] == before and after[3] == "DELETED"


def test_budgets_use_the_currency_offset_and_the_account_is_stored(tmp_path):
    base = load()
    accounts = base.ad_accounts.copy()
    accounts["currency"] = "JPY"
    accounts["time_zone"] = "Asia/Tokyo"
    yen = dataclasses.replace(base, ad_accounts=accounts)
    since, until = _last_days(3)
    with DemoApi(yen, access_token=TOKEN) as api:
        store, _ = _ingest(tmp_path, api, since, until)
    with store.cursor() as cur:
        account = cur.execute(
            "SELECT currency, timezone_name, purchase_action_type FROM ad_accounts"
        ).fetchall()
        budgets = dict(
            cur.execute(
                "SELECT campaign_id, daily_budget FROM ad_campaigns WHERE daily_budget IS NOT NULL"
            ).fetchall()
        )
    store.close()
    # both demo ad accounts, each described in yen here
    assert account == [("JPY", "Asia/Tokyo", "omni_purchase")] * 2
    served = base.ad_campaigns.dropna(subset=["daily_budget"])
    served = served[served["daily_budget"] != ""]
    # JPY has offset 1: "15000" is 15,000 yen, not 150
    assert budgets == {
        c: Decimal(b) for c, b in zip(served["campaign_id"], served["daily_budget"], strict=True)
    }


def test_each_campaign_counts_the_result_of_its_objective(tmp_path, raw):
    since, until = _last_days(60)
    with DemoApi(access_token=TOKEN) as api:
        store, _ = _ingest(tmp_path, api, since, until)
    with store.cursor() as cur:
        stored = cur.execute(
            "SELECT c.objective, c.result_type, sum(i.results) FROM ad_insights_daily i "
            "JOIN ad_campaigns c USING (campaign_id) GROUP BY ALL"
        ).fetchall()
    store.close()
    ads = raw["ad_insights_daily"]
    ads = ads[(ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())]
    objectives = dict(
        zip(raw["ad_campaigns"]["campaign_id"], raw["ad_campaigns"]["objective"], strict=True)
    )
    ads = ads.assign(objective=ads["campaign_id"].map(objectives))
    # what Ads Manager's Results column counts for each objective in the demo (Meta's
    # objective guide): purchases, leads, link clicks, reach, post engagements
    own_result = {
        "OUTCOME_SALES": ("purchase", ads["purchases"]),
        "OUTCOME_LEADS": ("lead", ads["leads"]),
        "OUTCOME_TRAFFIC": ("link_click", ads["link_clicks"]),
        "OUTCOME_AWARENESS": ("reach", ads["reach"]),
        # post engagements as the demo API serves them: link clicks + a third of all clicks
        "OUTCOME_ENGAGEMENT": (
            "post_engagement",
            (ads["link_clicks"].astype(int) + ads["clicks"].astype(int) // 3).where(
                ads["link_clicks"].astype(int) > 0, 0
            ),
        ),
    }
    expected = {
        (objective, kind): int(values[ads["objective"] == objective].astype(int).sum())
        for objective, (kind, values) in own_result.items()
        if (ads["objective"] == objective).any()
    }
    assert {(o, k): int(n) for o, k, n in stored} == expected


def test_rate_limit_341_and_the_ad_account_usage_header_are_waited_out(tmp_path):
    since, until = _last_days(10)
    waits: list[tuple[str, float]] = []
    faults = AdsFaults(app_limit_after=3, account_busy_after=2, account_reset_s=1)
    with DemoApi(access_token=TOKEN, ads_faults=faults) as api:
        store = Store(tmp_path / "s.duckdb")
        started = time.monotonic()
        run_ingest(
            store,
            _settings(api),
            retry=FAST,
            options=IngestOptions(since, until),
            progress=lambda p: waits.append((p.message, p.waiting_s)) if p.waiting_s else None,
        )
        elapsed = time.monotonic() - started
        with store.cursor() as cur:
            assert _stored(cur, since, until) == _totals(_served(api, since, until))
    store.close()
    assert any("usage limit reached" in m and s >= 1 for m, s in waits), waits
    assert any("rate limit" in m for m, _ in waits), waits
    assert elapsed >= 1.0  # the reset time was honoured, not skipped


def test_an_ended_version_fails_with_the_version_to_set_and_keeps_the_store(tmp_path):
    since, until = _last_days(5)
    with DemoApi(access_token=TOKEN) as api:
        store = Store(tmp_path / "s.duckdb")
        with pytest.raises(IngestError) as failed:
            run_ingest(
                store,
                _settings(api, ads_api_version="v21.0"),
                retry=FAST,
                options=IngestOptions(since, until),
            )
    message = str(failed.value)
    assert "v21.0 has ended" in message
    assert f"INSIGHTS_ADS_API_VERSION={versions.DEFAULT_VERSION}" in message
    assert store.query("SELECT count(*) AS n FROM ad_insights_daily")["n"][0] == 0
    assert store.query("SELECT status FROM ingest_runs")["status"].tolist() == ["failed"]
    store.close()


def test_a_version_near_its_end_is_named_a_month_before():
    end = versions.MARKETING_API_ENDS["v25.0"]
    assert end is not None
    assert versions.warning(versions.ADS, "v25.0", end - timedelta(days=31)) is None
    soon = versions.warning(versions.ADS, "v25.0", end - timedelta(days=30))
    assert soon is not None and "v25.0 ends on" in soon and "INSIGHTS_ADS_API_VERSION=" in soon
    assert versions.warning(versions.ADS, versions.DEFAULT_VERSION, end) is None


def test_app_secret_proof_is_sent_and_never_stored(tmp_path):
    since, until = _last_days(3)
    secret = "app-secret-never-stored-4711"
    with DemoApi(access_token=TOKEN, app_secret=secret) as api:
        store = Store(tmp_path / "s.duckdb")
        with pytest.raises(IngestError, match="INSIGHTS_APP_SECRET"):
            run_ingest(store, _settings(api), retry=FAST, options=IngestOptions(since, until))
        run_ingest(
            store,
            _settings(api, app_secret=secret),
            retry=FAST,
            options=IngestOptions(since, until),
        )
        with store.cursor() as cur:
            assert _stored(cur, since, until) == _totals(_served(api, since, until))
    store.close()
    dump = (tmp_path / "s.duckdb").read_bytes()
    assert secret.encode() not in dump and TOKEN.encode() not in dump


def test_token_expiry_is_kept_and_warned_about_a_week_ahead(tmp_path):
    since, until = _last_days(2)
    expires = datetime.now(UTC) + timedelta(days=3, hours=2)
    with DemoApi(access_token=TOKEN, token_expires_at=int(expires.timestamp())) as api:
        store, result = _ingest(tmp_path, api, since, until)
    with store.cursor() as cur:
        kept = cur.execute(
            "SELECT value FROM sync_state WHERE resource = 'token' AND key = 'expires_at'"
        ).fetchone()[0]
        notes = _notes(cur, result.run_id)
    store.close()
    assert datetime.fromisoformat(kept) == expires.replace(microsecond=0)
    assert any("expires in 3 days" in n for n in notes), notes


def test_actions_missing_at_campaign_level_are_read_at_the_ad_set_level(tmp_path, raw):
    since, until = _last_days(20)
    campaigns = raw["ad_campaigns"]
    sales = campaigns.loc[campaigns["objective"] == "OUTCOME_SALES", "campaign_id"].iloc[0]
    faults = AdsFaults(mixed_attribution=(sales,))
    with DemoApi(access_token=TOKEN, ads_faults=faults) as api:
        store, result = _ingest(tmp_path, api, since, until)
        with store.cursor() as cur:
            assert _stored(cur, since, until) == _totals(_served(api, since, until))
            own = cur.execute(
                "SELECT sum(conversions), sum(results) FROM ad_insights_daily "
                "WHERE campaign_id = $c",
                {"c": sales},
            ).fetchone()
            notes = _notes(cur, result.run_id)
    store.close()
    served = _served(api, since, until)
    purchases = int(served.loc[served["campaign_id"] == sales, "purchases"].astype(int).sum())
    assert own == (purchases, purchases) and purchases > 0
    assert any("read at the ad set level" in n for n in notes), notes
