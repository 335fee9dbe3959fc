"""Browser fixtures: Debian's Chromium driven by Playwright, the app as a real subprocess."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium); "
            "the browser tests are skipped"
        )
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed"
    )
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1800}, accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


@dataclass
class RunningApp:
    url: str
    db: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_app(db: Path, log: Path, **env: str) -> tuple[subprocess.Popen[bytes], RunningApp]:
    """`streamlit run app.py` on a free local port against `db`, waited for until healthy."""
    port = _free_port()
    environment = {**os.environ, "INSIGHTS_DB": str(db), **env}
    if "INSIGHTS_ACCESS_TOKEN" not in env:  # a developer's own token must not leak in
        environment.pop("INSIGHTS_ACCESS_TOKEN", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/_stcore/health", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the app did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    return process, RunningApp(url, db, log)


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory) -> Iterator[RunningApp]:
    """The app on a store that does not exist yet (first start of a newcomer)."""
    folder = tmp_path_factory.mktemp("app")
    process, app = start_app(
        folder / "insights.duckdb", folder / "streamlit.log", INSIGHTS_SOURCE="demo"
    )
    yield app
    process.terminate()
    process.wait(20)


def screenshot_dir(tmp_path: Path) -> Path:
    """docs/ when INSIGHTS_UPDATE_SCREENSHOTS=1 (to refresh the README's pictures), else a
    temporary folder, so an ordinary test run leaves the work tree unchanged."""
    return ROOT / "docs" if os.environ.get("INSIGHTS_UPDATE_SCREENSHOTS") == "1" else tmp_path


@pytest.fixture(scope="module")
def demo_app(demo_store_file, tmp_path_factory) -> Iterator[RunningApp]:
    """The app on a copy of the ingested demo store (one per test module)."""
    folder = tmp_path_factory.mktemp("demo_app")
    db = folder / "insights.duckdb"
    shutil.copy(demo_store_file, db)
    process, app = start_app(db, folder / "streamlit.log", INSIGHTS_SOURCE="demo")
    yield app
    process.terminate()
    process.wait(20)
