"""The dashboard as a marketer uses it: a real browser against the real app."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from insights.demo.server import DemoApi
from tests.e2e.conftest import RunningApp, screenshot_dir, start_app
from tests.e2e.grid import campaign_rows

SETTLE_MS = 60_000
DRAWN_CHARTS = (  # plotly charts whose SVG is drawn
    "[...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg'))"
)


def _settled(page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_selector("[data-testid='stApp']", timeout=SETTLE_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=SETTLE_MS
    )
    page.wait_for_timeout(300)


def _kpi(page, label: str) -> str:
    card = (
        page.locator("[data-testid='stMetric']")
        .filter(has=page.locator("[data-testid='stMetricLabel']", has_text=label))
        .first
    )
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def _pick(page, label: str, option: str) -> None:
    """Choose an option of a selectbox or multiselect by its label (ARIA roles)."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    try:  # a first click may only scroll the box into view (slowly, on a busy machine)
        page.get_by_role("listbox").first.wait_for(state="visible", timeout=3000)
    except PlaywrightTimeoutError:
        box.click()
    page.keyboard.type(option[:12])  # a long list shows only some options: narrow it first
    page.get_by_role("option").filter(has_text=option).first.click()
    page.keyboard.press("Escape")
    _settled(page)


def _kpis(page, label: str) -> list[str]:
    """Every card of that label: the paid cards come once per currency of the view."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")  # "Spend", not "Spend on sales"
    cards = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=exact)
    )
    return [v.strip() for v in cards.locator("[data-testid='stMetricValue']").all_inner_texts()]


def _kpis_exact(page, label: str) -> list[str]:
    """Every card of that label, exactly: a card showing a compact form ('$30.8K') has the
    exact value in its help, read by hovering the help icon as a person does."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    cards = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=exact)
    )
    values = []
    for card in cards.all():
        page.mouse.move(0, 0)
        card.locator("[data-testid='stTooltipHoverTarget']").first.hover()
        tip = page.locator("[data-testid='stTooltipContent']").last
        tip.wait_for(state="visible", timeout=5000)
        found = re.search(r"Exact value: (\S+)", tip.inner_text())
        shown = card.locator("[data-testid='stMetricValue']").inner_text().strip()
        values.append(found.group(1) if found else shown)
    return values


SYMBOLS = {"USD": "$", "EUR": "€"}


GRID_CELLS = (
    "g => [...g.querySelectorAll('tbody tr')]"
    ".map(r => [...r.querySelectorAll('td')].map(td => td.innerText.trim()))"
)


def _grid_rows(
    page, until: Callable[[list[list[str]]], bool] | None = None, index: int = 0
) -> list[list[str]]:
    """The rows of the page's grid number `index`, read in one step (the grid re-renders
    rows while a run settles).

    With `until`, read again until the rows satisfy it, so a test never reads the grid of the
    previous run."""
    grid = page.locator("[data-testid='stDataFrame']").nth(index)
    grid.locator("tbody tr").first.wait_for(state="attached", timeout=SETTLE_MS)
    deadline = time.monotonic() + SETTLE_MS / 1000
    while True:
        rows = [r for r in grid.evaluate(GRID_CELLS) if r]
        if rows and (until is None or until(rows)) or time.monotonic() > deadline:
            return rows
        page.wait_for_timeout(200)


def test_first_start_loads_the_demo_and_shows_figures(page, fresh_app: RunningApp, tmp_path):
    page.goto(fresh_app.url)
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    _settled(page)
    _no_exception(page)
    # the demo's two ad accounts: a Spend card in euros, then one in dollars, never a sum
    spends = _kpis(page, "Spend")
    assert [s[0] for s in spends] == ["€", "$"] and "€0.00" not in spends
    page.wait_for_function(f"() => {DRAWN_CHARTS}.length >= 1", timeout=SETTLE_MS)  # drawn
    assert "range=last_28" in page.url
    page.screenshot(path=str(screenshot_dir(tmp_path) / "overview.png"), full_page=True)


