"""The Data page's CSV import as a person uses it: upload through the form, see every section
change without a reload, remove with a confirmation, read messages in the form's own words."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from insights.store.database import Store
from tests.ads_exports import ads_rows, good_csv_text, write_ads
from tests.e2e.conftest import RunningApp, screenshot_dir, start_app
from tests.e2e.test_browser import SETTLE_MS, _grid_rows, _no_exception, _pick, _settled
from tests.test_importer import NO_REACH, _posts_without_reach

ROWS = (  # a grid's rows, as its accessible table holds them
    "g => [...g.querySelectorAll('tbody tr')].map(r => [...r.querySelectorAll('td')]"
    ".map(td => td.innerText.trim()))"
)


def _rows_with(page, text: str) -> list[list[str]]:
    """The rows holding a cell `text` in any grid of the page (a grid draws its rows once
    it is on screen, so each is scrolled to)."""
    found = []
    grids = page.locator("[data-testid='stDataFrame']")
    for index in range(grids.count()):
        grid = grids.nth(index)
        grid.scroll_into_view_if_needed()
        grid.locator("tbody tr").first.wait_for(state="attached", timeout=SETTLE_MS)
        found += [r for r in grid.evaluate(ROWS) if any(text in cell for cell in r)]
    return found


@pytest.fixture
def empty_app(tmp_path) -> Iterator[RunningApp]:
    """The app on an empty store of its own (nothing ingested: the page shows what imports do)."""
    db = tmp_path / "insights.duckdb"
    Store(db).close()
    process, app = start_app(db, tmp_path / "streamlit.log", INSIGHTS_SOURCE="demo")
    yield app
    process.terminate()
    process.wait(20)


def _open_data(page, app: RunningApp) -> None:
    page.goto(f"{app.url}/data")
    page.get_by_role("button", name="Import").wait_for(timeout=SETTLE_MS)
    _settled(page)


def _upload(page, path: Path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    listed = page.locator("[data-testid='stFileUploader']").get_by_text(path.name, exact=True)
    listed.first.wait_for(timeout=SETTLE_MS)  # uploaded
    page.get_by_role("button", name="Import").click()
    # the import is over when the page has rerun with a new, empty uploader
    listed.first.wait_for(state="detached", timeout=SETTLE_MS)
    _settled(page)


def _table_rows(page, table: str) -> str:
    """The Rows cell of `table` in the Tables section (the page's first grid)."""
    rows = _grid_rows(page, until=lambda rows: any(r[0] == table for r in rows))
    return next(r[1] for r in rows if r[0] == table)


def _wait_rows(page, table: str, expected: int) -> None:
    rows = _grid_rows(page, until=lambda rows: any(r[:2] == [table, f"{expected:,}"] for r in rows))
    assert [table, f"{expected:,}"] in [r[:2] for r in rows], rows


def _alerts(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid='stAlert']").all_inner_texts()]


def _spring(tmp_path: Path) -> tuple[Path, int]:
    """An Ads Manager export and its rows as the store keeps them: one per campaign, day, age
    and gender (counted with pandas; the totals row has no campaign)."""
    path = write_ads(tmp_path / "spring.csv", ads_rows())
    keys = pd.read_csv(path, dtype=str)[["Campaign name", "Day", "Age", "Gender"]].dropna()
    return path, len(keys.drop_duplicates())


def test_an_upload_shows_in_tables_and_refreshes_without_a_reload(page, empty_app, tmp_path):
    path, expected = _spring(tmp_path)
    _open_data(page, empty_app)
    assert _table_rows(page, "ad_insights_daily") == "0"
    url = page.url
    _upload(page, path)
    _wait_rows(page, "ad_insights_daily", expected)  # the same page, read anew
    assert page.url == url
    assert any("import spring.csv" in r for r in _rows_with(page, "spring.csv"))  # Last refreshes
    assert any(a.startswith("check_circle") and "Imported spring.csv" in a for a in _alerts(page))
    _no_exception(page)
    page.screenshot(path=str(screenshot_dir(tmp_path) / "data_import.png"))


def test_removing_an_import_asks_first_and_its_message_stays(page, empty_app, tmp_path):
    path, expected = _spring(tmp_path)
    _open_data(page, empty_app)
    _upload(page, path)
    _wait_rows(page, "ad_insights_daily", expected)
    label = "Remove an import (its rows leave the store)"
    question = f"Remove spring.csv ({expected:,} rows)? This cannot be undone."
    _pick(page, label, "1: spring.csv")
    page.get_by_role("button", name="Remove import").click()
    page.get_by_text(question).wait_for(timeout=SETTLE_MS)
    page.get_by_role("button", name="Cancel", exact=True).click()
    page.get_by_text(question).wait_for(state="detached", timeout=SETTLE_MS)
    _settled(page)
    _wait_rows(page, "ad_insights_daily", expected)  # nothing removed
    page.get_by_role("button", name="Remove import").click()
    page.get_by_text(question).wait_for(timeout=SETTLE_MS)
    page.screenshot(path=str(screenshot_dir(tmp_path) / "data_remove.png"))
    page.get_by_role("button", name="Confirm", exact=True).click()
    _settled(page)
    _wait_rows(page, "ad_insights_daily", 0)
    assert page.get_by_role("combobox", name=label).count() == 0  # no import left to remove
    page.wait_for_timeout(1500)  # the message is still there a moment after the rerun
    said = f"Import 1 removed: spring.csv, {expected:,} rows."
    assert any(said in a for a in _alerts(page)), _alerts(page)
    _no_exception(page)


def test_a_form_upload_error_speaks_of_the_form(page, empty_app, tmp_path):
    period = pd.read_csv(io.StringIO(good_csv_text()), dtype=str).drop(columns=["Day"])
    period["Reporting ends"] = "2025-05-31"
    path = tmp_path / "period.csv"
    period.to_csv(path, index=False)
    _open_data(page, empty_app)
    _upload(page, path)
    error = next(a for a in _alerts(page) if "no single day" in a)
    assert "period.csv, line 2" in error
    assert "'Day for ads exports without a day column'" in error
    assert "--date" not in page.content()
    assert _table_rows(page, "ad_insights_daily") == "0"


def test_a_post_export_without_account_or_reach_asks_and_says(page, empty_app, tmp_path):
    path = _posts_without_reach(tmp_path / "posts.csv")
    _open_data(page, empty_app)
    _upload(page, path)
    error = next(a for a in _alerts(page) if "Instagram account" in a)
    assert "posts.csv: the file does not say which Instagram account" in error
    assert _table_rows(page, "ig_media") == "0"
    # a new account's name, typed into the same field, then the same file again
    box = page.get_by_role("combobox", name=re.compile("^Instagram account"))
    box.click()
    page.keyboard.type("data.shop")
    page.get_by_role("option").filter(has_text="data.shop").first.click()
    _upload(page, path)
    _wait_rows(page, "ig_media", 12)
    assert any(a.startswith("warning") and NO_REACH in a for a in _alerts(page)), _alerts(page)
    imports = _rows_with(page, "posts.csv")
    assert imports and any(NO_REACH in cell for cell in imports[0]), imports
    page.screenshot(path=str(screenshot_dir(tmp_path) / "data_lacks.png"))
    _no_exception(page)
