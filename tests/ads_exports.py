"""Generated Ads Manager exports for the import tests: the rows, the file as Ads Manager
writes it (in any encoding and number style), and the checks of what a store holds."""

from __future__ import annotations

import codecs
import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd

from insights.store.database import DATA_TABLES, ROLLUPS, Store

HEADER = [
    "Reporting starts",
    "Reporting ends",
    "Campaign name",
    "Day",
    "Age",
    "Gender",
    "Amount spent (EUR)",
    "Impressions",
    "Reach",
    "Link clicks",
    "Results",
    "Result indicator",
    "Purchases",
    "Purchases conversion value",
    "Extra column",
]


def ads_rows(seed: int = 1, days: int = 5) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for campaign in ("Spring sale", "Retargeting – 30 days", 'Brand, "awareness"'):
        for d in range(days):
            for age in ("18-24", "25-34"):
                for gender in ("female", "male"):
                    purchases = rng.randrange(0, 30)
                    rows.append(
                        {
                            "campaign": campaign,
                            "day": date(2025, 5, 1) + timedelta(days=d),
                            "age": age,
                            "gender": gender,
                            "spend": Decimal(rng.randrange(0, 500_000)) / 100,
                            "impressions": rng.randrange(1000, 2_000_000),
                            "reach": rng.randrange(500, 900),
                            "link_clicks": rng.randrange(0, 5000),
                            "purchases": purchases,
                            "value": Decimal(rng.randrange(0, 900_000)) / 100,
                        }
                    )
    return rows


def write_ads(
    path: Path,
    rows: list[dict[str, object]],
    *,
    delimiter: str = ",",
    decimal_comma: bool = False,
    thousands: bool = False,
    encoding: str = "utf-8",
    totals: bool = True,
) -> Path:
    def number(value: object) -> str:
        if isinstance(value, Decimal):
            text = f"{value:,.2f}" if thousands else f"{value:.2f}"
        else:
            text = f"{value:,}" if thousands else str(value)
        if decimal_comma:
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    first, last = min(r["day"] for r in rows), max(r["day"] for r in rows)
    if totals:  # Ads Manager puts the account total first, with no campaign
        spend = sum(r["spend"] for r in rows)
        writer.writerow([first, last, "", "", "", "", number(spend), *[""] * 8])
    for r in rows:
        writer.writerow(
            [
                r["day"],
                r["day"],
                r["campaign"],
                r["day"],
                r["age"],
                r["gender"],
                number(r["spend"]),
                number(r["impressions"]),
                number(r["reach"]),
                number(r["link_clicks"]),
                number(r["purchases"]),
                "actions:offsite_conversion.fb_pixel_purchase",
                number(r["purchases"]),
                number(r["value"]),
                "ignored",
            ]
        )
    text = buffer.getvalue()
    if encoding == "utf-16":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def assert_ads_match(store: Store, rows: list[dict[str, object]]) -> None:
    frame = pd.DataFrame(rows)
    expected = frame.groupby("campaign").agg(
        spend=("spend", "sum"),
        impressions=("impressions", "sum"),
        clicks=("link_clicks", "sum"),
        conversions=("purchases", "sum"),
        value=("value", "sum"),
        days=("day", "nunique"),
    )
    got = store.query(
        "SELECT c.name, sum(a.spend) AS spend, sum(a.impressions) AS impressions, "
        "sum(a.link_clicks) AS clicks, sum(a.conversions) AS conversions, "
        "sum(a.conversion_value) AS value, count(DISTINCT a.date) AS days "
        "FROM ad_insights_daily a JOIN ad_campaigns c USING (campaign_id) GROUP BY c.name"
    ).set_index("name")
    assert sorted(got.index) == sorted(expected.index)
    for name, row in expected.iterrows():
        assert Decimal(str(got.loc[name, "spend"])) == row["spend"]
        assert Decimal(str(got.loc[name, "value"])) == row["value"]
        for column in ("impressions", "clicks", "conversions", "days"):
            assert got.loc[name, column] == row[column], (name, column)


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every data table's rows, sorted: to show that a failed import changed nothing."""
    with store.cursor() as cur:
        return {
            t: sorted(map(tuple, cur.execute(f"SELECT * FROM {t}").fetchall()), key=repr)
            for t in (*DATA_TABLES, *ROLLUPS, "imports")
        }


def bad_file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def good_csv_text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for r in ads_rows(days=2):
        writer.writerow(
            [r["day"], r["day"], r["campaign"], r["day"], r["age"], r["gender"], r["spend"],
             r["impressions"], r["reach"], r["link_clicks"], r["purchases"], "", r["purchases"],
             r["value"], ""]
        )  # fmt: skip
    return buffer.getvalue()


