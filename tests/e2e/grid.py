"""Reading the campaign grid (AG Grid, in its component's frame) as a person sees it."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError

SETTLE_MS = 60_000
GRID_FRAME = "iframe[title='st_aggrid.AgGrid.agGrid']"
# the rows of one part of the grid (body or pinned totals) in the order shown, each cell's text
# by its column; the pinned name column is a container of its own, joined by row index
READ_ROWS = """(part) => {
  const rows = {};
  for (const row of document.querySelectorAll(part + ' .ag-row')) {
    const at = Number(row.getAttribute('row-index').replace(/^[a-z]-/, ''));  // 'b-0': a total
    rows[at] = rows[at] || {};
    for (const cell of row.querySelectorAll('.ag-cell')) {
      rows[at][cell.getAttribute('col-id')] = cell.innerText.trim();
    }
  }
  return Object.keys(rows).map(Number).sort((a, b) => a - b).map(k => rows[k]);
}"""
BODY = ".ag-body"
TOTALS = ".ag-floating-bottom"


def grid_frame(page, index: int = 0):
    """The frame of the page's campaign grid number `index`, once its rows are drawn."""
    handle = page.locator(GRID_FRAME).nth(index)
    handle.wait_for(state="attached", timeout=SETTLE_MS)
    frame = handle.element_handle().content_frame()
    frame.wait_for_selector(".ag-body .ag-row .ag-cell", timeout=SETTLE_MS)
    return frame


def campaign_rows(
    page,
    until: Callable[[list[dict[str, str]]], bool] | None = None,
    part: str = BODY,
    index: int = 0,
) -> list[dict[str, str]]:
    """The grid's campaign rows (or, with part=TOTALS, its total rows) in the order shown:
    per row, the text of each cell by column key ('campaign_name', 'spend', 'currency' ...).

    With `until`, read again until the rows satisfy it (a grid of the previous run is read no
    more)."""
    deadline = time.monotonic() + SETTLE_MS / 1000
    while True:
        try:
            rows = [r for r in grid_frame(page, index).evaluate(READ_ROWS, part) if r]
        except PlaywrightError:  # the frame was replaced by the next run's grid: read that one
            if time.monotonic() > deadline:
                raise
            rows = []
        if rows and (until is None or until(rows)) or time.monotonic() > deadline:
            return rows
        page.wait_for_timeout(200)
