"""The stakeholder report as its reader gets it: downloaded from the Overview, opened in a
browser on a phone and on a laptop."""

from __future__ import annotations

from tests.e2e.conftest import RunningApp
from tests.e2e.test_browser import SETTLE_MS, _settled

FILTER_LINE = "[data-testid='stMain'] [data-testid='stCaptionContainer']"


def test_the_downloaded_report_states_the_view_and_fits_a_phone(
    page, browser, fresh_app: RunningApp, tmp_path
):
    page.goto(f"{fresh_app.url}/?range=last_90&compare=previous&genders=female")
    page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    _settled(page)
    line = page.locator(FILTER_LINE).first.inner_text().strip()
    assert "Genders: Female" in line
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report for stakeholders (HTML)").click()
    path = tmp_path / download.value.suggested_filename  # saved as the browser names it
    download.value.save_as(path)
    assert path.suffix == ".html"
    size = path.stat().st_size
    assert size < 150_000, size  # small enough to mail; nothing to fetch
    for width, height in ((390, 844), (1280, 720)):
        context = browser.new_context(viewport={"width": width, "height": height})
        reader = context.new_page()
        reader.goto(path.as_uri())
        # the view as the page stated it, word for word
        view = reader.locator("p.scope", has_text="View:").inner_text()
        assert view.removeprefix("View:").strip() == line, (view, line)
        assert reader.locator("svg.chart").count() == 2
        assert reader.locator("svg.chart").first.is_visible()
        # nothing runs off the side: wide parts (charts, the table) scroll in their own box
        overflow = reader.evaluate("document.scrollingElement.scrollWidth - innerWidth")
        assert overflow <= 0, (width, overflow)
        context.close()
