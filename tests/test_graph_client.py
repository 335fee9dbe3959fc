"""The Graph client over real HTTP: pagination, retries, token errors, masking."""

from __future__ import annotations

import logging

import pytest

from insights.api.client import GraphClient, RetryPolicy
from insights.api.masking import mask_secrets
from insights.errors import ApiError, AuthError
from tests.scripted_server import ScriptedServer, error

TOKEN = "EAAB-secret-token-123"
FAST = RetryPolicy(
    max_retries=3, backoff_base_s=0.001, backoff_max_s=0.01, rate_limit_max_wait_s=1.0
)


@pytest.fixture
def server():
    with ScriptedServer().running() as running:
        yield running


def _client(server, waits=None):
    return GraphClient(
        server.base_url,
        TOKEN,
        timeout_s=5,
        retry=FAST,
        sleep=(waits.append if waits is not None else lambda s: None),
    )


def test_pages_follow_next_exactly_and_send_token_in_header(server):
    nxt = f"{server.base_url}/1/media?after=CUR1&access_token={TOKEN}&limit=2"
    server.script(
        "/v21.0/1/media", (200, {"data": [{"id": "a"}, {"id": "b"}], "paging": {"next": nxt}}, {})
    )
    server.script("/v21.0/1/media", (200, {"data": [{"id": "c"}], "paging": {}}, {}))
    pages = list(_client(server).pages("1/media", {"limit": 2}))
    assert [[o["id"] for o in p] for p in pages] == [["a", "b"], ["c"]]
    assert server.requests[1]["query"] == nxt.split("?", 1)[1]  # followed as given
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in server.requests[0]["query"]


def test_a_repeated_next_stops_with_an_error(server):
    nxt = f"{server.base_url}/1/media?after=SAME"
    server.script("/v21.0/1/media", (200, {"data": [{"id": "a"}], "paging": {"next": nxt}}, {}))
    with pytest.raises(ApiError, match="same next page twice"):
        list(_client(server).pages("1/media"))


def test_next_to_another_host_is_refused(server):
    server.script(
        "/v21.0/1/media",
        (200, {"data": [], "paging": {"next": "http://127.0.0.2:9/v21.0/1/media?after=x"}}, {}),
    )
    with pytest.raises(ApiError, match="another server"):
        list(_client(server).pages("1/media"))


def test_transient_errors_are_retried_with_backoff(server):
    server.script(
        "/v21.0/x",
        (500, {"error": {"message": "oops", "code": 1}}, {}),
        (503, b"<html>down</html>", {}),
        (400, error(2, is_transient=True), {}),
        (200, {"id": "x"}, {}),
    )
    waits: list[float] = []
    assert _client(server, waits).get("x") == {"id": "x"}
    assert len(waits) == 3 and all(w <= FAST.backoff_max_s for w in waits)


def test_retries_are_bounded(server):
    server.script("/v21.0/x", (500, {"error": {"message": "oops", "code": 1}}, {}))
    with pytest.raises(ApiError, match="after 4 tries"):
        _client(server).get("x")
    assert len(server.requests) == FAST.max_retries + 1


def test_expired_token_stops_at_once_without_the_token(server):
    server.script(
        "/v21.0/x",
        (400, error(190, f"Error validating access token: {TOKEN} expired", error_subcode=463), {}),
    )
    with pytest.raises(AuthError) as info:
        _client(server).get("x")
    assert "expired" in str(info.value) and "INSIGHTS_ACCESS_TOKEN" in str(info.value)
    assert TOKEN not in str(info.value)
    assert len(server.requests) == 1


def test_missing_permission_is_named(server):
    server.script("/v21.0/x", (403, error(200, "(#200) Requires ads_read permission"), {}))
    with pytest.raises(AuthError, match="ads_read"):
        _client(server).get("x")


def test_rate_limit_waits_as_the_header_says_then_gives_up(server):
    usage = (
        '{"1": [{"type": "ads_insights", "call_count": 100, "total_cputime": 5, '
        '"total_time": 5, "estimated_time_to_regain_access": 0.001}]}'
    )
    server.script(
        "/v21.0/x",
        (400, error(17, "User request limit reached"), {"X-Business-Use-Case-Usage": usage}),
        (200, {"ok": True}, {"X-App-Usage": "not json"}),
    )
    waits: list[float] = []
    assert _client(server, waits).get("x") == {"ok": True}
    assert waits and waits[0] >= 0.06  # 0.001 minutes
    server.script(
        "/v21.0/y", (400, error(80000), {"X-Business-Use-Case-Usage": usage.replace("0.001", "5")})
    )
    with pytest.raises(ApiError, match="rate limit"):
        _client(server).get("y")


def test_other_errors_stop_with_the_message(server):
    server.script("/v21.0/x", (400, error(100, "(#100) Unknown field"), {}))
    with pytest.raises(ApiError, match="Unknown field") as info:
        _client(server).get("x")
    assert info.value.code == 100


def test_mask_secrets():
    text = f"GET https://h/v21.0/me?access_token={TOKEN}&x=1 Bearer {TOKEN}"
    masked = mask_secrets(text, TOKEN)
    assert TOKEN not in masked and "access_token=***" in masked
    assert "access_token=***" in mask_secrets("u?access_token=OTHER&y=2")


def test_usage_near_the_limit_slows_down_even_on_errors(server):
    busy = {"X-App-Usage": '{"call_count": 97, "total_cputime": 10, "total_time": 10}'}
    server.script(
        "/v21.0/x", (500, {"error": {"message": "oops", "code": 1}}, busy), (200, {"id": "x"}, busy)
    )
    waits: list[float] = []
    assert _client(server, waits).get("x") == {"id": "x"}
    # one throttle wait per answer (usage 97%), plus the retry backoff after the error
    assert len(waits) == 3


def test_no_token_in_debug_logs_or_errors_when_next_links_carry_it(server, caplog):
    caplog.set_level(logging.DEBUG)
    nxt = f"{server.base_url}/1/media?after=CUR1&access_token={TOKEN}"
    server.script("/v21.0/1/media", (200, {"data": [{"id": "a"}], "paging": {"next": nxt}}, {}))
    server.script("/v21.0/1/media", (500, {"error": {"message": f"bad {TOKEN}", "code": 1}}, {}))
    with pytest.raises(ApiError) as info:
        list(_client(server).pages("1/media"))
    assert "access_token" in caplog.text  # urllib3 did log the request line...
    assert TOKEN not in caplog.text  # ...with the token masked
    assert TOKEN not in str(info.value)
