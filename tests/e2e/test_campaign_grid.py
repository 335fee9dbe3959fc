"""The campaign table as a marketer uses it at 1280 px: one grid whose campaign name stays in
view when it scrolls sideways, whose totals stay last under their columns whatever the sort,
and whose metric columns sort highest first."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.e2e.conftest import RunningApp
from tests.e2e.grid import BODY, TOTALS, campaign_rows, grid_frame
from tests.e2e.test_browser import SETTLE_MS, _settled

CAMPAIGNS = "campaigns?range=last_90"


@pytest.fixture
def laptop(browser):
    """A 1280 x 720 screen, as on a small laptop."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


def _open(page, app: RunningApp, path: str = CAMPAIGNS):
    page.goto(app.url)  # on a first start, the demo is loaded before any figure is shown
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    page.goto(f"{app.url}/{path}")
    page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=SETTLE_MS)
    _settled(page)
    frame = grid_frame(page)
    page.locator("iframe[title='st_aggrid.AgGrid.agGrid']").first.scroll_into_view_if_needed()
    return frame


def _box(frame, selector: str) -> dict[str, float]:
    box = frame.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _right(box: dict[str, float]) -> float:
    return box["x"] + box["width"]


def _header(key: str) -> str:
    return f".ag-header-cell[col-id='{key}']"


def _number(text: str) -> Decimal:
    """'€1,234.56' / '2.32x' / '1.15%' / '12,345' as a number."""
    return Decimal(text.strip("€$¥x%").replace(",", ""))


def test_at_1280_px_roas_is_on_screen_beside_the_name(laptop, fresh_app: RunningApp):
    frame = _open(laptop, fresh_app)
    grid = laptop.locator("iframe[title='st_aggrid.AgGrid.agGrid']").first.bounding_box()
    assert grid is not None
    for key in ("campaign_name", "spend", "results", "cost_per_result", "roas"):
        header = _box(frame, _header(key))
        # inside the grid's visible width without scrolling sideways
        assert header["x"] >= grid["x"] and header["x"] + header["width"] <= _right(grid), key


def test_scrolled_sideways_the_name_stays_in_view(laptop, fresh_app: RunningApp):
    frame = _open(laptop, fresh_app)
    names = [r["campaign_name"] for r in campaign_rows(laptop)]
    before = _box(frame, f"{BODY} .ag-cell[col-id='campaign_name']")
    frame.evaluate(  # scroll the grid to its far right, as a trackpad swipe does
        "() => { for (const v of document.querySelectorAll("
        "'.ag-body-horizontal-scroll-viewport, .ag-center-cols-viewport')) v.scrollLeft = 1e5; }"
    )
    laptop.wait_for_timeout(500)
    currency = _box(frame, _header("currency"))  # the last column is now in view
    grid = laptop.locator("iframe[title='st_aggrid.AgGrid.agGrid']").first.bounding_box()
    assert grid is not None and currency["x"] + currency["width"] <= _right(grid) + 1
    spend = _box(frame, _header("spend"))
    assert spend["x"] < before["x"] + before["width"]  # Spend has moved under the name...
    after = _box(frame, f"{BODY} .ag-cell[col-id='campaign_name']")
    assert after["x"] == before["x"]  # ...which has not moved
    assert frame.locator(f"{BODY} .ag-cell[col-id='campaign_name']").first.is_visible()
    assert [r["campaign_name"] for r in campaign_rows(laptop)] == names
    # the totals scrolled with the grid: each total cell stays under its column's header
    for key in ("currency", "clicks", "campaign_name"):
        header = _box(frame, _header(key))
        total = _box(frame, f"{TOTALS} .ag-cell[col-id='{key}']")
        assert abs(total["x"] - header["x"]) < 1 and abs(total["width"] - header["width"]) < 1


def test_first_click_on_spend_sorts_highest_first(laptop, fresh_app: RunningApp):
    frame = _open(laptop, fresh_app)
    unsorted = campaign_rows(laptop)
    frame.locator(_header("spend")).locator(".ag-header-cell-label").click()
    assert frame.locator(_header("spend")).get_attribute("aria-sort") == "descending"
    spends = [_number(r["spend"]) for r in campaign_rows(laptop)]
    assert len(spends) == len(unsorted) and spends == sorted(spends, reverse=True)
    frame.locator(_header("roas")).locator(".ag-header-cell-label").click()
    roas = [r["roas"] for r in campaign_rows(laptop)]
    known = [_number(v) for v in roas if v != "–"]
    assert known == sorted(known, reverse=True) and roas[: len(known)] == [f"{v}x" for v in known]
    # a name sorts A to Z first
    frame.locator(_header("campaign_name")).locator(".ag-header-cell-label").click()
    names = [r["campaign_name"] for r in campaign_rows(laptop)]
    assert names == sorted(names)


def test_totals_stay_last_under_their_columns_whatever_the_sort(laptop, fresh_app: RunningApp):
    frame = _open(laptop, fresh_app)
    for key, clicks in (("spend", 1), ("spend", 2), ("campaign_name", 1), ("ctr", 1)):
        for _ in range(clicks):
            frame.locator(_header(key)).locator(".ag-header-cell-label").click()
        rows = campaign_rows(laptop)
        totals = campaign_rows(laptop, part=TOTALS)
        # one total per currency of the demo (euros, dollars), after every campaign
        assert [t["campaign_name"] for t in totals] == ["Total EUR", "Total USD"], key
        assert not any(r["campaign_name"].startswith("Total") for r in rows)
        last = frame.locator(f"{BODY} .ag-row[row-index='{len(rows) - 1}']").first.bounding_box()
        first_total = _box(frame, f"{TOTALS} .ag-row")
        assert last is not None and first_total["y"] >= last["y"] + last["height"] - 1
        header, total = _box(frame, _header("spend")), _box(frame, f"{TOTALS} [col-id='spend']")
        assert abs(total["x"] - header["x"]) < 1
    # each total is the sum of its currency's campaigns, as shown
    rows = campaign_rows(laptop)
    for total in campaign_rows(laptop, part=TOTALS):
        code = total["campaign_name"].removeprefix("Total ")
        mine = [_number(r["spend"]) for r in rows if r["currency"] == code]
        assert _number(total["spend"]) == sum(mine)


def test_the_overview_shows_the_same_grid_with_its_totals(laptop, fresh_app: RunningApp):
    _open(laptop, fresh_app, "?range=last_90")
    totals = campaign_rows(laptop, part=TOTALS)
    assert [t["campaign_name"] for t in totals] == ["Total EUR", "Total USD"]
