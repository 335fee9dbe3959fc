"""The command line: --help everywhere, demo-api serves, status reads the store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import duckdb
import pytest
import requests

from insights.demo.server import DEMO_TOKEN

COMMANDS = ("ingest", "status", "demo-data", "demo-api")


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "insights", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    done = _run(command, "--help")
    assert done.returncode == 0 and f"insights {command}" in done.stdout


def _get_when_up(url: str, params: dict[str, str]) -> requests.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return requests.get(
                url, params=params, headers={"Authorization": f"Bearer {DEMO_TOKEN}"}, timeout=2
            )
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the demo API did not start"
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_api_command_serves_the_contract():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "insights", "demo-api", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        answer = _get_when_up(
            f"http://127.0.0.1:{port}/v26.0/17841400000000001", {"fields": "id,username"}
        )
        assert answer.json() == {"id": "17841400000000001", "username": "northwind.outdoor"}
    finally:
        server.terminate()
        server.wait(10)


def test_demo_api_command_produces_a_failure_on_demand():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "insights", "demo-api", "--port", str(port)]
        + ["--ads-fault", "too_much_data_days=7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        window = '{"since": "2026-10-01", "until": "2026-10-10"}'
        params = {"level": "campaign", "time_increment": "1", "breakdowns": "age,gender"}
        url = f"http://127.0.0.1:{port}/v26.0/act_1029384756/insights"
        refused = _get_when_up(url, {**params, "time_range": window}).json()["error"]
        assert (refused["code"], refused["error_subcode"]) == (100, 1487534)
        short = '{"since": "2026-10-01", "until": "2026-10-05"}'
        assert "data" in _get_when_up(url, {**params, "time_range": short}).json()
    finally:
        server.terminate()
        server.wait(10)
    bad = _run("demo-api", "--ads-fault", "no_such_fault=1")
    assert bad.returncode == 2 and "NAME=VALUE" in bad.stderr


def test_status_on_an_ingested_store(demo_store_file):
    done = _run("status", "--db", str(demo_store_file), env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert "ad_insights_daily" in done.stdout and "succeeded" in done.stdout


def test_demo_data_writes_an_ad_level_store(tmp_path):
    path = tmp_path / "ads.duckdb"
    done = _run("demo-data", "--scale-ads", "20000", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert "ad_level_daily" in done.stdout and " s" in done.stdout
    con = duckdb.connect(str(path), read_only=True)
    rows, posts = con.execute(
        "SELECT (SELECT count(*) FROM ad_level_daily), (SELECT count(*) FROM ig_media)"
    ).fetchone()
    con.close()
    assert rows >= 20_000 and posts == 20_000 // 50
    again = _run("demo-data", "--scale-ads", "20000", "--db", str(path))
    assert again.returncode != 0 and "exists" in again.stderr


def test_wrong_arguments_exit_2():
    assert _run("ingest", "--since", "yesterday").returncode == 2
