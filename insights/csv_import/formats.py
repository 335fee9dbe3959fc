"""The export formats CSV import recognises: one declared table (`FIELDS`) maps the columns of
each format to the data model, and a header is matched by pattern (case, spacing, the currency
in "Amount spent (EUR)", column order and extra columns do not matter)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

KINDS = ("ads-manager", "instagram-posts")


@dataclass(frozen=True)
class Field:
    """One column of the data model and the headers that carry it in an export."""

    name: str
    kind: str  # text | int | money | day | time
    headers: tuple[str, ...]  # regular expressions over the normalised header, full match


FIELDS: dict[str, tuple[Field, ...]] = {
    "ads-manager": (
        Field("campaign_name", "text", ("campaign name", "campaign")),
        Field("campaign_id", "text", ("campaign id", "xyz_campaign_id")),
        Field("account_id", "text", ("account id", "ad account id")),
        # an export by ad set or ad (Kaggle's file: fb_campaign_id is the ad set, ad_id the ad)
        Field("adset_name", "text", ("ad set name",)),
        Field("adset_id", "text", ("ad set id", "fb_campaign_id")),
        Field("ad_name", "text", ("ad name",)),
        Field("ad_id", "text", ("ad id", "ad_id")),
        # an export by placement: Ads Manager's labels, read by insights.csv_import.placements
        Field("publisher_platform", "text", ("platform",)),
        Field("platform_position", "text", ("placement",)),
        Field("impression_device", "text", ("impression device",)),
        Field("day", "day", ("day", "date")),
        Field("reporting_starts", "day", ("reporting starts",)),
        Field("reporting_ends", "day", ("reporting ends",)),
        Field("age", "text", ("age",)),
        Field("gender", "text", ("gender",)),
        Field(
            "spend", "money", (r"amount spent \((?P<currency>[a-z]{3})\)", "amount spent", "spent")
        ),
        Field("impressions", "int", ("impressions",)),
        Field("reach", "int", ("reach",)),
        Field("clicks", "int", (r"clicks \(all\)", "clicks")),
        Field("link_clicks", "int", ("link clicks",)),
        Field("purchases", "int", ("purchases", "website purchases", "approved_conversion")),
        Field("results", "int", ("results",)),
        Field("result_indicator", "text", ("result indicator", "result type")),
        Field(
            "conversion_value",
            "money",
            ("purchases conversion value", "website purchases conversion value"),
        ),
    ),
    "instagram-posts": (
        Field("media_id", "text", ("post id", "media id", "id")),
        Field("account_id", "text", ("account id", "account username", "account")),
        Field("posted_at", "time", ("publish time", "published", "date", "timestamp")),
        Field("post_type", "text", ("post type", "media type", "type")),
        Field("permalink", "text", ("permalink", "link")),
        Field("caption", "text", ("description", "caption")),
        Field("hashtags", "text", ("hashtags",)),
        Field("reach", "int", ("reach", "accounts reached")),
        Field("views", "int", ("views", "impressions", "plays")),
        Field("like_count", "int", ("likes",)),
        Field("comments_count", "int", ("comments",)),
        Field("saved", "int", ("saves", "saved")),
        Field("shares", "int", ("shares",)),
    ),
}
# what a file must have to be read as each kind (one name of each tuple)
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "ads-manager": (("campaign_name", "campaign_id"), ("spend",), ("impressions",)),
    "instagram-posts": (("posted_at",), ("like_count", "comments_count", "reach", "views")),
}
COLUMN_LABEL = {
    "campaign_name": "Campaign name",
    "spend": "Amount spent",
    "impressions": "Impressions",
    "posted_at": "Publish time",
    "like_count": "Likes",
}


def normalise_header(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").replace("\xa0", " ").strip().lower().split())


def match_columns(kind: str, header: Sequence[str]) -> tuple[dict[str, int], str | None]:
    """Column index of each field found in `header` (first pattern that matches wins, so the
    most specific header is listed first), and the currency named in a header, if any."""
    found: dict[str, int] = {}
    currency = None
    normal = [normalise_header(h) for h in header]
    for spec in FIELDS[kind]:
        for pattern in spec.headers:
            hits = [(i, re.fullmatch(pattern, h)) for i, h in enumerate(normal)]
            hit = next(((i, m) for i, m in hits if m and i not in found.values()), None)
            if hit:
                found[spec.name] = hit[0]
                if "currency" in hit[1].groupdict():
                    currency = hit[1].group("currency").upper()
                break
    return found, currency


def detect_kind(header: Sequence[str]) -> str | None:
    for kind in KINDS:
        found, _ = match_columns(kind, header)
        if all(any(name in found for name in group) for group in REQUIRED[kind]):
            return kind
    return None


# What an export's "Result indicator" (e.g. "actions:offsite_conversion.fb_pixel_purchase",
# "actions:lead", "reach") or "Result type" ("Website purchases", "Leads", "Link clicks")
# says the campaign's result is: the result type of insights.figures.objectives. First match wins.
RESULT_INDICATORS: tuple[tuple[str, str], ...] = (
    (r"purchase", "purchase"),
    (r"lead", "lead"),
    (r"link[ _]?click", "link_click"),
    (r"thruplay|video_view|thru_play", "thruplay"),
    (r"install", "app_install"),
    (r"messaging|conversation", "conversation"),
    (r"page[ _]?like|\blike\b", "page_like"),
    (r"engagement", "post_engagement"),
    (r"reach", "reach"),
)


def result_type_of(indicator: object) -> str | None:
    """The result type a result indicator names; None when it names none we know."""
    if not isinstance(indicator, str) or not indicator.strip():
        return None
    text = indicator.strip().lower()
    return next((key for pattern, key in RESULT_INDICATORS if re.search(pattern, text)), None)
