"""Ads Manager's placement labels as Meta's breakdown values.

An export by placement names the platform ("Facebook", "Instagram"), the placement ("Feed",
"Instagram Stories", "Facebook Reels" ...) and the impression device ("iPhone", "Android
Smartphone", "Desktop") as Ads Manager shows them; the store keeps the values the Marketing
API's breakdowns publisher_platform, platform_position and impression_device take, so
imported rows and the API's rows fall in the same placements. Sources: Meta's "Insights API
Breakdowns" (developers.facebook.com/docs/marketing-api/insights/breakdowns: the placement
breakdown publisher_platform, platform_position, impression_device) and its "Get Ad
Insights" guide for Instagram ads (developers.facebook.com/documentation/ads-commerce/
instagram/ads-api/guides/get-ad-insights), whose example answers feed, instagram_explore,
instagram_reels ... for platform_position; the other values are those the API serves
(an_classic, facebook_reels, instagram_explore_grid_home, right_hand_column ...). The labels
are the placement names Ads Manager shows (Facebook Feed, Instagram Explore home, Facebook
Right Column, Audience Network Native, Banner and Interstitial ...); Meta's own values are
read too. A label that names none of them is refused with its line: counting it as another
placement would be a guess."""

from __future__ import annotations

import re

# publisher_platform
PLATFORMS: dict[str, str] = {
    "facebook": "facebook",
    "instagram": "instagram",
    "audience network": "audience_network",
    "messenger": "messenger",
    "threads": "threads",
    "unknown": "unknown",
}

# platform_position values of the Insights API's placement breakdown
POSITIONS = (
    "feed",
    "facebook_stories",
    "facebook_reels",
    "facebook_reels_overlay",
    "marketplace",
    "video_feeds",
    "right_hand_column",
    "instream_video",
    "search",
    "biz_disco_feed",
    "instagram_stories",
    "instagram_reels",
    "instagram_explore",
    "instagram_explore_grid_home",
    "instagram_profile_feed",
    "instagram_search",
    "messenger_inbox",
    "messenger_stories",
    "an_classic",
    "rewarded_video",
    "unknown",
)

# Ads Manager's placement names -> platform_position. A name without its platform ("Stories",
# "Reels") is read with the row's platform ("instagram stories").
POSITION_LABELS: dict[str, str] = {
    "feed": "feed",
    "facebook feed": "feed",
    "facebook news feed": "feed",
    "instagram feed": "feed",
    "messenger feed": "feed",
    "facebook stories": "facebook_stories",
    "facebook reels": "facebook_reels",
    "ads on facebook reels": "facebook_reels_overlay",
    "facebook reels overlay": "facebook_reels_overlay",
    "facebook marketplace": "marketplace",
    "marketplace": "marketplace",
    "facebook video feeds": "video_feeds",
    "video feeds": "video_feeds",
    "facebook right column": "right_hand_column",
    "right column": "right_hand_column",
    "facebook in-stream videos": "instream_video",
    "in-stream videos": "instream_video",
    "facebook search results": "search",
    "search results": "search",
    "facebook business explore": "biz_disco_feed",
    "instagram stories": "instagram_stories",
    "instagram reels": "instagram_reels",
    "instagram explore": "instagram_explore",
    "instagram explore home": "instagram_explore_grid_home",
    "explore home": "instagram_explore_grid_home",
    "instagram profile feed": "instagram_profile_feed",
    "instagram search results": "instagram_search",
    "messenger inbox": "messenger_inbox",
    "messenger stories": "messenger_stories",
    "audience network native, banner and interstitial": "an_classic",
    "native, banner and interstitial": "an_classic",
    "audience network rewarded videos": "rewarded_video",
    "rewarded videos": "rewarded_video",
    "unknown": "unknown",
}

# impression_device: Ads Manager writes "iPhone", "Android Smartphone", "Desktop" ...
DEVICES = (
    "desktop",
    "iphone",
    "ipad",
    "ipod",
    "android_smartphone",
    "android_tablet",
    "other",
    "unknown",
)


def _words(label: str) -> str:
    return " ".join(label.replace("&", "and").replace("_", " ").lower().split())


def platform(label: str | None) -> str | None:
    """publisher_platform of a label; "unknown" for an empty cell, None for one we do not know."""
    if label is None:
        return "unknown"
    return PLATFORMS.get(_words(label))


def position(label: str | None, publisher: str) -> str | None:
    """platform_position of a label on `publisher`'s platform; None for one we do not know."""
    if label is None:
        return "unknown"
    words = _words(label)
    if words.replace(" ", "_") in POSITIONS:  # the API's own value
        return words.replace(" ", "_")
    found = POSITION_LABELS.get(words)
    if found is None and publisher not in ("unknown", ""):
        found = POSITION_LABELS.get(f"{publisher.replace('_', ' ')} {words}")
    return found


def device(label: str | None) -> str | None:
    """impression_device of a label ("Android Smartphone" -> android_smartphone)."""
    if label is None:
        return "unknown"
    value = re.sub(r"[ -]+", "_", _words(label))
    return value if value in DEVICES else None


def known(what: str) -> str:
    """The labels of `what` (platform, placement, device) a message names as accepted."""
    if what == "platform":
        return "Facebook, Instagram, Audience Network, Messenger, Threads"
    if what == "device":
        return "iPhone, iPad, Android Smartphone, Android Tablet, Desktop, Other"
    return (
        "Feed, Facebook Stories, Facebook Reels, Instagram Stories, Instagram Reels, "
        "Instagram Explore, Marketplace, Right column, In-stream videos, Messenger Inbox, "
        "Audience Network Native, Banner and Interstitial ... or Meta's own values "
        "(feed, instagram_stories, facebook_reels ...)"
    )
