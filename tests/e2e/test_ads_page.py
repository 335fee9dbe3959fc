"""The Ads page as a media buyer uses it in a real browser: hop there from the menu, pick a
campaign and then an ad set (the link keeps both), download the ads table, see the creatives'
pictures drawn from the store."""

from __future__ import annotations

import csv
import io

import duckdb

from tests.e2e.conftest import RunningApp, screenshot_dir
from tests.e2e.grid import TOTALS, campaign_rows
from tests.e2e.test_browser import SETTLE_MS, _no_exception, _pick, _settled


def _names(rows: list[dict[str, str]], key: str) -> list[str]:
    return [r[key] for r in rows]


def test_drill_from_a_campaign_to_its_ads_and_download_them(
    page, demo_app: RunningApp, demo_store_file, tmp_path
):
    with duckdb.connect(str(demo_store_file), read_only=True) as con:
        campaign_id, campaign = con.execute(
            "SELECT campaign_id, name FROM ad_campaigns WHERE campaign_id IN "
            "(SELECT campaign_id FROM ad_sets) ORDER BY campaign_id LIMIT 1"
        ).fetchone()
        adsets = dict(
            con.execute(
                "SELECT adset_id, name FROM ad_sets WHERE campaign_id = ?", [campaign_id]
            ).fetchall()
        )
        ads = con.execute(
            "SELECT adset_id, name FROM ads WHERE campaign_id = ?", [campaign_id]
        ).fetchall()
    page.goto(f"{demo_app.url}/?range=last_90")
    page.wait_for_selector("[data-testid='stMetric']", timeout=SETTLE_MS)
    page.get_by_role("link", name="Ads").click()  # the page hop a person makes
    page.wait_for_url("**/ads**", timeout=SETTLE_MS)
    _settled(page)
    _no_exception(page)
    assert "range=last_90" in page.url  # the filters came along
    _pick(page, "Drill into campaign", campaign)
    assert f"campaign={campaign_id}" in page.url
    rows = campaign_rows(page, until=lambda r: len(r) == len(adsets))
    assert sorted(_names(rows, "adset_name")) == sorted(adsets.values())
    assert set(_names(rows, "campaign_name")) == {campaign}
    adset_id, adset = next(iter(adsets.items()))
    _pick(page, "Drill into ad set", adset)
    assert f"adset={adset_id}" in page.url
    mine = sorted(name for owner, name in ads if owner == adset_id)
    rows = campaign_rows(page, until=lambda r: sorted(_names(r, "ad_name")) == mine)
    assert sorted(_names(rows, "ad_name")) == mine
    total = campaign_rows(page, part=TOTALS)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download ads table (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        written = list(csv.DictReader(io.StringIO(handle.read())))
    assert [r["Ad"] for r in written] == [*_names(rows, "ad_name"), *_names(total, "ad_name")]
    # a reload of the link shows the same ads
    page.reload()
    _settled(page)
    again = campaign_rows(page, until=lambda r: sorted(_names(r, "ad_name")) == mine)
    assert _names(again, "ad_name") == _names(rows, "ad_name")
    # the creatives' pictures come from the store (data URIs) and are drawn
    page.locator("img[src^='data:image/png']").first.wait_for(timeout=SETTLE_MS)
    drawn = page.evaluate(
        "() => [...document.querySelectorAll(\"img[src^='data:image/png']\")]"
        ".map(i => i.complete && i.naturalWidth > 0)"
    )
    assert drawn and all(drawn) and len(drawn) == len(mine)
    page.set_viewport_size({"width": 1280, "height": 3200})
    page.screenshot(path=str(screenshot_dir(tmp_path) / "ads.png"), full_page=True)
