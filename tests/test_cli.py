"""The command line: --help everywhere, demo-api serves, status reads the store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from insights.demo_api import DEMO_TOKEN

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


def test_demo_api_command_serves_the_contract():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "insights", "demo-api", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = requests.get(
                    f"http://127.0.0.1:{port}/v21.0/17841400000000001",
                    params={"fields": "id,username"},
                    headers={"Authorization": f"Bearer {DEMO_TOKEN}"},
                    timeout=2,
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the demo API did not start"
                time.sleep(0.2)
        assert answer.json() == {"id": "17841400000000001", "username": "northwind.outdoor"}
    finally:
        server.terminate()
        server.wait(10)


def test_status_on_an_ingested_store(demo_store_file):
    done = _run("status", "--db", str(demo_store_file), env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert "ad_insights_daily" in done.stdout and "succeeded" in done.stdout


def test_wrong_arguments_exit_2():
    assert _run("ingest", "--since", "yesterday").returncode == 2
