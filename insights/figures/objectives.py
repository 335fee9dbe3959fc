"""What a result is for each campaign objective, defined once.

Ads Manager judges every campaign on the result its objective seeks (its "Results" and "Cost
per result" columns): purchases for a sales campaign, leads for lead generation, link clicks for
traffic, reach for awareness, ThruPlays for video views. A lead campaign judged on purchases is
judged wrongly, so each campaign carries its result type (`ad_campaigns.result_type`) and each
insight row the count of that result (`ad_insights_daily.results`).

Where a result comes from in an insights row (Marketing API, Ads Insights reference):
- `action`: one entry of `actions` (never the sum of look-alike types, which double counts);
  the purchase type is the ad account's own setting, the others are fixed here.
- `field`: a plain insights field (`inline_link_clicks`, `reach`).
- `video`: an entry of `video_thruplay_watched_actions` (action type `video_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Source = Literal["action", "field", "video"]


@dataclass(frozen=True)
class ResultType:
    """One kind of result: its stored key, how it is named, and where a row holds it."""

    key: str
    label: str  # the column heading: "Purchases"
    singular: str  # "purchase", as in "Cost per purchase"
    source: Source
    name: str | None  # the action type or field; None: the ad account's purchase type
    additive: bool = True  # False for reach: a sum of daily reach overstates the period's


RESULT_TYPES: dict[str, ResultType] = {
    r.key: r
    for r in (
        ResultType("purchase", "Purchases", "purchase", "action", None),
        ResultType("lead", "Leads", "lead", "action", "lead"),
        ResultType("link_click", "Link clicks", "link click", "field", "inline_link_clicks"),
        ResultType("reach", "Reach", "person reached", "field", "reach", additive=False),
        ResultType("thruplay", "ThruPlays", "ThruPlay", "video", "video_view"),
        ResultType(
            "post_engagement", "Post engagements", "engagement", "action", "post_engagement"
        ),
        ResultType("app_install", "App installs", "install", "action", "mobile_app_install"),
        ResultType(
            "conversation",
            "Conversations started",
            "conversation",
            "action",
            "onsite_conversion.messaging_conversation_started_7d",
        ),
        ResultType("page_like", "Page likes", "page like", "action", "like"),
    )
}

# Campaign objectives (the ODAX OUTCOME_* ones and the legacy names older campaigns keep)
# -> the result Ads Manager shows for them by default.
OBJECTIVE_RESULTS: dict[str, str] = {
    "OUTCOME_SALES": "purchase",
    "CONVERSIONS": "purchase",
    "PRODUCT_CATALOG_SALES": "purchase",
    "OUTCOME_LEADS": "lead",
    "LEAD_GENERATION": "lead",
    "OUTCOME_TRAFFIC": "link_click",
    "LINK_CLICKS": "link_click",
    "OUTCOME_AWARENESS": "reach",
    "REACH": "reach",
    "BRAND_AWARENESS": "reach",
    "VIDEO_VIEWS": "thruplay",
    "OUTCOME_ENGAGEMENT": "post_engagement",
    "POST_ENGAGEMENT": "post_engagement",
    "OUTCOME_APP_PROMOTION": "app_install",
    "APP_INSTALLS": "app_install",
    "MESSAGES": "conversation",
    "PAGE_LIKES": "page_like",
}


def result_type_for(objective: str | None) -> ResultType | None:
    """The result a campaign of this objective is judged on; None for an unknown objective."""
    key = OBJECTIVE_RESULTS.get(str(objective or "").upper())
    return RESULT_TYPES[key] if key else None
