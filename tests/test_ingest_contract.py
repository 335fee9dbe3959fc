"""Ingest against a hand-scripted server that keeps the contract but differs from the demo API:
posts listed oldest first, next links written with another loopback name, and insights
windows refused as too large (so the async report flow is used)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from insights.api.client import RetryPolicy
from insights.errors import IngestError
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store
from tests.scripted_server import ScriptedServer, error

TOKEN = "scripted-token-1"
FAST = RetryPolicy(
    max_retries=2, backoff_base_s=0.001, backoff_max_s=0.01, poll_initial_s=0.001, poll_max_s=0.002
)
DAY = (date(2025, 5, 1), date(2025, 5, 3))


@pytest.fixture
def server():
    with ScriptedServer().running() as running:
        yield running


def _settings(server: ScriptedServer, **extra) -> Settings:
    return Settings(source="graph", base_url=server.base_url, access_token=TOKEN, **extra)


def _ok(body) -> tuple[int, object, dict[str, str]]:
    return 200, body, {}


def test_posts_listed_oldest_first_are_all_kept(server, tmp_path):
    local = server.base_url.replace("127.0.0.1", "localhost")
    posts = [
        {
            "id": f"m{i}",
            "timestamp": f"2025-05-0{i}T10:00:00+0000",
            "media_type": "IMAGE",
            "like_count": i,
        }
        for i in range(1, 4)
    ]
    server.script("/v21.0/1", _ok({"id": "1", "username": "shop"}))
    server.script(
        "/v21.0/1/media",
        _ok({"data": posts[:1], "paging": {"next": f"{local}/1/media?after=p2"}}),
        _ok({"data": posts[1:], "paging": {}}),
    )
    for post in posts:
        server.script(
            f"/v21.0/{post['id']}/insights",
            _ok({"data": [{"name": "reach", "values": [{"value": 100}]}]}),
        )
    server.script("/v21.0/1/insights", _ok({"data": []}))
    server.script("/v21.0/1/stories", _ok({"data": []}))
    with Store(tmp_path / "s.duckdb") as store:
        # the cutoff (2 May) is reached on the first page, but the list is oldest first
        run_ingest(
            store,
            _settings(server, ig_user_ids=("1",)),
            retry=FAST,
            options=IngestOptions(date(2025, 5, 2), date(2025, 5, 3)),
        )
        ids = store.query("SELECT media_id FROM ig_media ORDER BY 1")["media_id"].tolist()
    assert ids == ["m2", "m3"]
    assert any(r["query"] == "after=p2" for r in server.requests)  # followed the localhost link


def test_too_much_data_falls_back_to_an_async_report(server, tmp_path):
    rows = [
        {
            "campaign_id": "c1",
            "campaign_name": "Deleted campaign",
            "date_start": d,
            "date_stop": d,
            "age": "25-34",
            "gender": "female",
            "spend": "10.10",
            "impressions": "1000",
            "clicks": "20",
            "inline_link_clicks": "15",
            "actions": [
                {"action_type": "purchase", "value": "2"},
                {"action_type": "omni_purchase", "value": "2"},
            ],
            "action_values": [
                {"action_type": "purchase", "value": "50.05"},
                {"action_type": "omni_purchase", "value": "50.05"},
            ],
        }
        for d in ("2025-05-01", "2025-05-02", "2025-05-03")
    ]
    server.script("/v21.0/act_9", _ok({"id": "act_9", "currency": "USD", "timezone_name": "UTC"}))
    server.script("/v21.0/act_9/campaigns", _ok({"data": []}))
    server.script("/v21.0/act_9/adsets", _ok({"data": []}))
    server.script("/v21.0/act_9/ads", _ok({"data": []}))
    server.script(
        "GET /v21.0/act_9/insights",
        (
            400,
            error(1, "Please reduce the amount of data you're asking for", error_subcode=1487534),
            {},
        ),
    )
    server.script("POST /v21.0/act_9/insights", _ok({"report_run_id": "555"}))
    server.script(
        "/v21.0/555",
        _ok({"id": "555", "async_status": "Job Running", "async_percent_completion": 40}),
        _ok({"id": "555", "async_status": "Job Completed", "async_percent_completion": 100}),
    )
    server.script(
        "/v21.0/555/insights",
        _ok({"data": rows[:2], "paging": {"next": f"{server.base_url}/555/insights?after=x"}}),
        _ok({"data": rows[2:]}),
    )
    with Store(tmp_path / "s.duckdb") as store:
        run_ingest(
            store,
            _settings(server, ad_account_ids=("act_9",)),
            retry=FAST,
            options=IngestOptions(*DAY),
        )
        with store.cursor() as cur:
            spend, conversions, value, n = cur.execute(
                "SELECT sum(spend), sum(conversions), sum(conversion_value), count(*) "
                "FROM ad_insights_daily"
            ).fetchone()
            name = cur.execute("SELECT name FROM ad_campaigns").fetchone()[0]
    assert (spend, conversions, value, n) == (Decimal("30.30"), 6, Decimal("150.15"), 3)
    assert name == "Deleted campaign"  # insights of a campaign the list no longer shows
    # smaller windows first (3 days -> 2 + 1 -> one day each), then smaller pages, then one
    # async report per day that is still too much
    limits = [r["query"] for r in server.requests if r["path"] == "/v21.0/act_9/insights"]
    assert sum("limit=25" in q for q in limits) == 3
    assert [r["path"] for r in server.requests if r["method"] == "POST"] == [
        "/v21.0/act_9/insights"
    ] * 3


def test_failed_report_fails_the_run_and_keeps_the_store(server, tmp_path):
    server.script("/v21.0/act_9", _ok({"id": "act_9", "currency": "USD", "timezone_name": "UTC"}))
    server.script("/v21.0/act_9/campaigns", _ok({"data": []}))
    server.script("/v21.0/act_9/adsets", _ok({"data": []}))
    server.script("/v21.0/act_9/ads", _ok({"data": []}))
    server.script(
        "GET /v21.0/act_9/insights",
        (400, error(1, "reduce the amount of data", error_subcode=1487534), {}),
    )
    server.script("POST /v21.0/act_9/insights", _ok({"report_run_id": "556"}))
    server.script("/v21.0/556", _ok({"id": "556", "async_status": "Job Failed"}))
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(IngestError, match="Job Failed"):
            run_ingest(
                store,
                _settings(server, ad_account_ids=("9",)),
                retry=FAST,
                options=IngestOptions(*DAY),
            )
        status = store.query("SELECT status FROM ingest_runs")["status"].tolist()
        assert status == ["failed"]
        assert store.query("SELECT count(*) AS n FROM ad_insights_daily")["n"][0] == 0
