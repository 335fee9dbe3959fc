"""The Instagram part of the demo API (Graph API for Instagram business accounts), over the
demo data set. insights.demo.server routes Instagram ids here; paging, tokens, faults and usage
headers are its own.

It models the real API as Meta documents it, not what our ingester sends. Sources (Meta's
reference pages under developers.facebook.com/docs/instagram-platform/reference/):
instagram-user/insights (account metrics, metric_type, the 2-year `since` limit, 30-day windows,
follower_count and demographics), instagram-media (like_count hidden, media_url, thumbnail_url),
instagram-media/insights (lifetime metrics, deprecations of 2025-04-21, views per product type,
Reels watch time, stories' 24 hours and error 10 below 5 viewers), instagram-user/stories; the
90-day retention of user metrics is from Meta's Insights guide (instagram-platform/insights), the
2108006 subcode from production connectors' handling of it (GRAPH_API.md):

- account insights: `since` at most 2 years back ("Metrics data is available for the last 2
  years"), at most 30 days per call, user metrics kept 90 days ("User metrics data is stored for
  up to 90 days"), `follower_count` only for the last 30 days; `views`, `profile_views`,
  `website_clicks`, `accounts_engaged` and `total_interactions` only with
  `metric_type=total_value`, answered as one total per since/until window; `reach` as a daily
  series, or with total_value as the unique reach of the window; `follower_demographics`
  (lifetime, total_value, one breakdown of age, gender, city, country);
- media insights: lifetime values; `views` refused for carousel albums ("does not support the
  views metric for this media product type"); the deprecated metrics (impressions, plays,
  video_views ...) refused; posts published before the account became a business account
  answer error 100 subcode 2108006; Reels add their watch-time metrics; an absent `like_count`
  where the owner hides like counts;
- stories: only on /{ig-user-id}/stories and only for 24 hours; their insights answer error 10
  ("Not enough viewers for the media to show insights") below 5 viewers.

The demo world has a clock (`now`): by default noon UTC on the day after the data set's last
day, so the retention windows and the live stories are the same on every machine.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from insights.demo.dataset import DemoDataset
from insights.demo.dialect import ApiFailure, list_param, number, select

HISTORY_DAYS = 730  # `since` further back than 2 years is refused
RETENTION_DAYS = 90  # user metrics are kept 90 days
FOLLOWER_COUNT_DAYS = 30  # follower_count is served for the last 30 days only
STORY_LIFE = timedelta(hours=24)
MIN_STORY_VIEWERS = 5
# posts of this account before this day predate its conversion to a business account
CONVERTED = ("17841400000000003", date(2025, 3, 1))

MEDIA_METRICS = {
    "reach",
    "saved",
    "shares",
    "views",
    "total_interactions",
    "likes",
    "comments",
    "ig_reels_avg_watch_time",
    "ig_reels_video_view_total_time",
}
REELS_ONLY = {"ig_reels_avg_watch_time", "ig_reels_video_view_total_time"}
DEPRECATED = {
    "impressions",
    "plays",
    "clips_replays_count",
    "ig_reels_aggregated_all_plays_count",
    "video_views",
    "engagement",
    "exits",
    "taps_forward",
    "taps_back",
}
TIME_SERIES = {"reach", "follower_count"}
TOTAL_VALUE_ONLY = {
    "views",
    "profile_views",
    "website_clicks",
    "accounts_engaged",
    "total_interactions",
}
ACCOUNT_METRICS = TIME_SERIES | TOTAL_VALUE_ONLY | {"follower_demographics"}
STORY_METRICS = {"reach", "replies", "views", "shares", "total_interactions", "navigation"}
NAVIGATION = ("TAP_FORWARD", "TAP_BACK", "TAP_EXIT", "SWIPE_FORWARD")
BREAKDOWNS = ("age", "gender", "city", "country")
# the audience of the demo accounts (shares of followers)
AUDIENCE: dict[str, dict[str, float]] = {
    "age": {
        "13-17": 0.02,
        "18-24": 0.14,
        "25-34": 0.33,
        "35-44": 0.26,
        "45-54": 0.14,
        "55-64": 0.07,
        "65+": 0.04,
    },
    "gender": {"F": 0.55, "M": 0.42, "U": 0.03},
    "country": {"US": 0.58, "CA": 0.14, "GB": 0.08, "DE": 0.06, "AU": 0.05, "NZ": 0.02},
    "city": {
        "Seattle, Washington": 0.09,
        "Portland, Oregon": 0.07,
        "Denver, Colorado": 0.06,
        "Vancouver, British Columbia": 0.05,
        "San Francisco, California": 0.04,
        "Salt Lake City, Utah": 0.03,
        "London, England": 0.03,
    },
}

Pager = Callable[..., dict[str, Any]]


def _metric_list(query: Mapping[str, str]) -> list[str]:
    metrics = list_param(query, "metric")
    if not metrics:
        raise ApiFailure(400, 100, "(#100) The parameter metric is required")
    return metrics


def _unix_day(query: Mapping[str, str], name: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(query[name]), UTC)
    except (KeyError, ValueError, OverflowError):
        raise ApiFailure(400, 100, f"(#100) Param {name} must be a unix time") from None


def thumbnail(media_id: str, label: str) -> str:
    """A small picture of a post as a data URL (the demo has no CDN; Meta's URLs are CDN
    links that expire)."""
    hue = int(media_id) * 47 % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        f'<rect width="64" height="64" fill="hsl({hue},45%,55%)"/>'
        '<text x="32" y="38" font-size="12" text-anchor="middle" fill="white" '
        f'font-family="sans-serif">{label}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def likes_hidden(media_id: str) -> bool:
    """Posts whose owner hid the like count: the API leaves `like_count` out."""
    return int(media_id) % 29 == 0


def before_conversion(row: Mapping[str, Any]) -> bool:
    """Posts published before their account became a business account (error 2108006)."""
    account, day = CONVERTED
    return row["account_id"] == account and row["timestamp"][:10] < day.isoformat()


@dataclass(frozen=True)
class Story:
    story_id: str
    account_id: str
    posted_at: datetime
    media_type: str
    reach: int
    views: int
    replies: int
    shares: int
    navigation: dict[str, int]


def _stories(accounts: Mapping[str, Mapping[str, Any]], now: datetime) -> list[Story]:
    """Three days of stories per account (a few a day), drawn from a fixed seed relative to
    the clock; one a day reaches fewer than 5 people."""
    stories = []
    for index, (account_id, row) in enumerate(sorted(accounts.items())):
        rng = random.Random(f"stories-{account_id}")
        followers = int(row["followers_count"])
        for day in range(3):
            for slot in range(4):
                hours = day * 24 + slot * 5.5 + rng.uniform(0.3, 4.5)
                posted = (now - timedelta(hours=hours)).replace(microsecond=0)
                reach = 3 if slot == 3 else int(followers * rng.uniform(0.03, 0.08))
                nav = {
                    "TAP_FORWARD": int(reach * rng.uniform(0.5, 0.7)),
                    "TAP_BACK": int(reach * rng.uniform(0.04, 0.1)),
                    "TAP_EXIT": int(reach * rng.uniform(0.08, 0.15)),
                    "SWIPE_FORWARD": int(reach * rng.uniform(0.04, 0.09)),
                }
                stories.append(
                    Story(
                        f"1795{index + 1:02d}{int(posted.timestamp()):012d}{slot}",
                        account_id,
                        posted,
                        "VIDEO" if slot % 2 else "IMAGE",
                        reach,
                        int(reach * rng.uniform(1.1, 1.5)),
                        int(reach * rng.uniform(0.002, 0.01)),
                        int(reach * rng.uniform(0.001, 0.006)),
                        nav,
                    )
                )
    return stories


class InstagramDemo:
    """The Instagram accounts of the data set, indexed for serving, on the demo clock."""

    def __init__(self, dataset: DemoDataset, now: datetime | None = None) -> None:
        self.accounts = {r["account_id"]: r for r in dataset.ig_accounts.to_dict("records")}
        self.media_by_account: dict[str, list[dict[str, Any]]] = {k: [] for k in self.accounts}
        self.media: dict[str, dict[str, Any]] = {}
        for row in dataset.ig_media.sort_values("timestamp", ascending=False).to_dict("records"):
            self.media_by_account.setdefault(row["account_id"], []).append(row)
            self.media[row["media_id"]] = row
        interactions: dict[tuple[str, str], int] = {}
        for row in self.media.values():
            key = (row["account_id"], row["timestamp"][:10])
            interactions[key] = interactions.get(key, 0) + int(row["total_interactions"] or 0)
        self.daily: dict[str, dict[date, dict[str, Any]]] = {}
        for row in dataset.ig_account_daily.to_dict("records"):
            # the data set has no accounts_engaged / total_interactions per day: derived here
            # (engaged accounts as a share of reach; interactions on that day's posts)
            reach = int(row["reach"] or 0)
            row = {
                **row,
                "accounts_engaged": round(reach * 0.045),
                "total_interactions": interactions.get((row["account_id"], row["date"]), 0),
            }
            self.daily.setdefault(row["account_id"], {})[date.fromisoformat(row["date"])] = row
        last = max(date.fromisoformat(d) for d in dataset.ig_account_daily["date"])
        self.start = datetime.combine(last + timedelta(days=1), time(12), UTC)
        self.now = now or self.start
        # account-insights metrics refused on some days, as Meta refuses one metric of a
        # request (error 100): {(account id, day): metrics}, for tests of one failing window
        self.refused: dict[tuple[str, date], set[str]] = {}
        self.stories = {s.story_id: s for s in _stories(self.accounts, self.now)}

    @property
    def today(self) -> date:
        return self.now.date()

    def live_stories(self, account_id: str) -> list[Story]:
        """The account's stories of the last 24 hours, newest first."""
        live = [
            s
            for s in self.stories.values()
            if s.account_id == account_id and self.now - STORY_LIFE < s.posted_at <= self.now
        ]
        return sorted(live, key=lambda s: s.posted_at, reverse=True)

    def followers(self, account_id: str) -> int:
        """followers_count now: the data set's count, growing by 25 a day of the demo clock
        after its first day (so refreshes on later days see a follower history)."""
        days = (self.now - self.start).total_seconds() // 86400
        return int(self.accounts[account_id]["followers_count"]) + 25 * int(days)

    def serves(self, object_id: str) -> bool:
        """Is this id an Instagram account, post or live story of the data set?"""
        story = self.stories.get(object_id)
        live = story is not None and self.now - STORY_LIFE < story.posted_at <= self.now
        return object_id in self.accounts or object_id in self.media or live

    def route(
        self,
        method: str,
        head: str,
        rest: list[str],
        query: dict[str, str],
        url_path: str,
        page: Pager,
        limit: int,
    ) -> dict[str, Any] | None:
        """The answer for an Instagram path, or None when nothing here serves it."""
        if method != "GET":
            return None
        if "fields" in query:  # Meta's SDK sends lists JSON-encoded: the same request
            query = {**query, "fields": ",".join(list_param(query, "fields"))}
        if head in self.accounts:
            if not rest:
                return self._account(head, query)
            if rest == ["media"]:
                return page(
                    self.media_by_account[head],
                    query,
                    url_path,
                    limit,
                    convert=_media_json,
                    fields=query.get("fields"),
                )
            if rest == ["stories"]:
                return page(
                    self.live_stories(head),
                    query,
                    url_path,
                    limit,
                    convert=_story_json,
                    fields=query.get("fields"),
                )
            if rest == ["insights"]:
                return self._account_insights(head, query)
        if head in self.media and rest == ["insights"]:
            return self._media_insights(self.media[head], query)
        if head in self.stories and rest == ["insights"]:
            return self._story_insights(self.stories[head], query)
        if head in self.media and not rest:
            # read directly (only the owner can), a post has its actual like count even when
            # the owner hides it (IG Media reference, like_count)
            row = self.media[head]
            return select(
                {**_media_json(row), "like_count": number(row["like_count"])}, query.get("fields")
            )
        return None

    # -- endpoints -----------------------------------------------------------------------------

    def _account(self, account_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        row = self.accounts[account_id]
        full = {
            "id": account_id,
            "username": row["username"],
            "name": row["name"],
            "followers_count": self.followers(account_id),
            "media_count": len(self.media_by_account[account_id]),
        }
        return select(full, query.get("fields"))

    def _media_insights(self, row: Mapping[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        metrics = _metric_list(query)
        for metric in metrics:
            if metric in DEPRECATED:
                raise ApiFailure(
                    400,
                    100,
                    f"(#100) Starting from version v22.0 and for all versions on April 21, 2025, "
                    f"the {metric} metric is no longer supported for media insights.",
                )
            if metric not in MEDIA_METRICS:
                raise ApiFailure(
                    400,
                    100,
                    f"(#100) metric[0] must be one of the following "
                    f"values: {', '.join(sorted(MEDIA_METRICS))}",
                )
            if metric == "views" and row["media_type"] == "CAROUSEL_ALBUM":
                raise ApiFailure(
                    400,
                    100,
                    "(#100) The Media Insights API does not support the "
                    "views metric for this media product type.",
                )
            if metric in REELS_ONLY and row["media_product_type"] != "REELS":
                raise ApiFailure(
                    400,
                    100,
                    f"(#100) The Media Insights API does not support the {metric} metric "
                    "for this media product type.",
                )
        if before_conversion(row):
            raise ApiFailure(
                400,
                100,
                "(#100) Media Posted Before Business Account Conversion",
                subcode=2108006,
            )
        data = [
            {
                "name": m,
                "period": "lifetime",
                "values": [{"value": media_metric(row, m)}],
                "title": m.replace("_", " ").title(),
                "id": f"{row['media_id']}/insights/{m}/lifetime",
            }
            for m in metrics
        ]
        return {"data": data}

    def _story_insights(self, story: Story, query: Mapping[str, str]) -> dict[str, Any]:
        metrics = _metric_list(query)
        for metric in metrics:
            if metric not in STORY_METRICS:
                raise ApiFailure(
                    400,
                    100,
                    f"(#100) metric[0] must be one of the following values: "
                    f"{', '.join(sorted(STORY_METRICS))}",
                )
        if story.reach < MIN_STORY_VIEWERS:
            raise ApiFailure(400, 10, "(#10) Not enough viewers for the media to show insights")
        by_action = "story_navigation_action_type" in list_param(query, "breakdown")
        data = []
        for metric in metrics:
            entry: dict[str, Any] = {
                "name": metric,
                "period": "lifetime",
                "title": metric.replace("_", " ").title(),
                "id": f"{story.story_id}/insights/{metric}/lifetime",
            }
            if metric == "navigation":
                total = sum(story.navigation.values())
                value: dict[str, Any] = {"value": total}
                if by_action:
                    value["breakdowns"] = [
                        {
                            "dimension_keys": ["story_navigation_action_type"],
                            "results": [
                                {"dimension_values": [k], "value": v}
                                for k, v in story.navigation.items()
                            ],
                        }
                    ]
                entry["total_value"] = value
            else:
                amount = {
                    "reach": story.reach,
                    "views": story.views,
                    "replies": story.replies,
                    "shares": story.shares,
                    "total_interactions": story.replies + story.shares,
                }[metric]
                entry["values"] = [{"value": amount}]
            data.append(entry)
        return {"data": data}

    def _account_insights(self, account_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        metrics = _metric_list(query)
        unknown = [m for m in metrics if m not in ACCOUNT_METRICS]
        if unknown:
            raise ApiFailure(
                400, 100, f"(#100) The value must be a valid insights metric: {unknown[0]}"
            )
        total_value = query.get("metric_type") == "total_value"
        needs_total = [m for m in metrics if m in TOTAL_VALUE_ONLY | {"follower_demographics"}]
        if needs_total and not total_value:
            raise ApiFailure(
                400,
                100,
                f"(#100) The following metrics ({', '.join(needs_total)}) should be specified "
                "with parameter metric_type=total_value",
            )
        if "follower_demographics" in metrics:
            return self._demographics(account_id, metrics, query)
        if list_param(query, "period") != ["day"]:  # Meta's SDK sends it as ["day"]
            raise ApiFailure(400, 100, "(#100) period must be one of the following values: day")
        since, until = _unix_day(query, "since"), _unix_day(query, "until")
        if since.date() < self.today - timedelta(days=HISTORY_DAYS):
            raise ApiFailure(
                400,
                100,
                "(#100) since param is not valid. Metrics data is available for the last 2 years",
            )
        if until <= since:
            raise ApiFailure(400, 100, "(#100) until must be after since")
        if (until - since).days > 30:
            raise ApiFailure(
                400,
                100,
                "(#100) There cannot be more than 30 days (2592000 s) between since and until",
            )
        days = self.daily.get(account_id, {})
        span = [since.date() + timedelta(days=i) for i in range((until - since).days)]
        refused = sorted(
            {m for d in span for m in self.refused.get((account_id, d), ()) if m in metrics}
        )
        if refused:
            raise ApiFailure(
                400,
                100,
                f"(#100) The metric {refused[0]} is temporarily unavailable for this account.",
            )
        kept = self.today - timedelta(days=RETENTION_DAYS)
        data = []
        for metric in metrics:
            first = self.today - timedelta(days=FOLLOWER_COUNT_DAYS)
            served = [
                d
                for d in span
                if d in days
                and d >= kept
                and d < self.today
                and (metric != "follower_count" or d >= first)
            ]
            entry: dict[str, Any] = {
                "name": metric,
                "period": "day",
                "title": metric.replace("_", " ").title(),
                "id": f"{account_id}/insights/{metric}/day",
            }
            if total_value:
                if not served:  # no data: Meta leaves the metric out rather than answer 0
                    continue
                entry["total_value"] = {"value": window_total(days, served, metric)}
            else:
                entry["values"] = [
                    {
                        "value": number(days[d][metric]),
                        "end_time": f"{(d + timedelta(days=1)).isoformat()}T07:00:00+0000",
                    }
                    for d in served
                ]
            data.append(entry)
        return {"data": data}

    def _demographics(
        self, account_id: str, metrics: list[str], query: Mapping[str, str]
    ) -> dict[str, Any]:
        if metrics != ["follower_demographics"]:
            raise ApiFailure(
                400, 100, "(#100) follower_demographics cannot be asked with other metrics"
            )
        if list_param(query, "period") != ["lifetime"]:
            raise ApiFailure(400, 100, "(#100) follower_demographics supports period=lifetime only")
        breakdowns = list_param(query, "breakdown")
        if len(breakdowns) != 1 or breakdowns[0] not in BREAKDOWNS:
            raise ApiFailure(
                400,
                100,
                "(#100) follower_demographics needs one breakdown of: " + ", ".join(BREAKDOWNS),
            )
        followers = self.followers(account_id)
        shares = AUDIENCE[breakdowns[0]]
        return {
            "data": [
                {
                    "name": "follower_demographics",
                    "period": "lifetime",
                    "title": "Follower demographics",
                    "total_value": {
                        "breakdowns": [
                            {
                                "dimension_keys": breakdowns,
                                "results": [
                                    {"dimension_values": [key], "value": round(followers * share)}
                                    for key, share in shares.items()
                                ],
                            }
                        ]
                    },
                    "id": f"{account_id}/insights/follower_demographics/lifetime",
                }
            ]
        }


def window_total(days: Mapping[date, Mapping[str, Any]], served: list[date], metric: str) -> int:
    """One total for a window. Reach is unique accounts: people reached on several days count
    once, so the window's reach is below the sum of its days (modelled as an overlap growing
    with the window's length, to 1.56 x for long windows: the overstatement GRAPH_API.md
    reports for one measured account)."""
    total = sum(int(days[d][metric] or 0) for d in served)
    if metric != "reach":
        return total
    n = len(served)
    return round(total / (1 + 0.56 * (n - 1) / (n + 6)))


def media_metric(row: Mapping[str, Any], metric: str) -> int | None:
    """A post's lifetime value of one metric."""
    if metric == "likes":
        return number(row["like_count"])
    if metric == "comments":
        return number(row["comments_count"])
    views = number(row["views"]) or 0
    if metric == "ig_reels_avg_watch_time":  # milliseconds
        return 3_000 + int(row["media_id"]) % 9_000
    if metric == "ig_reels_video_view_total_time":  # milliseconds
        return (3_000 + int(row["media_id"]) % 9_000) * views
    return number(row[metric])


def _media_json(row: Mapping[str, Any]) -> dict[str, Any]:
    label = "REEL" if row["media_product_type"] == "REELS" else row["media_type"][:5]
    out: dict[str, Any] = {
        "id": row["media_id"],
        "caption": row["caption"],
        "media_type": row["media_type"],
        "media_product_type": row["media_product_type"],
        "timestamp": row["timestamp"],
        "permalink": row["permalink"],
        "media_url": thumbnail(row["media_id"], label),
        "comments_count": number(row["comments_count"]),
    }
    if row["media_type"] == "VIDEO":
        out["thumbnail_url"] = thumbnail(row["media_id"], label)
    if not likes_hidden(row["media_id"]):
        out["like_count"] = number(row["like_count"])
    return out


def _story_json(story: Story) -> dict[str, Any]:
    return {
        "id": story.story_id,
        "media_type": story.media_type,
        "media_product_type": "STORY",
        "timestamp": story.posted_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "permalink": f"https://www.instagram.com/stories/demo/{story.story_id}/",
        "media_url": thumbnail(story.story_id, "STORY"),
    }
