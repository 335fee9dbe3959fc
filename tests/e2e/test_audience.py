"""The Campaigns page's age x gender heatmap in a real browser: n in every cell, thin cells
blank, the best cell named only among the cells shown (figures from pandas over the demo
files)."""

from __future__ import annotations

from tests.e2e.conftest import RunningApp, screenshot_dir
from tests.e2e.test_browser import SETTLE_MS, _no_exception, _settled
from tests.test_app_campaigns import audience_cells, best_of


def test_the_audience_heatmap_names_no_thin_cell_best(
    page, fresh_app: RunningApp, raw, demo_range, tmp_path
):
    picked, cells = audience_cells(raw, demo_range)
    page.goto(f"{fresh_app.url}/campaigns?pick={','.join(picked)}")
    sentence = page.locator("[data-testid='stMarkdown']").filter(has_text="Best cell:")
    sentence.first.wait_for(timeout=240_000)  # a first start loads the demo first
    _settled(page)
    sentence.first.scroll_into_view_if_needed()
    chart = page.locator(".js-plotly-plot").filter(has_text="CPA by age group and gender")
    chart.locator(".main-svg").first.wait_for(timeout=SETTLE_MS)
    drawn = chart.first.text_content() or ""
    for (age, gender), row in cells.iterrows():
        assert f"n={row['purchases']:,}" in drawn, (age, gender)
    gender, age, cpa, purchases = best_of(cells, 10)
    said = sentence.first.inner_text()
    assert f"{gender.capitalize()}, {age}" in said and f"${cpa:,} over {purchases:,}" in said
    page.screenshot(path=str(screenshot_dir(tmp_path) / "audience.png"))
    # a minimum of one purchase: the thin cell that is cheapest is named now
    box = page.get_by_label("Fewest purchases per cell", exact=True)
    box.fill("1")
    box.press("Enter")
    gender, age, cpa, _ = best_of(cells, 1)
    page.locator("[data-testid='stMarkdown']").filter(has_text=f"${cpa:,}").first.wait_for(
        timeout=SETTLE_MS
    )
    _settled(page)
    assert f"{gender.capitalize()}, {age}" in sentence.first.inner_text()
    _no_exception(page)
