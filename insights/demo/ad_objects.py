"""The demo brand's ad sets, ads and creatives, as the Marketing API lists them.

Every campaign has two ad sets and every ad set two ads, each ad with its own creative. They
are derived from the campaign rows alone (no random draws), so the bundled data set does not
change and `insights demo-data` writes the creatives' thumbnails byte for byte.

Modelled from Meta's Marketing API reference (Ad Set, Ad, Ad Creative):
- ids and names; `status` is the object's own setting, `effective_status` what it is in fact:
  the ad set of a paused campaign is CAMPAIGN_PAUSED, the children of an archived or deleted
  campaign are archived or deleted with it;
- `daily_budget` / `lifetime_budget` are strings in the currency's minor unit with Meta's
  offset (100 for USD and EUR: "6000" is 60.00; 1 for JPY and the other offset-1 currencies,
  Meta's "Currencies" page). An ad set of a campaign with a lifetime budget (Advantage
  campaign budget) has no budget of its own; the ad sets of a daily-budget campaign share it;
- `targeting` is Meta's targeting spec, `attribution_spec` a list of
  {event_type, window_days} (Ad Set reference);
- a creative's `thumbnail_url` is a CDN address (here the demo server's own /cdn path),
  `object_story_spec` holds `link_data` or `video_data` with the call to action, `url_tags`
  the query string Meta appends to the destination URL (dynamic {{...}} parameters allowed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

AD_SETS_PER_CAMPAIGN = 2
ADS_PER_AD_SET = 2
PAGE_ID = "104000000000001"
THUMBNAIL_PATH = "cdn/v/t45.1600-4"  # where the demo server serves thumbnails

# Meta's optimization goal and billing event for each campaign objective (Ad Set reference,
# "Validation best practices": the goals each objective accepts)
GOALS = {
    "OUTCOME_SALES": ("OFFSITE_CONVERSIONS", "IMPRESSIONS"),
    "OUTCOME_LEADS": ("LEAD_GENERATION", "IMPRESSIONS"),
    "OUTCOME_TRAFFIC": ("LINK_CLICKS", "LINK_CLICKS"),
    "OUTCOME_AWARENESS": ("REACH", "IMPRESSIONS"),
    "OUTCOME_ENGAGEMENT": ("POST_ENGAGEMENT", "IMPRESSIONS"),
}
CALL_TO_ACTION = {
    "OUTCOME_SALES": "SHOP_NOW",
    "OUTCOME_LEADS": "SIGN_UP",
    "OUTCOME_TRAFFIC": "LEARN_MORE",
    "OUTCOME_AWARENESS": "LEARN_MORE",
    "OUTCOME_ENGAGEMENT": "WATCH_MORE",
}
# the two audiences of each campaign: (name, interests or None for Advantage+ audience)
AUDIENCES = (
    ("Advantage+ audience", None),
    ("Interests – hiking & camping", (("6003384248805", "Hiking"), ("6003012317397", "Camping"))),
)
# each ad set's two ads: (name, format, title, body)
CONCEPTS = (
    ("Carousel – best sellers", "link", "Gear that goes the distance", "Tested on real trails."),
    ("Video – tested on the trail", "video", "Made for wet ridges", "Watch it survive a storm."),
    ("Image – product close-up", "link", "Every seam taped", "Built to last a decade."),
    ("Reel – team on the trail", "video", "Out there with us", "A weekend with our team."),
)
STANDARD_ATTRIBUTION = (
    {"event_type": "CLICK_THROUGH", "window_days": 7},
    {"event_type": "VIEW_THROUGH", "window_days": 1},
)
ONE_DAY_CLICK = ({"event_type": "CLICK_THROUGH", "window_days": 1},)
COUNTRIES = {"USD": "US", "EUR": "DE"}


def ad_set_id(campaign_id: str, index: int) -> str:
    return f"{campaign_id}{index + 1:02d}"


def ad_id(adset_id: str, index: int) -> str:
    return f"{adset_id}{index + 1:02d}"


def creative_id(ad: str) -> str:
    return "5" + ad[1:]  # another number space than the ads', the same length


def ad_set_name(index: int) -> str:
    return AUDIENCES[index][0]


def ad_name(adset_index: int, index: int) -> str:
    return CONCEPTS[adset_index * ADS_PER_AD_SET + index][0]


def thumbnail_seed(creative: str) -> str:
    return f"creative:{creative}"


def _share(campaign_id: str, index: int, units: int) -> int:
    """The first ad set's part of a budget: 55% to 70%, from the campaign's id."""
    pct = 55 + hashlib.sha256(campaign_id.encode()).digest()[0] % 16
    first = units * pct // 100
    return first if index == 0 else units - first


def _statuses(campaign_status: str) -> tuple[str, str]:
    """(status, effective_status) of a child of a campaign in that status."""
    if campaign_status in ("ARCHIVED", "DELETED"):
        return campaign_status, campaign_status
    if campaign_status == "PAUSED":
        return "ACTIVE", "CAMPAIGN_PAUSED"
    return "ACTIVE", "ACTIVE"


@dataclass(frozen=True)
class Catalogue:
    """The ad sets, ads and creatives of every campaign, in the API's shapes."""

    ad_sets: dict[str, list[dict[str, Any]]]  # ad account -> ad sets
    ads: dict[str, list[dict[str, Any]]]  # ad account -> ads (each with its creative)
    creatives: dict[str, dict[str, Any]]  # creative id -> creative


