"""The trend chart and the content advice as a person sees them: the toolbar clear of the
legend, and "What to post next" filled at the default range."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot_dir
from tests.e2e.test_browser import SETTLE_MS, _no_exception, _settled


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("size", [(1280, 720), (1440, 900)])
def test_the_chart_toolbar_does_not_cover_the_legend(page, demo_app, tmp_path, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{demo_app.url}/?range=last_28&paid_metric=conversions")
    # the trend (the followers' chart stands above it, in its expander)
    chart = page.locator("[data-testid='stPlotlyChart']").filter(has_text="Paid: ").first
    chart.wait_for(timeout=SETTLE_MS)
    _settled(page)
    _no_exception(page)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)  # shows the bar
    toolbar = chart.locator(".modebar").first
    toolbar.wait_for(state="visible", timeout=SETTLE_MS)
    legend = chart.locator(".legend").first
    toolbar_box, legend_box = toolbar.bounding_box(), legend.bounding_box()
    assert toolbar_box is not None and legend_box is not None
    assert not _overlap(toolbar_box, legend_box)
    page.screenshot(path=str(screenshot_dir(tmp_path) / f"trend_{size[0]}.png"))


def test_what_to_post_next_is_filled_at_the_default_range(page, demo_app):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{demo_app.url}/content")
    heading = page.get_by_role("heading", name="What to post next")
    heading.wait_for(timeout=SETTLE_MS)
    _settled(page)
    _no_exception(page)
    assert "range=last_28" in page.url  # the default view
    heading.scroll_into_view_if_needed()
    # the advice table and its download are drawn only when something is recommended (waited
    # for: on a busy machine the lower sections arrive after the first settle check)
    button = page.get_by_role("button", name="Download recommendations (CSV)")
    button.first.wait_for(timeout=SETTLE_MS)
    assert button.count() == 1
    assert page.get_by_text("are needed to recommend anything").count() == 0
    assert page.get_by_text("beats the account's own rate").count() == 0
    section = page.locator("[data-testid='stVerticalBlock']").filter(has=heading).last
    assert section.get_by_text("Judged on the posts of the 180 days").count() == 1