def test_every_page_renders(page, fresh_app: RunningApp, tmp_path):
    page.goto(fresh_app.url)  # on its own, this test waits for the first load too
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    page.goto(f"{fresh_app.url}/data")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=SETTLE_MS)
    _settled(page)
    _no_exception(page)
    assert page.get_by_text("Last refreshes").count() == 1
    tables = page.locator("[data-testid='stDataFrame']")
    assert tables.count() == 3  # tables, refreshes, what the last refresh could not get
    runs = _grid_rows(page, index=1)
    assert runs and "succeeded" in runs[0]
    page.screenshot(path=str(screenshot_dir(tmp_path) / "data.png"), full_page=True)
    for path, charts, shot in (
        ("", 2, None),  # the followers and the trend
        ("campaigns?range=last_90", 5, "campaigns.png"),
        ("ads?range=last_90", 1, "ads.png"),  # the placements
        ("content?range=last_90", 4, "content.png"),
    ):
        page.goto(f"{fresh_app.url}/{path}")
        # (the followers' chart is drawn in its expander, closed: drawn, not visible)
        page.wait_for_function(f"() => {DRAWN_CHARTS}.length >= 1", timeout=SETTLE_MS)
        _settled(page)
        page.wait_for_function(f"() => {DRAWN_CHARTS}.length >= {charts}", timeout=SETTLE_MS)
        _no_exception(page)
        if shot:
            page.set_viewport_size({"width": 1440, "height": 4200})
            page.screenshot(path=str(screenshot_dir(tmp_path) / shot), full_page=True)


def test_filters_change_figures_and_url_and_a_link_reproduces_the_view(
    page, browser, fresh_app: RunningApp
):
    page.goto(fresh_app.url)
    page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    _settled(page)
    before = _kpi(page, "Spend")
    _pick(page, "Date range", "Last 7 days")
    page.wait_for_function("() => location.search.includes('range=last_7')", timeout=SETTLE_MS)
    seven_days = _kpi(page, "Spend")
    assert seven_days != before
    first_campaign = campaign_rows(page)[0]["campaign_name"]
    _pick(page, "Campaigns", first_campaign)
    page.wait_for_function("() => location.search.includes('campaigns=')", timeout=SETTLE_MS)
    one_campaign = _kpi(page, "Spend")
    assert one_campaign != seven_days
    rows = campaign_rows(page, until=lambda rows: len(rows) == 1)
    assert [r["campaign_name"] for r in rows] == [first_campaign]
    # the table's spend is the card's exact spend, written the same way in its currency
    assert [rows[0]["spend"]] == _kpis_exact(page, "Spend")
    _no_exception(page)

    other = browser.new_page(viewport={"width": 1440, "height": 1800})
    other.goto(page.url)
    other.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    _settled(other)
    assert _kpi(other, "Spend") == one_campaign
    shown = campaign_rows(other, until=lambda rows: len(rows) == 1)
    assert [r["campaign_name"] for r in shown] == [first_campaign]
    other.close()


def _hop(page, title: str) -> None:
    """Go to another page as a person does: by the sidebar's navigation link."""
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
    _settled(page)


def test_filters_stay_across_page_hops_and_are_stated_on_every_page(page, fresh_app: RunningApp):
    page.goto(fresh_app.url)
    page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    _settled(page)
    _pick(page, "Date range", "Last 90 days")
    first_campaign = campaign_rows(page)[0]["campaign_name"]
    _pick(page, "Campaigns", first_campaign)
    page.wait_for_function("() => location.search.includes('campaigns=')", timeout=SETTLE_MS)
    spend = _kpi(page, "Spend")
    for title in ("Campaigns", "Content", "Overview", "Data", "Campaigns", "Overview"):
        _hop(page, title)
        _no_exception(page)
        if title == "Data":  # the Data page shows the whole store, without the filters
            continue
        page.wait_for_function("() => location.search.includes('range=last_90')", timeout=5000)
        assert "campaigns=" in page.url, (title, page.url)
        stated = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']")
        stated = stated.first.inner_text()
        assert stated.startswith("Last 90 days: ") and first_campaign in stated, (title, stated)
    assert _kpi(page, "Spend") == spend


def test_a_link_reproduces_the_page_view_controls(page, fresh_app: RunningApp):
    page.goto(f"{fresh_app.url}/?range=last_90")
    page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    _settled(page)
    _pick(page, "Paid metric", "CTR")
    page.wait_for_function("() => location.search.includes('paid_metric=ctr')", timeout=SETTLE_MS)
    link = page.url
    other = page.context.new_page()
    other.goto(link)
    other.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    _settled(other)
    other.wait_for_function(  # the trend chart of the link is the CTR one
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(p => p.textContent.includes('Paid: CTR per day'))",
        timeout=SETTLE_MS,
    )
    other.close()


