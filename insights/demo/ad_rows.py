"""Ad-level insight rows of the demo, split from the campaign rows it already serves so
that every figure of the ads adds up exactly (to the cent) to its campaign's.

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
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from insights.demo.ad_objects import ADS_PER_AD_SET, ad_id, ad_name, ad_set_name

DELIVERY = ("spend", "impressions", "reach")
RESULTS = ("clicks", "inline_link_clicks")
CENT_KEYS = frozenset({"spend"})
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
    figures add up to the campaign's (reach is each ad set's own, so it does not add up)."""
    parts: list[dict[str, Any]] = [dict(row), dict(row)]
    for i, part in enumerate(parts):
        part["adset_id"] = f"{row['campaign_id']}{i + 1:02d}"
        part["adset_name"] = ad_set_name(i)
    for key in ("impressions", "clicks", "inline_link_clicks"):
        parts[0][key], parts[1][key] = _halves(row[key])
    parts[0]["spend"], parts[1]["spend"] = _halves(row["spend"], cents=True)
    for key in ("actions", "action_values"):
        if key not in row:
            continue
        split = [
            (item["action_type"], _halves(item["value"], cents=key == "action_values"))
            for item in row[key]
        ]
        for i, part in enumerate(parts):
            part[key] = [{"action_type": t, "value": v[i]} for t, v in split]
    return parts


def ad_shares(adset_id: str) -> tuple[float, float]:
    """(delivery, results) share of an ad set's first ad, from the ad set's id."""
    h = _hash(adset_id)
    delivery = 0.55 + (h[0] % 20) / 100
    return delivery, min(0.9, max(0.1, delivery + (h[1] % 21 - 10) / 100))


def _units(value: str, cents: bool) -> int:
    if not cents:
        return int(value)
    whole, dot, part = value.partition(".")
    if dot and len(part) == 2 and whole.isdigit() and part.isdigit():
        return int(whole + part)  # the usual "12.34": no Decimal needed
    return int(round(Decimal(value) * 100))


def _text(units: int, cents: bool) -> str:
    if not cents:
        return str(units)
    sign, units = ("-", -units) if units < 0 else ("", units)
    return f"{sign}{units // 100}.{units % 100:02d}"


def allocate(units: int, weights: Sequence[float]) -> list[int]:
    """`units` split in whole parts proportional to `weights` that add up exactly (largest
    remainder; ties go to the earlier part)."""
    return _allocate(units, _scale(weights))


def _scale(weights: Sequence[float]) -> tuple[list[int], int]:
    scaled = [max(0, round(w * 1_000_000)) for w in weights]  # integers: the sum is exact
    return scaled, sum(scaled)


