"""A hostile server cannot hang, flood or redirect the client: every exchange has a total
deadline and a size cap, every list a page bound, and a run can be cancelled at once."""

from __future__ import annotations

import threading
import time

import pytest

from insights.api.client import GraphClient, RetryPolicy
from insights.errors import ApiError, IngestCancelled, IngestError
from insights.ingest.jobs import IngestJob
from insights.ingest.run import run_ingest
from insights.settings import Settings
from insights.store.database import Store
from tests.hostile_server import HostileServer

TOKEN = "hostile-test-token"
TIGHT = RetryPolicy(
    max_retries=1,
    backoff_base_s=0.01,
    backoff_max_s=0.02,
    request_deadline_s=1.5,
    max_response_bytes=1 << 20,
    max_pages=40,
)


@pytest.fixture
def hostile(request):
    with HostileServer(request.param).running() as server:
        yield server


def _client(server: HostileServer, **extra) -> GraphClient:
    return GraphClient(server.base_url, TOKEN, timeout_s=30, retry=TIGHT, **extra)


@pytest.mark.parametrize("hostile", ["trickle_headers", "trickle_body"], indirect=True)
def test_a_trickling_server_is_given_up_on_at_the_deadline(hostile):
    started = time.monotonic()
    with pytest.raises(ApiError, match=r"no complete answer within 2 s"):
        _client(hostile).get("1/media")
    elapsed = time.monotonic() - started
    # two tries of 1.5 s each, not the 30 s read timeout per byte
    assert 2.9 < elapsed < 6.0, elapsed
    assert hostile.requests == 2


@pytest.mark.parametrize("hostile", ["endless_next"], indirect=True)
def test_endless_next_pages_stop_at_the_bound(hostile):
    client = _client(hostile)
    with pytest.raises(ApiError, match="kept sending next pages"):
        for _ in client.pages("1/media"):
            pass
    assert hostile.requests == TIGHT.max_pages


@pytest.mark.parametrize("hostile", ["gzip_bomb", "huge_body"], indirect=True)
def test_a_bomb_or_a_huge_body_is_refused_within_the_cap(hostile):
    started = time.monotonic()
    with pytest.raises(ApiError, match="is over 1 MB"):
        _client(hostile).get("1/media")
    assert time.monotonic() - started < 5
    assert hostile.requests == 1  # refused, not retried


@pytest.mark.parametrize("hostile", ["redirect"], indirect=True)
def test_a_redirect_is_refused_and_the_token_goes_nowhere(hostile):
    with pytest.raises(ApiError, match="redirect") as refused:
        _client(hostile).get("1/media")
    assert TOKEN not in str(refused.value)
    assert hostile.requests == 1  # nothing was sent to the address it named


@pytest.mark.parametrize("hostile", ["trickle_body"], indirect=True)
def test_cancel_ends_a_request_in_flight_at_once(hostile):
    client = GraphClient(
        hostile.base_url, TOKEN, retry=RetryPolicy(max_retries=3, request_deadline_s=60)
    )
    threading.Timer(0.5, client.cancel).start()
    started = time.monotonic()
    with pytest.raises(IngestCancelled):
        client.get("1/media")
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("hostile", ["trickle_headers"], indirect=True)
def test_a_stuck_refresh_is_cancelled_from_the_job_and_keeps_the_store(hostile, tmp_path):
    settings = Settings(
        db_path=tmp_path / "s.duckdb",
        source="graph",
        base_url=hostile.base_url,
        access_token=TOKEN,
        ad_account_ids=("1",),
    )
    with Store(settings.db_path) as store:
        job = IngestJob(store)
        assert job.start(settings)
        time.sleep(1.0)
        assert job.snapshot().running
        started = time.monotonic()
        assert job.cancel()
        done = job.wait(10)
        assert time.monotonic() - started < 3
        assert not done.running and done.error and "cancelled" in done.error
        runs = store.query("SELECT status, error FROM ingest_runs")
        assert runs["status"].tolist() == ["cancelled"]
        assert store.query("SELECT count(*) AS n FROM ad_insights_daily")["n"][0] == 0
        assert job.start(settings)  # Refresh works again
        job.cancel()
        job.wait(10)


@pytest.mark.parametrize("hostile", ["trickle_headers"], indirect=True)
def test_a_run_past_its_deadline_stops_with_one_sentence(hostile, tmp_path):
    settings = Settings(
        source="graph",
        base_url=hostile.base_url,
        access_token=TOKEN,
        ad_account_ids=("1",),
        run_deadline_s=2.0,
    )
    with Store(tmp_path / "s.duckdb") as store:
        started = time.monotonic()
        with pytest.raises(IngestError, match="ran past its time limit|no complete answer"):
            run_ingest(store, settings, retry=RetryPolicy(max_retries=10, backoff_base_s=0.01))
        assert time.monotonic() - started < 6
        assert store.query("SELECT status FROM ingest_runs")["status"].tolist() == ["failed"]