def catalogue(
    campaigns: Iterable[Mapping[str, Any]],
    currencies: Mapping[str, str],
    base_url: str = "",
    mixed_attribution: Iterable[str] = (),
) -> Catalogue:
    """Ad sets, ads and creatives from the campaign rows of the data set (ad_campaigns.csv):
    `currencies` maps an ad account to its currency, `base_url` is the server the thumbnail
    URLs point at, `mixed_attribution` the campaigns whose ad sets differ in attribution
    setting (their second ad set counts 1-day clicks only)."""
    mixed = set(mixed_attribution)
    ad_sets: dict[str, list[dict[str, Any]]] = {}
    ads: dict[str, list[dict[str, Any]]] = {}
    creatives: dict[str, dict[str, Any]] = {}
    for row in campaigns:
        account, cid, objective = row["ad_account_id"], row["campaign_id"], row["objective"]
        status, effective = _statuses(str(row["status"]))
        goal, billing = GOALS.get(objective, ("IMPRESSIONS", "IMPRESSIONS"))
        country = COUNTRIES.get(currencies.get(account, ""), "US")
        for s in range(AD_SETS_PER_CAMPAIGN):
            sid = ad_set_id(cid, s)
            name, interests = AUDIENCES[s]
            targeting: dict[str, Any] = {
                "age_min": 18,
                "age_max": 65,
                "geo_locations": {"countries": [country], "location_types": ["home", "recent"]},
                "publisher_platforms": ["facebook", "instagram", "audience_network"],
            }
            if interests:
                targeting["flexible_spec"] = [
                    {"interests": [{"id": i, "name": n} for i, n in interests]}
                ]
            else:
                targeting["targeting_automation"] = {"advantage_audience": 1}
            ad_set: dict[str, Any] = {
                "id": sid,
                "account_id": account,
                "campaign_id": cid,
                "name": name,
                "status": status,
                "effective_status": effective,
                "optimization_goal": goal,
                "billing_event": billing,
                "targeting": targeting,
                "attribution_spec": [
                    dict(a) for a in (ONE_DAY_CLICK if cid in mixed and s else STANDARD_ATTRIBUTION)
                ],
                "start_time": row["start_time"],
            }
            if row.get("stop_time"):
                ad_set["end_time"] = row["stop_time"]
            if row.get("daily_budget"):
                ad_set["daily_budget"] = str(_share(cid, s, int(row["daily_budget"])))
            ad_sets.setdefault(account, []).append(ad_set)
            for a in range(ADS_PER_AD_SET):
                aid = ad_id(sid, a)
                crid = creative_id(aid)
                creative = _creative(crid, row, s * ADS_PER_AD_SET + a, base_url)
                creatives[crid] = creative
                ads.setdefault(account, []).append(
                    {
                        "id": aid,
                        "account_id": account,
                        "adset_id": sid,
                        "campaign_id": cid,
                        "name": ad_name(s, a),
                        "status": status,
                        "effective_status": effective,
                        "creative": creative,
                        "created_time": row["start_time"],
                    }
                )
    return Catalogue(ad_sets, ads, creatives)


def _creative(
    crid: str, campaign: Mapping[str, Any], concept: int, base_url: str
) -> dict[str, Any]:
    name, kind, title, body = CONCEPTS[concept]
    slug = "".join(ch if ch.isalnum() else "-" for ch in str(campaign["name"]).lower()).strip("-")
    link = f"https://northwind.example/{slug[:40].strip('-')}"
    cta = {
        "type": CALL_TO_ACTION.get(str(campaign["objective"]), "LEARN_MORE"),
        "value": {"link": link},
    }
    thumbnail = f"{base_url}/{THUMBNAIL_PATH}/{crid}_n.png"
    if kind == "video":
        spec = {
            "page_id": PAGE_ID,
            "video_data": {
                "video_id": "7" + crid[1:],
                "title": title,
                "message": body,
                "image_url": thumbnail,
                "call_to_action": cta,
            },
        }
    else:
        spec = {
            "page_id": PAGE_ID,
            "link_data": {"link": link, "name": title, "message": body, "call_to_action": cta},
        }
    return {
        "id": crid,
        "name": f"{campaign['name']} – {name}",
        "title": title,
        "body": body,
        "thumbnail_url": thumbnail,
        "object_story_spec": spec,
        "url_tags": (
            "utm_source=meta&utm_medium=paid_social&utm_campaign={{campaign.name}}"
            "&utm_content={{ad.name}}"
        ),
    }


def creative_ids(campaigns: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every creative of the campaigns (what the bundled thumbnails are named after)."""
    return sorted(catalogue(campaigns, {}).creatives)