def _allocate(units: int, weights: tuple[list[int], int]) -> list[int]:
    scaled, total = weights
    if len(scaled) == 2:  # the common case, without sorting
        first, rest = divmod(units * scaled[0], total)
        if rest * 2 >= total and first < units:
            first += 1
        return [first, units - first]
    parts = [units * w // total for w in scaled]
    order = sorted(range(len(scaled)), key=lambda i: (-(units * scaled[i] % total), i))
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return parts


def _split(row: Mapping[str, Any], key: str, weights: tuple[list[int], int]) -> list[str] | None:
    if key not in row:
        return None
    cents = key in CENT_KEYS
    return [_text(p, cents) for p in _allocate(_units(row[key], cents), weights)]


def _empty(row: Mapping[str, Any]) -> bool:
    numbers = [row.get(k) for k in (*DELIVERY, *RESULTS) if k in row]
    for key in ("actions", "action_values"):
        numbers.extend(item["value"] for item in row.get(key) or ())
    return all(str(n) in ("0", "0.00") or Decimal(str(n)) == 0 for n in numbers)


def _without_zero_actions(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("actions", "action_values"):
        if key in row:
            kept = [a for a in row[key] if Decimal(a["value"]) != 0]
            if kept:
                row[key] = kept
            else:
                del row[key]
    return row


def split_row(
    row: Mapping[str, Any], delivery: Sequence[float], results: Sequence[float]
) -> list[dict[str, Any]]:
    """A row split in parts by the two sets of weights (every number adds up exactly)."""
    parts: list[dict[str, Any]] = [dict(row) for _ in delivery]
    by_delivery, by_results = _scale(delivery), _scale(results)
    for keys, weights in ((DELIVERY, by_delivery), (RESULTS, by_results)):
        for key in keys:
            values = _split(row, key, weights)
            if values is not None:
                for part, value in zip(parts, values, strict=True):
                    part[key] = value
    counts: dict[str, list[int]] = {}
    for key in ("actions", "action_values"):
        if key not in row:
            continue
        cents = key == "action_values"
        split = []
        for item in row[key]:
            # a value goes where its conversions went (no value without a purchase)
            paid = counts.get(item["action_type"]) if cents else None
            shares = _scale(paid) if paid and sum(paid) else by_results
            units = _allocate(_units(item["value"], cents), shares)
            if not cents:
                counts[item["action_type"]] = units
            split.append((item["action_type"], units))
        for i, part in enumerate(parts):
            part[key] = [{"action_type": t, "value": _text(v[i], cents)} for t, v in split]
    return [_without_zero_actions(p) for p in parts]


def ad_rows(
    ad_set_parts: Sequence[Mapping[str, Any]], campaign_reach: str | None
) -> list[dict[str, Any]]:
    """The ads' rows of one campaign row, from its ad set rows (ads.ad_set_rows): every ad,
    even one without delivery (the caller leaves those out). The campaign's reach is split
    over the ads (an ad set row repeats the campaign's reach)."""
    out: list[dict[str, Any]] = []
    reach_sets = (
        allocate(int(campaign_reach), [1.0] * len(ad_set_parts)) if campaign_reach else None
    )
    for s, part in enumerate(ad_set_parts):
        delivery, results = ad_shares(part["adset_id"])
        source = dict(part)
        if reach_sets is not None:
            source["reach"] = str(reach_sets[s])
        for a, ad in enumerate(split_row(source, (delivery, 1 - delivery), (results, 1 - results))):
            ad["ad_id"] = ad_id(part["adset_id"], a)
            ad["ad_name"] = ad_name(s, a)
            out.append(ad)
    assert len(out) == len(ad_set_parts) * ADS_PER_AD_SET
    return out


def delivered(rows: Sequence[dict[str, Any]]) -> list[int]:
    """Indexes of the rows that have some delivery (Meta omits the others)."""
    return [i for i, row in enumerate(rows) if not _empty(row)]


def _add(total: dict[str, Any], row: Mapping[str, Any]) -> None:
    for key in (*DELIVERY, *RESULTS):
        if key in row:
            cents = key in CENT_KEYS
            total[key] = total.get(key, 0) + _units(row[key], cents)
    for key in ("actions", "action_values"):
        bucket = total.setdefault(key, {})
        for item in row.get(key) or ():
            units = _units(item["value"], key == "action_values")
            bucket[item["action_type"]] = bucket.get(item["action_type"], 0) + units


def placement_rows(ad_rows_of_day: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One campaign-day's ads by placement, from their rows by age x gender (all of that
    campaign and day): each ad's day total spread over the placements, no-delivery rows
    left out."""
    totals: dict[str, dict[str, Any]] = {}
    heads: dict[str, dict[str, Any]] = {}
    for row in ad_rows_of_day:
        _add(totals.setdefault(row["ad_id"], {}), row)
        heads.setdefault(
            row["ad_id"],
            {k: v for k, v in row.items() if k not in (*DELIVERY, *RESULTS, "age", "gender")},
        )
    out: list[dict[str, Any]] = []
    for ad, total in totals.items():
        tilt = _hash(ad)
        delivery = [p[3] * (0.8 + tilt[i] % 40 / 100) for i, p in enumerate(PLACEMENTS)]
        results = [d * p[4] for d, p in zip(delivery, PLACEMENTS, strict=True)]
        base = dict(heads[ad])
        base.pop("actions", None)
        base.pop("action_values", None)
        for key in (*DELIVERY, *RESULTS):
            if key in total:
                base[key] = _text(total[key], key in CENT_KEYS)
        for key in ("actions", "action_values"):
            if total.get(key):
                cents = key == "action_values"
                base[key] = [
                    {"action_type": t, "value": _text(v, cents)} for t, v in total[key].items()
                ]
        for part, place in zip(split_row(base, delivery, results), PLACEMENTS, strict=True):
            part.update(zip(PLACEMENT_KEYS, place[:3], strict=True))
            if not _empty(part):
                out.append(part)
    return out