def test_campaign_csv_download_matches_the_table(page, fresh_app: RunningApp):
    page.goto(f"{fresh_app.url}/?range=last_90&compare=previous")
    page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    _settled(page)
    shown = campaign_rows(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download campaign table (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    campaigns = [r for r in rows if not r["Campaign"].startswith("Total")]
    assert [r["Campaign"] for r in campaigns] == [r["campaign_name"] for r in shown]
    assert [r["Currency"] for r in campaigns] == [r["currency"] for r in shown]
    written = [f"{SYMBOLS[r['Currency']]}{Decimal(r['Spend']):,.2f}" for r in campaigns]
    assert written == [r["spend"] for r in shown]
    # each currency's total is its own Spend card (euros first); nothing adds the two
    cards = []
    for currency in ("EUR", "USD"):
        total = sum(Decimal(r["Spend"]) for r in campaigns if r["Currency"] == currency)
        cards.append(f"{SYMBOLS[currency]}{total:,.2f}")
    assert cards == _kpis_exact(page, "Spend")


def test_refresh_runs_to_the_end_and_the_time_changes(page, fresh_app: RunningApp):
    page.goto(f"{fresh_app.url}/data")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=SETTLE_MS)
    _settled(page)
    caption = page.get_by_text("Last refreshed").first
    before = caption.inner_text()
    page.wait_for_timeout(1100)  # the caption shows seconds
    page.get_by_role("button", name="Refresh data").click()
    page.wait_for_selector("text=Refreshed:", timeout=120_000)
    _settled(page)
    # the first load's "Refreshed:" can still be shown while this refresh runs: wait for the
    # refresh itself to end, seen as a new time in the caption (or fail after two minutes)
    deadline = time.monotonic() + 120
    while page.get_by_text("Last refreshed").first.inner_text() == before:
        assert time.monotonic() < deadline, "the refresh did not end within two minutes"
        page.wait_for_timeout(500)
    _no_exception(page)


def test_a_bad_token_shows_a_clear_error_and_the_figures_stay(page, demo_store_file, tmp_path):
    db = tmp_path / "insights.duckdb"
    shutil.copy(demo_store_file, db)
    secret = "EAAB-browser-bad-token-77"
    with DemoApi(access_token="the-right-token") as api:
        process, app = start_app(
            db,
            tmp_path / "streamlit.log",
            INSIGHTS_SOURCE="graph",
            INSIGHTS_GRAPH_URL=api.base_url,
            INSIGHTS_ACCESS_TOKEN=secret,
            INSIGHTS_AD_ACCOUNT_IDS=api.ad_account_ids[0],
        )
        try:
            page.goto(app.url)
            page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
            _settled(page)
            spend = _kpi(page, "Spend")
            page.get_by_role("button", name="Refresh data").click()
            alert = page.locator("[data-testid='stAlert']").filter(has_text="access token")
            alert.first.wait_for(timeout=SETTLE_MS)
            _settled(page)
            assert "INSIGHTS_ACCESS_TOKEN" in alert.first.inner_text()
            assert _kpi(page, "Spend") == spend  # the figures stay
            assert secret not in page.content()
            _no_exception(page)
        finally:
            process.terminate()
            process.wait(20)
    assert secret not in app.log.read_text(errors="replace")


def test_a_hostile_campaign_name_yields_no_link_or_image(page, demo_store_file, tmp_path):
    from tests.test_hostile_text import HOSTILE, rename_campaigns

    db = tmp_path / "insights.duckdb"
    shutil.copy(demo_store_file, db)
    rename_campaigns(db)
    process, app = start_app(db, tmp_path / "streamlit.log", INSIGHTS_SOURCE="demo")
    try:
        page.goto(app.url)
        page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
        _settled(page)
        # the name is on the page, as written
        page.wait_for_function(  # the sentences quoting the names are drawn
            "() => document.body.innerText.includes('[click](http')", timeout=SETTLE_MS
        )
        text = page.locator("[data-testid='stMarkdownContainer']").all_inner_texts()
        assert any(HOSTILE in t.replace("\u2060", "") for t in text), text
        evil = page.evaluate(
            "() => [...document.querySelectorAll('a[href], img[src]')]"
            ".map(e => e.getAttribute('href') || e.getAttribute('src'))"
            ".filter(u => u.includes('evil') || u === 'x')"
        )
        assert evil == []
        _no_exception(page)
    finally:
        process.terminate()
        process.wait(20)