def replace_cell(text: str, line: int, column: str, value: str) -> str:
    lines = text.splitlines()
    cells = next(csv.reader([lines[line - 1]]))
    cells[HEADER.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[line - 1] = out.getvalue()
    return "\n".join(lines) + "\n"


# -- exports by ad (issue 18) ------------------------------------------------------------------

# campaign -> ad set -> ads, by name only (Ads Manager often leaves the ids out): one ad set
# name in two campaigns and one ad name in two ad sets, which are still different objects
AD_TREE = {
    "Spring sale": {"Broad": ("Carousel A", "Video 15s"), "Lookalike 1%": ("Carousel A",)},
    "Retargeting": {"Broad": ('Static, "red"',), "Cart 7 days": ("Video 15s", "Reel")},
}
AD_HEADER = [
    "Reporting starts",
    "Reporting ends",
    "Campaign name",
    "Ad set name",
    "Ad name",
    "Day",
    "Age",
    "Gender",
    "Amount spent (USD)",
    "Impressions",
    "Link clicks",
    "Purchases",
    "Purchases conversion value",
]
# (Platform, Placement, Impression device) as Ads Manager labels them, and Meta's values
PLACEMENT_LABELS = (
    (("Facebook", "Feed", "Desktop"), ("facebook", "feed", "desktop")),
    (("Facebook", "Facebook Reels", "Android Smartphone"),
     ("facebook", "facebook_reels", "android_smartphone")),
    (("Instagram", "Feed", "iPhone"), ("instagram", "feed", "iphone")),
    (("Instagram", "Instagram Stories", "iPhone"), ("instagram", "instagram_stories", "iphone")),
    (("Instagram", "Reels", "Android Smartphone"),
     ("instagram", "instagram_reels", "android_smartphone")),
    (("Instagram", "Explore home", "iPad"), ("instagram", "instagram_explore_grid_home", "ipad")),
    (("Audience Network", "Native, banner and interstitial", "Android Smartphone"),
     ("audience_network", "an_classic", "android_smartphone")),
    (("Messenger", "Messenger Inbox", "iPhone"), ("messenger", "messenger_inbox", "iphone")),
)  # fmt: skip
PLACEMENT_KEYS_STORED = ["publisher_platform", "platform_position", "impression_device"]
PLACEMENT_HEADER = [
    "Campaign name",
    "Ad set name",
    "Ad name",
    "Day",
    "Platform",
    "Placement",
    "Impression device",
    "Amount spent (USD)",
    "Impressions",
    "Link clicks",
    "Purchases",
    "Purchases conversion value",
]


def _figures(rng: random.Random) -> dict[str, object]:
    return {
        "spend": Decimal(rng.randrange(0, 200_000)) / 100,
        "impressions": rng.randrange(100, 900_000),
        "link_clicks": rng.randrange(0, 3000),
        "purchases": rng.randrange(0, 40),
        "value": Decimal(rng.randrange(0, 500_000)) / 100,
    }


def ad_rows(seed: int = 1, days: int = 3, by: str = "age_gender") -> list[dict[str, object]]:
    """Rows of an export by ad: by day, age and gender, or by day and placement."""
    rng = random.Random(seed)
    cells: list[dict[str, object]]
    if by == "age_gender":
        cells = [{"age": a, "gender": g} for a in ("18-24", "35-44") for g in ("female", "male")]
    else:
        cells = [{"labels": labels, "values": values} for labels, values in PLACEMENT_LABELS]
    rows = []
    for campaign, ad_sets in AD_TREE.items():
        for ad_set, ads in ad_sets.items():
            for ad in ads:
                for d in range(days):
                    for cell in cells:
                        day = date(2025, 6, 1) + timedelta(days=d)
                        base = {"campaign": campaign, "adset": ad_set, "ad": ad, "day": day}
                        rows.append({**base, **cell, **_figures(rng)})
    return rows


def write_ad_export(path: Path, rows: list[dict[str, object]], by: str = "age_gender") -> Path:
    """The export as Ads Manager writes it (by placement: no age or gender, no reporting
    columns; by age and gender: with the account's totals row first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    figures = ["spend", "impressions", "link_clicks", "purchases", "value"]
    if by == "age_gender":
        writer.writerow(AD_HEADER)
        first, last = min(r["day"] for r in rows), max(r["day"] for r in rows)
        spend = sum((r["spend"] for r in rows), Decimal(0))
        writer.writerow([first, last, "", "", "", "", "", "", spend, "", "", "", ""])
        for r in rows:
            writer.writerow([r["day"], r["day"], r["campaign"], r["adset"], r["ad"], r["day"],
                             r["age"], r["gender"], *(r[f] for f in figures)])  # fmt: skip
    else:
        writer.writerow(PLACEMENT_HEADER)
        for r in rows:
            writer.writerow([r["campaign"], r["adset"], r["ad"], r["day"], *r["labels"],
                             *(r[f] for f in figures)])  # fmt: skip
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path
