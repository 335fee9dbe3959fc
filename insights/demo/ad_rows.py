"""How the demo's ad-level insight rows are split from the campaign rows it already serves,
so that every figure of the ads adds up exactly (to the cent) to its campaign's (ad_table.py
does the arithmetic for the whole data set at once).

- By age x gender: each campaign row (day x age x gender) becomes its ad sets' two rows
  (ads.ad_set_rows) and each of those its two ads' rows; spend, impressions and reach follow
  the ad's share of delivery, clicks and actions its share of results, so ads differ in CTR
  and cost per result. Reach is split too, so the ads' reach adds up to the campaign's (each
  ad reaches its own people in the demo).
- By placement (publisher_platform x platform_position x impression_device): Meta serves it
  in a separate query (GRAPH_API.md, Ads: age and gender cannot be combined with placement
  breakdowns). Each ad's day total (the sum of its age x gender rows) is spread over the
  placements with exact integer shares (largest remainder).
- Rows with no delivery are omitted, as Meta omits them; a row is only left out when every
  number in it is zero, so the sums never change.

One ad tires (issue 18, the Creatives page's fatigue signal): "Video – tested on the trail" in
the Advantage+ audience ad set of "Prospecting – Broad audience" (TIRING_AD). Over the last
TIRING_DAYS days of the data set (30 days up to world.LAST_DAY) it keeps its share of its ad
set's spend and impressions while its share of the reach falls, so that the people it reaches
see it more often (its average daily frequency is lifted day by day, up to TIRING_FREQUENCY
times its ad set's on the last day), and its share of the clicks and actions falls, so that
its CTR sinks to TIRING_RESULTS times what it was. The other ad of the ad set takes what it
loses (its frequency falls, never below one: no ad reaches more people than it has
impressions), so every ad set's and campaign's figures stay exactly as they were. Every other
ad keeps constant shares: its weeks differ by its campaign's noise alone. Measured over the
four weeks up to the last day: its frequency goes from 1.5 to 2.1 a day and its CTR from 1.08%
to 0.66%, on some 19,000 impressions a week.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from insights.demo.ad_objects import ad_id, ad_set_id, ad_set_name
from insights.demo.world import LAST_DAY

# Meta's breakdown values (Ads Insights, Breakdowns): publisher_platform, platform_position,
# impression_device; with a share of delivery and a click-rate lift each
PLACEMENTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("facebook", "feed", "desktop", 0.09, 1.25),
    ("facebook", "feed", "android_smartphone", 0.13, 1.0),
    ("facebook", "feed", "iphone", 0.10, 1.05),
    ("facebook", "facebook_reels", "android_smartphone", 0.06, 0.7),
    ("facebook", "facebook_stories", "iphone", 0.05, 0.8),
    ("instagram", "feed", "iphone", 0.17, 1.1),
    ("instagram", "feed", "android_smartphone", 0.09, 1.0),
    ("instagram", "instagram_stories", "iphone", 0.12, 0.85),
    ("instagram", "instagram_reels", "iphone", 0.14, 0.9),
    ("audience_network", "an_classic", "android_smartphone", 0.05, 0.55),
)
PLACEMENT_KEYS = ("publisher_platform", "platform_position", "impression_device")


def _hash(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _halves(value: str, cents: bool = False) -> tuple[str, str]:
    """A number sent as a string, split in two parts that add up exactly."""
    units = round(Decimal(value) * 100) if cents else int(value)
    first = units - units // 2
    parts = (first, units // 2)
    if cents:
        return tuple(f"{Decimal(p) / 100:.2f}" for p in parts)  # type: ignore[return-value]
    return str(parts[0]), str(parts[1])


def ad_set_rows(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A campaign row as the ad set level shows it: the campaign's two ad sets, whose
    figures add up to the campaign's. Reach is split too, as the ads' is (each ad set
    reaches its own people in the demo), so an ad set's reach is its ads' reach."""
    parts: list[dict[str, Any]] = [dict(row), dict(row)]
    for i, part in enumerate(parts):
        part["adset_id"] = f"{row['campaign_id']}{i + 1:02d}"
        part["adset_name"] = ad_set_name(i)
    for key in ("impressions", "reach", "clicks", "inline_link_clicks"):
        if key in row:
            parts[0][key], parts[1][key] = _halves(row[key])
    parts[0]["spend"], parts[1]["spend"] = _halves(row["spend"], cents=True)
    counts = {a["action_type"]: int(a["value"]) for a in row.get("actions") or ()}
    for key in ("actions", "action_values"):
        if key not in row:
            continue
        split = []
        for item in row[key]:
            count = counts.get(item["action_type"], 0)
            if key == "action_values" and count:
                split.append((item["action_type"], _with_count(item["value"], count)))
            else:
                split.append((item["action_type"], _halves(item["value"], key == "action_values")))
        for i, part in enumerate(parts):
            part[key] = [{"action_type": t, "value": v[i]} for t, v in split]
    return parts


def _with_count(value: str, count: int) -> tuple[str, str]:
    """A value split as its conversions are (halves, the odd one to the first ad set): no
    ad set has a purchase value without a purchase."""
    units = round(Decimal(value) * 100)
    first_count = count - count // 2
    first, rest = divmod(units * first_count, count)
    first += rest * 2 >= count and first < units
    return tuple(f"{Decimal(p) / 100:.2f}" for p in (first, units - first))  # type: ignore[return-value]


def ad_shares(adset_id: str) -> tuple[float, float]:
    """(delivery, results) share of an ad set's first ad, from the ad set's id."""
    h = _hash(adset_id)
    delivery = 0.55 + (h[0] % 20) / 100
    return delivery, min(0.9, max(0.1, delivery + (h[1] % 21 - 10) / 100))


# the planted tiring ad (see the module docstring): its ad set, its index in it, and how far
# and how fast it tires
TIRING_AD_SET = ad_set_id("120200000000000001", 0)  # Prospecting – Broad audience, Advantage+
TIRING_INDEX = 1  # the ad set's second ad: "Video – tested on the trail"
TIRING_AD = ad_id(TIRING_AD_SET, TIRING_INDEX)
TIRING_DAYS = 30  # it tires over the data set's last 30 days
TIRING_FREQUENCY = 2.0  # its frequency relative to its ad set's, on the last day
TIRING_RESULTS = 0.55  # its share of clicks and actions relative to before, on the last day


def tiring(day: str) -> float:
    """How far the tiring ad has tired on `day` (ISO date): 0 before its last TIRING_DAYS
    days, rising in equal daily steps to 1 on the data set's last day."""
    left = (LAST_DAY - date.fromisoformat(day[:10])).days
    if left < 0 or left >= TIRING_DAYS:
        return 0.0
    return (TIRING_DAYS - left) / TIRING_DAYS


def placement_shares(ad: str) -> tuple[list[float], list[float]]:
    """(delivery, results) shares of an ad's placements: the placements' own, tilted per ad
    (from its id) so that ads differ in where they deliver."""
    tilt = _hash(ad)
    delivery = [p[3] * (0.8 + tilt[i] % 40 / 100) for i, p in enumerate(PLACEMENTS)]
    results = [d * p[4] for d, p in zip(delivery, PLACEMENTS, strict=True)]
    return delivery, results
