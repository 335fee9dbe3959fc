"""Click to settled page, as a person feels it: the dashboard in Chromium, a fixed set of filter
changes on every page, each timed from the click on the option to the page drawn anew.

"Settled" is the end of the run the click started, seen where the browser sees it: the
`script_finished` message of that run arriving on the app's websocket (decoded with
Streamlit's own protocol classes), then two animation frames, so the browser has drawn what the
run sent. The click is a mouse press and release at the option, once its list is open and
still. The app runs on the demo data (an empty store is filled first through the demo API, as
on a fresh machine); each change is a new view: every figure it changes is computed anew, and
what it leaves as it was (the campaigns under a new comparison) comes from the cache, as it
does for a person.

Run: .venv/bin/python bench/browser_latency.py [--runs 3] [--port 8599]
Needs Debian's chromium (apt-get install chromium). Prints one table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"Overview": "", "Campaigns": "campaigns", "Content": "content"}
# (the sidebar box, the option a person picks): each a new view of the page
CHANGES: list[tuple[str, str]] = [
    ("Date range", "Last 90 days"),
    ("Date range", "Last 7 days"),
    ("Compare with", "Same period last year"),
    ("Date range", "This month"),
    ("Compare with", "Previous period"),
    ("Date range", "Last 30 days"),
]


class RunWatch:
    """Counts the runs the app has finished, from the frames its websocket receives."""

    def __init__(self, page: Page) -> None:
        self.finished = 0
        self.lock = threading.Lock()
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: Any) -> None:
        if not isinstance(payload, bytes):
            return
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # not a whole ForwardMsg: not the end of a run
            return
        if message.WhichOneof("type") == "script_finished":
            with self.lock:
                self.finished += 1


def _wait_finished(page: Page, watch: RunWatch, before: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while watch.finished <= before:
        if time.monotonic() > deadline:
            raise SystemExit("the run did not finish within a minute")
        page.wait_for_timeout(5)  # lets Playwright deliver the websocket events
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _open(page: Page, label: str, option: str) -> tuple[float, float]:
    """Opens the box and returns where its option is, shown and still: the click there is the
    change (a mouse press and release, as a person clicks, without Playwright's own checks
    before a click, which wait for animation frames and are not the page's time)."""
    page.get_by_role("combobox", name=label).click()
    choice = page.get_by_role("option").filter(has_text=option).first
    choice.wait_for(state="visible")
    page.wait_for_timeout(300)  # the list's opening animation is over
    box = choice.bounding_box()
    if box is None:
        raise SystemExit(f"the option {option!r} of {label!r} is not on the page")
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def measure(url: str, runs: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {name: [] for name in PAGES}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(runs):
            for name, path in PAGES.items():
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                watch = RunWatch(page)
                page.goto(f"{url}/{path}")
                page.wait_for_selector("[data-testid='stMetric'], [data-testid='stDataFrame']")
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                )
                page.wait_for_timeout(500)
                for label, option in CHANGES:
                    x, y = _open(page, label, option)
                    before = watch.finished
                    started = time.perf_counter()
                    page.mouse.click(x, y)
                    _wait_finished(page, watch, before)
                    found[name].append((time.perf_counter() - started) * 1000)
                page.close()
        browser.close()
    return found


def _start(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "INSIGHTS_DB": str(db), "INSIGHTS_SOURCE": "demo"}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
    ]
    with open(log, "wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds of every page (default 3)")
    parser.add_argument("--port", type=int, default=8599)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "insights.duckdb"
        subprocess.run(  # the demo data through the demo API, as a fresh machine loads it
            [sys.executable, "-m", "insights", "ingest", "--db", str(db)],
            check=True,
            capture_output=True,
        )
        app = _start(db, args.port, Path(folder) / "streamlit.log")
        try:
            time.sleep(4)
            found = measure(f"http://localhost:{args.port}", args.runs)
        finally:
            app.terminate()
            app.wait(10)
    cores = len(os.sched_getaffinity(0))
    print(f"changes per page: {len(CHANGES)} x {args.runs} rounds; {cores} cores")
    print("| page | click to settled ms (median) | worst ms |")
    print("| --- | --- | --- |")
    every: list[float] = []
    for name, times in found.items():
        every += times
        print(f"| {name} | {statistics.median(times):,.0f} | {max(times):,.0f} |")
    print(f"| all pages | {statistics.median(every):,.0f} | {max(every):,.0f} |")


if __name__ == "__main__":
    main()
