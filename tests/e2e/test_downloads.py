"""Every CSV download is what the page shows: the KPI cards and the campaign grid, downloaded
in a real browser, hold the same figures with the same rounding, units and labels."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from tests.e2e.conftest import RunningApp
from tests.e2e.grid import TOTALS, campaign_rows, grid_frame
from tests.e2e.test_browser import _settled

SHOWN_NUMBER = re.compile(r"^[^\d+-]*([+-]?[\d,]*\.?\d+)([KMB]?)[^\d]*$")
SCALE = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


def _download(page, button: str) -> list[dict[str, str]]:
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


def _agrees(shown: str, written: str) -> bool:
    """A figure as the page shows it ('€2,931.18', '1.25%', '3.03x', '12.4K', '–') is the
    CSV's number (or its empty cell), to the precision the page shows."""
    if shown in ("–", ""):
        return written == ""
    found = SHOWN_NUMBER.match(shown)
    assert found, shown
    mantissa, suffix = Decimal(found[1].replace(",", "")), found[2]
    places = Decimal(1).scaleb(mantissa.as_tuple().exponent)  # type: ignore[arg-type]
    return (Decimal(written) / SCALE[suffix]).quantize(places) == mantissa


def _open(page, app: RunningApp) -> None:
    page.goto(f"{app.url}/?range=last_28")
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    _settled(page)


def test_the_kpi_csv_is_the_cards_as_shown(page, fresh_app: RunningApp):
    _open(page, fresh_app)
    cards = page.locator("[data-testid='stMetric']")
    shown = [
        (
            card.locator("[data-testid='stMetricLabel']").inner_text().strip(),
            card.locator("[data-testid='stMetricValue']").inner_text().strip(),
            card.locator("[data-testid='stMetricDelta']").all_inner_texts(),
        )
        for card in cards.all()
    ]
    rows = _download(page, "Download KPIs (CSV)")
    assert [r["KPI"] for r in rows] == [label for label, _, _ in shown]
    for row, (label, value, delta) in zip(rows, shown, strict=True):
        if row["Unit"] == "":  # a count: 103, never 103.0
            assert "." not in row["Value"], (label, row["Value"])
        assert _agrees(value, row["Value"]), (label, value, row["Value"])
        if delta:  # '+2.9%' on the card, 2.9 in the file
            assert _agrees(delta[0].strip(), row["Change (%)"]), (label, delta, row)
        else:
            assert row["Change (%)"] == "", (label, row)
    # the units the cards are in: euros then dollars for the paid cards, percent for rates
    units = {(r["Currency"], r["KPI"]): r["Unit"] for r in rows}
    assert units[("EUR", "Spend")] == "EUR" and units[("USD", "Spend")] == "USD"
    assert units[("EUR", "CTR")] == "%" and units[("", "Engagement rate")] == "%"
    assert units[("USD", "ROAS")] == "x" and units[("", "Posts")] == ""


def test_the_campaign_csv_is_the_grid_as_shown(page, fresh_app: RunningApp):
    _open(page, fresh_app)
    frame = grid_frame(page)
    headers = dict(
        frame.evaluate(
            "() => [...document.querySelectorAll('.ag-header-cell')]"
            ".map(h => [h.getAttribute('col-id'), h.innerText.trim()])"
        )
    )
    shown = campaign_rows(page) + campaign_rows(page, part=TOTALS)
    rows = _download(page, "Download campaign table (CSV)")
    assert list(rows[0]) == list(headers.values())  # the same labels, in the same order
    assert "CTR (%)" in rows[0] and "ROAS" in rows[0]
    assert len(rows) == len(shown)
    for row, cells in zip(rows, shown, strict=True):
        for key, heading in headers.items():
            cell, written = cells[key], row[heading]
            if re.search(r"\d", cell) and key not in ("campaign_name", "result_label"):
                assert _agrees(cell, written), (heading, cell, written)
                assert "." not in written or key not in ("conversions", "clicks", "results")
            else:
                assert cell in (written, "–" if written == "" else written), (heading, cell)
