"""Hostile values from the API, and imported rows that must not steer the ingest: impossible
figures are left out and named, a vanished range keeps its stored figures, conflicting
duplicates stop the run, and a future-dated import does not stall incremental refreshes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from insights.api.client import RetryPolicy
from insights.demo.server import DemoApi
from insights.errors import IngestError
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store
from tests.conftest import served_ads
from tests.scripted_server import ScriptedServer, error

TOKEN = "hostile-values-token"
FAST = RetryPolicy(max_retries=1, backoff_base_s=0.001, backoff_max_s=0.002)
DAYS = (date(2026, 10, 1), date(2026, 10, 3))


def _row(day: str, spend: str = "10.00", **extra) -> dict:
    row = {
        "campaign_id": "c1",
        "campaign_name": "Shoes",
        "objective": "OUTCOME_SALES",
        "date_start": day,
        "date_stop": day,
        "age": "25-34",
        "gender": "female",
        "spend": spend,
        "impressions": "1000",
        "clicks": "20",
        "inline_link_clicks": "15",
        "actions": [{"action_type": "omni_purchase", "value": "2"}],
        "action_values": [{"action_type": "omni_purchase", "value": "50.00"}],
    }
    row.update(extra)
    return row


def _script(server: ScriptedServer, rows: list[dict], campaigns: list[dict] | None = None):
    server.script("/v26.0/act_9", (200, {"id": "act_9", "currency": "EUR"}, {}))
    listed = campaigns if campaigns is not None else [{"id": "c1", "name": "Shoes"}]
    server.script("/v26.0/act_9/campaigns", (200, {"data": listed}, {}))
    server.script("/v26.0/act_9/adsets", (200, {"data": []}, {}))
    server.script("/v26.0/act_9/ads", (200, {"data": []}, {}))  # no ads: no ad-level queries
    server.script("GET /v26.0/act_9/insights", (200, {"data": rows}, {}))


def _settings(server: ScriptedServer) -> Settings:
    return Settings(
        source="graph", base_url=server.base_url, access_token=TOKEN, ad_account_ids=("9",)
    )


@pytest.fixture
def server():
    scripted = ScriptedServer()
    scripted.base_url = scripted.base_url.replace("/v21.0", "/v26.0")
    with scripted.running() as running:
        yield running


def _notes(store: Store, run_id: int) -> list[str]:
    return store.query(
        "SELECT kind || ': ' || message AS line FROM ingest_notes WHERE run_id = $r ORDER BY seq",
        {"r": run_id},
    )["line"].tolist()


def test_impossible_figures_are_left_out_and_named(server, tmp_path):
    rows = [
        _row("2026-10-01"),
        _row("2026-10-02", spend="-5.00"),
        _row("2026-10-03", impressions="99999999999999999999999"),
    ]
    _script(server, rows)
    with Store(tmp_path / "s.duckdb") as store:
        result = run_ingest(store, _settings(server), retry=FAST, options=IngestOptions(*DAYS))
        stored = store.query("SELECT date, spend FROM ad_insights_daily")
        notes = _notes(store, result.run_id)
    assert result.status == "partial"
    assert stored["date"].astype(str).tolist() == ["2026-10-01"]
    assert stored["spend"].tolist() == [Decimal("10.00")]
    assert any("negative amount" in n and "2026-10-02" in n for n in notes), notes
    assert any("too large to store" in n and "2026-10-03" in n for n in notes), notes


def test_a_campaign_without_id_is_named_not_a_crash(server, tmp_path):
    _script(server, [_row("2026-10-01")], campaigns=[{"name": "no id"}, {"id": "c1"}])
    with Store(tmp_path / "s.duckdb") as store:
        result = run_ingest(store, _settings(server), retry=FAST, options=IngestOptions(*DAYS))
        notes = _notes(store, result.run_id)
        assert store.query("SELECT campaign_id FROM ad_campaigns")["campaign_id"].tolist() == ["c1"]
    assert result.status == "partial"
    assert any("campaign without an id" in n for n in notes), notes


def test_conflicting_duplicate_rows_stop_the_run_and_keep_the_store(server, tmp_path):
    _script(server, [_row("2026-10-01"), _row("2026-10-01", spend="11.00"), _row("2026-10-02")])
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(IngestError, match="two different rows for campaign c1 on 2026-10-01"):
            run_ingest(store, _settings(server), retry=FAST, options=IngestOptions(*DAYS))
        assert store.query("SELECT count(*) AS n FROM ad_insights_daily")["n"][0] == 0


def test_identical_repeats_are_kept_once(server, tmp_path):
    _script(server, [_row("2026-10-01"), _row("2026-10-01"), _row("2026-10-02")])
    with Store(tmp_path / "s.duckdb") as store:
        run_ingest(store, _settings(server), retry=FAST, options=IngestOptions(*DAYS))
        assert store.query("SELECT sum(spend) AS s FROM ad_insights_daily")["s"][0] == Decimal(
            "20.00"
        )


def test_a_range_that_comes_back_empty_keeps_its_stored_spend(server, tmp_path):
    _script(server, [_row("2026-10-01"), _row("2026-10-02")])
    with Store(tmp_path / "s.duckdb") as store:
        run_ingest(store, _settings(server), retry=FAST, options=IngestOptions(*DAYS))
        server.answers.clear()
        _script(server, [])  # the same range, now answered with {"data": []}
        result = run_ingest(store, _settings(server), retry=FAST, options=IngestOptions(*DAYS))
        kept = store.query("SELECT sum(spend) AS s FROM ad_insights_daily")["s"][0]
        notes = _notes(store, result.run_id)
    assert kept == Decimal("20.00")
    assert result.status == "partial"
    assert any("stored figures were kept" in n for n in notes), notes


def test_a_future_dated_import_does_not_stall_the_next_refreshes(tmp_path, raw):
    ads = raw["ad_insights_daily"]
    last = date.fromisoformat(ads["date"].max())
    path = tmp_path / "s.duckdb"
    with DemoApi(access_token=TOKEN) as api:
        settings = Settings(
            source="graph",
            base_url=api.base_url,
            access_token=TOKEN,
            ad_account_ids=tuple(api.ad_account_ids),
            conversion_action_type="omni_purchase",
        )
        with Store(path) as store:
            first = last - timedelta(days=30)
            run_ingest(
                store, settings, retry=FAST, options=IngestOptions(first, last - timedelta(10))
            )
            with store.cursor() as cur:  # an imported row far in the future, as a file could hold
                cur.execute(
                    "INSERT INTO ad_insights_daily (ad_account_id, campaign_id, date, age, gender, "
                    "spend, impressions, clicks, link_clicks, conversions, conversion_value, "
                    "import_id) VALUES ($a, 'imported', DATE '2027-06-01', '25-34', 'male', 1, 1, "
                    "0, 0, 0, 0, 77)",
                    {"a": api.ad_account_ids[0]},
                )
            run_ingest(store, settings, retry=FAST, options=IngestOptions(until=last))
            with store.cursor() as cur:
                count, spend = cur.execute(
                    "SELECT count(*), sum(spend) FROM ad_insights_daily "
                    "WHERE date BETWEEN $a AND $b AND import_id IS NULL",
                    {"a": last - timedelta(days=9), "b": last},
                ).fetchone()
    served = served_ads(api.dataset.ad_insights_daily.astype(str), api.dataset.ad_campaigns)
    window = served[
        (served["date"] >= (last - timedelta(days=9)).isoformat())
        & (served["date"] <= last.isoformat())
    ]
    assert count == len(window) > 0
    assert spend == sum(Decimal(v) for v in window["spend"])


def test_an_error_that_echoes_part_of_the_token_is_masked(server, tmp_path):
    token = "EAABsbCS1iHgBAZCzA7xyzQWERTY1234567890abcdef"
    echoed = f"Malformed access token {token[:20]}... (#190)"
    server.script("/v26.0/act_9", (400, error(100, echoed), {}))
    settings = Settings(
        source="graph", base_url=server.base_url, access_token=token, ad_account_ids=("9",)
    )
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(IngestError) as failed:
            run_ingest(store, settings, retry=FAST, options=IngestOptions(*DAYS))
        stored = store.query("SELECT error FROM ingest_runs")["error"][0]
    for text in (str(failed.value), stored):
        assert "Malformed access token ***" in text
        assert not any(token[i : i + 12] in text for i in range(len(token) - 11)), text
