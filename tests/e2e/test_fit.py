"""Figures that fit: KPI cards and the top-posts table at the widths people use (a laptop at
1280 and 1440 px with the sidebar open, a phone at 390 px), exact values on hover."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import currency_of
from tests.e2e.conftest import RunningApp
from tests.e2e.test_browser import SETTLE_MS, SYMBOLS, _no_exception, _settled

SIZES = [(1280, 720), (1440, 900), (390, 844)]

# Each card: its label, its value's text, the width the text needs and the width it has (the
# value is cut with an ellipsis when it needs more), and whether it has a help icon.
CARDS = """() => [...document.querySelectorAll('[data-testid=stMetric]')].map(card => {
  const value = card.querySelector('[data-testid=stMetricValue]');
  const box = value.querySelector('[data-testid=stMarkdownContainer]') || value;
  const text = document.createRange();
  text.selectNodeContents(box);
  return {
    label: card.querySelector('[data-testid=stMetricLabel]').innerText.trim(),
    value: value.innerText.trim(),
    needs: text.getBoundingClientRect().width,
    has: box.getBoundingClientRect().width,
    help: card.querySelector('[data-testid=stMetricLabel] [data-testid=stTooltipHoverTarget]')
      !== null,
  };
})"""


def _open(browser, url: str, width: int, height: int, selector: str):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_selector(selector, timeout=SETTLE_MS)
    _settled(page)
    return page


def _spend_last_90_days(raw, demo_range) -> dict[str, Decimal]:
    """Each currency's spend over the last 90 days of the data, from the raw demo file."""
    ads = raw["ad_insights_daily"]
    since = (demo_range[1] - timedelta(days=89)).isoformat()
    rows = ads[ads["date"] >= since]
    currency = currency_of(raw)
    out: dict[str, Decimal] = {}
    for campaign, spend in zip(rows["campaign_id"], rows["spend"], strict=True):
        out[currency[campaign]] = out.get(currency[campaign], Decimal(0)) + Decimal(spend)
    return out


def _tooltip(page, card) -> str:
    """The text of a card's help, as a person sees it by hovering its icon."""
    page.mouse.move(0, 0)
    card.locator("[data-testid='stTooltipHoverTarget']").first.hover()
    tip = page.locator("[data-testid='stTooltipContent']").last
    tip.wait_for(state="visible", timeout=5000)
    return tip.inner_text()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_kpi_values_fit_their_cards_and_the_exact_value_is_on_hover(
    browser, demo_app: RunningApp, raw, demo_range, width, height
):
    page = _open(
        browser, f"{demo_app.url}/?range=last_90", width, height, "[data-testid='stMetric']"
    )
    _no_exception(page)
    cards = page.evaluate(CARDS)
    assert len(cards) >= 30  # paid cards in EUR and in USD, and the organic ones
    cut = [(c["label"], c["value"], c["needs"], c["has"]) for c in cards if c["needs"] > c["has"]]
    assert cut == []
    assert [c["label"] for c in cards if not c["help"]] == []
    # the spend of each currency: compact where the exact amount is long, exact on hover
    spend = _spend_last_90_days(raw, demo_range)
    spend_cards = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text="Spend").filter(
            has_not_text="sales"
        )
    )
    assert spend_cards.count() == 2
    compact = 0
    for index, currency in enumerate(("EUR", "USD")):
        card = spend_cards.nth(index)
        exact = f"{SYMBOLS[currency]}{spend[currency]:,.2f}"
        shown = card.locator("[data-testid='stMetricValue']").inner_text().strip()
        if shown == exact:
            continue
        compact += 1
        thousands = (spend[currency] / 1000).quantize(Decimal("0.1"))
        assert shown == f"{SYMBOLS[currency]}{thousands}K", (shown, exact)
        assert f"Exact value: {exact}" in _tooltip(page, card)
    assert compact >= 1  # the demo's dollar spend is over $10,000: one card is compact
    page.close()


@pytest.mark.parametrize(("width", "height"), SIZES[:2])
def test_every_content_card_has_its_help(browser, demo_app: RunningApp, width, height):
    page = _open(
        browser,
        f"{demo_app.url}/content?range=last_90",
        width,
        height,
        "[data-testid='stMetric']",
    )
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stMetric]').length >= 7",
        timeout=SETTLE_MS,
    )
    cards = page.evaluate(CARDS)
    assert [c["label"] for c in cards if not c["help"]] == []
    assert [c["label"] for c in cards if c["needs"] > c["has"]] == []
    page.close()


@pytest.mark.parametrize(("width", "height"), SIZES[:2])
def test_the_top_posts_table_fits_with_its_engagement_rate(
    browser, demo_app: RunningApp, width, height
):
    page = _open(
        browser,
        f"{demo_app.url}/content?range=last_90",
        width,
        height,
        "[data-testid='stDataFrame']",
    )
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.locator("tbody tr").first.wait_for(state="attached", timeout=SETTLE_MS)
    # no column lies beyond the grid's right edge: nothing to scroll to, nothing cut
    overflow = grid.evaluate(
        "g => { const s = g.querySelector('.dvn-scroller'); return s.scrollWidth - s.clientWidth }"
    )
    assert overflow <= 0
    headings = grid.evaluate(
        "g => [...g.querySelectorAll('thead th')].map(t => t.innerText.trim())"
    )
    assert "Engagement rate" in headings
    page.close()


def test_times_are_written_in_the_viewers_time_zone(browser, demo_app: RunningApp, demo_store_file):
    import duckdb

    # the app's copy is held by the app: its source has the same runs
    with duckdb.connect(str(demo_store_file), read_only=True) as store:
        finished = store.execute(
            "SELECT max(finished_at) FROM ingest_runs WHERE status = 'succeeded'"
        ).fetchone()[0]
    berlin = finished.astimezone(ZoneInfo("Europe/Berlin"))
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    page.goto(f"{demo_app.url}/data")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=SETTLE_MS)
    _settled(page)
    caption = page.locator("[data-testid='stSidebar']").get_by_text("Last refreshed").first
    expected = f"Last refreshed {berlin.day} {berlin:%b %Y, %H:%M} {berlin.tzname()} "
    assert caption.inner_text().startswith(expected), (caption.inner_text(), expected)
    context.close()
