"""The Instagram part of the fetch phase (Graph API), one business account at a time: the
profile (and a follower snapshot), every post with its lifetime insights, the live stories with
theirs, the follower demographics and the account's daily insights. HTTP only: what it reads
goes into the run's `Fetched`, written by insights.ingest.run in one transaction.

The API's rules it follows (GRAPH_API.md, from Meta's IG User Insights and IG Media Insights
reference pages):
- account insights reach back at most 2 years and user metrics are kept 90 days, so a first run
  reads the last 90 days (`ig_history_days`); `views`, `profile_views`, `website_clicks`,
  `accounts_engaged` and `total_interactions` exist only with `metric_type=total_value`, one
  total per since/until window, so each day is its own one-day window; `reach` and
  `follower_count` are daily series; the unique reach of whole periods (last 7 and 28 days and
  the periods before them) is asked for each period, as the sum of daily reach is not reach;
- a refused metric fails its whole request with error 100: the request is asked again without
  it, and the refusal is kept for that request only (that object, that window, that metric);
- a post from before the business conversion (100 / 2108006) has no insights: only that post;
- lifetime post insights keep growing: re-read on every refresh while a post is younger than 90
  days, and at least weekly after that;
- stories are on /stories only, for 24 hours; error 10 on a story's insights means fewer than 5
  viewers (no data), not a missing permission.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from insights.api.client import GraphClient
from insights.errors import ApiError, AuthError, IngestError
from insights.ingest.instagram_rows import (
    IG_DAILY_METRICS,
    POST_METRIC_COLUMNS,
    InstagramRows,
    daily_metric_rows,
    ig_account_row,
    ig_media_row,
    values_of,
)
from insights.ingest.model import Fetched, IngestOptions, Reporter, date_windows
from insights.ingest.values import parse_int, parse_time
from insights.settings import Settings
from insights.store.database import Store

log = logging.getLogger(__name__)

IG_ACCOUNT_FIELDS = "id,username,name,followers_count,media_count"
IG_MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,timestamp,permalink,like_count,comments_count,"
    "media_url,thumbnail_url"
)
IG_STORY_FIELDS = (
    "id,caption,media_type,media_product_type,timestamp,permalink,media_url,thumbnail_url"
)
IG_WINDOW_DAYS = 30  # the API refuses account-insights windows over 30 days
HISTORY_LIMIT_DAYS = 729  # `since` over 2 years back is refused (one day of margin)
RETENTION_DAYS = 90  # Meta keeps user (account) metrics 90 days
FRESH_POST_DAYS = 90  # posts younger than this get their insights re-read on every refresh
STALE_AFTER = timedelta(days=7)  # older posts: at least weekly
SERIES_METRICS = ("reach", "follower_count")
TOTAL_METRICS = (
    "views",
    "profile_views",
    "website_clicks",
    "accounts_engaged",
    "total_interactions",
)
POST_METRICS = ("reach", "saved", "shares", "views", "total_interactions", "likes")
REELS_METRICS = ("ig_reels_avg_watch_time", "ig_reels_video_view_total_time")
STORY_METRICS = ("reach", "views", "replies", "shares", "total_interactions")
NAVIGATION_COLUMNS = {
    "TAP_FORWARD": "taps_forward",
    "TAP_BACK": "taps_back",
    "TAP_EXIT": "exits",
    "SWIPE_FORWARD": "swipes_forward",
}
DEMOGRAPHIC_BREAKDOWNS = ("age", "gender", "country", "city")
PERIOD_REACH_DAYS = (7, 28)
BEFORE_CONVERSION = 2108006
NOT_ENOUGH_VIEWERS = 10


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


def _window(start: date, end: date) -> dict[str, Any]:
    """since/until of the days start..end (both included), as the API counts them."""
    return {"since": _unix(start), "until": _unix(end + timedelta(days=1))}


class Refusals:
    """The metrics the API refused in one request and its messages (for that request only)."""

    def __init__(self) -> None:
        self.refused: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self.refused)


class InstagramFetcher:
    """Fetches one Instagram business account at a time into `out`."""

    def __init__(
        self,
        client: GraphClient,
        store: Store,
        settings: Settings,
        options: IngestOptions,
        reporter: Reporter,
        out: Fetched,
    ) -> None:
        self.client = client
        self.store = store
        self.settings = settings
        self.options = options
        self.report = reporter
        self.out = out
        self.now = datetime.now(UTC)
        if out.instagram is None:
            out.instagram = InstagramRows()
        self.rows: InstagramRows = out.instagram
        self._lock = threading.Lock()

    def note(self, object_id: str | None, kind: Any, message: str) -> None:
        self.out.note("instagram", object_id, kind, message)

    def _checked(self, body: Mapping[str, Any], object_id: str, what: str) -> dict[str, Any]:
        """The figures of an insights answer; one that cannot be right is left out, and the
        run says so (it is partial)."""
        bad: list[str] = []
        figures = _totals(body, bad)
        for reason in bad:
            with self._lock:
                self.note(object_id, "incomplete", f"{what}: {reason} It was left out.")
        return figures

    def fetch(self, account_id: str, today: date | None = None) -> None:
        """Profile, posts, stories, audience and daily insights of one account. `today` is the
        API's today when it is not ours (the demo world's clock)."""
        today = today or self.now.date()
        now = self.now if today == self.now.date() else datetime.combine(today, time(12), UTC)
        profile = self.client.get(account_id, {"fields": IG_ACCOUNT_FIELDS})
        account = ig_account_row({**profile, "id": profile.get("id", account_id)}, now)
        label = f"@{account['username']}" if account.get("username") else account_id
        self.out.ig_accounts.append(account)
        if account.get("followers_count") is not None:
            self.rows.snapshots.append(
                {
                    "account_id": account_id,
                    "date": today,
                    "followers_count": account["followers_count"],
                    "taken_at": now,
                }
            )
        self._stories(account_id, label, now)
        self._audience(account_id, today)
        self.report.step(f"Instagram {label}: profile, stories and audience", rows=1)
        self._posts(account_id, label, today, now)
        self._daily(account_id, label, today, now)

    # -- account insights ----------------------------------------------------------------------

    def _daily(self, account_id: str, label: str, today: date, now: datetime) -> None:
        until = self.options.until or today - timedelta(days=1)  # today is not over yet
        last_day = self._last_day(account_id)
        if self.options.since:
            since = self.options.since
        elif last_day is not None:
            since = min(last_day, until) - timedelta(days=self.settings.lookback_days)
        else:
            since = until - timedelta(days=self.settings.ig_history_days - 1)
        floor = today - timedelta(days=HISTORY_LIMIT_DAYS)
        if since < floor:
            self.note(
                account_id,
                "warning",
                f"Account insights were asked from {since}; Meta serves them for the last 2 "
                f"years only, so {label} was read from {floor}.",
            )
            since = floor
        kept_from = today - timedelta(days=RETENTION_DAYS)
        daily: dict[date, dict[str, Any]] = {}

        def row(day: date) -> dict[str, Any]:
            return daily.setdefault(day, {"account_id": account_id, "date": day})

        windows = date_windows(since, until, IG_WINDOW_DAYS)
        days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
        recent = [d for d in days if d >= kept_from]
        steps = max(1, len(windows) + len(recent))
        for start, end in windows:
            body, refusals = self._ask(
                f"{account_id}/insights", SERIES_METRICS, {"period": "day", **_window(start, end)}
            )
            self._refused_note(account_id, refusals, f"{start} to {end}")
            bad: list[str] = []
            answered = daily_metric_rows(account_id, body, bad)
            for reason in bad:
                self.note(account_id, "incomplete", f"{reason} It was left out.")
            for day, values in answered.items():
                if start <= day <= end:
                    row(day).update({k: v for k, v in values.items() if k in SERIES_METRICS})
            self.report.step(f"Instagram {label}: daily reach to {end}", 1 / steps)

        def one_day(day: date) -> tuple[date, dict[str, Any], Refusals]:
            body, refusals = self._ask(
                f"{account_id}/insights",
                TOTAL_METRICS,
                {"period": "day", "metric_type": "total_value", **_window(day, day)},
            )
            return day, self._checked(body, account_id, f"insights of {day}"), refusals

        # the total_value metrics exist as one total per window: one request per day, for the
        # days Meta still keeps (older days are not asked: they would come back empty)
        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_workers)) as pool:
            for day, totals, refusals in pool.map(one_day, recent):
                self._refused_note(account_id, refusals, str(day))
                if totals:
                    row(day).update(totals)
                self.report.step(f"Instagram {label}: daily views on {day}", 1 / steps)
        if days and len(recent) < len(days):
            self.note(
                account_id,
                "warning",
                f"{label}: views, profile views and website clicks were not asked before "
                f"{kept_from}: Meta keeps account insights for 90 days.",
            )
        # the periods end yesterday (the last whole day) and, for a page whose range ends
        # today (ad figures run to today), today too
        ends = [until] if self.options.until or today <= until else [until, today]
        self._period_reach(account_id, ends, floor, now)
        stored = sorted(daily)
        if not stored:
            self.note(
                account_id,
                "incomplete",
                f"{label}: the API gave no account insights for {since} to {until}.",
            )
        else:
            missing = [d for d in recent if d not in daily and d < until - timedelta(days=2)]
            if missing:
                self.note(
                    account_id,
                    "incomplete",
                    f"{label}: no account insights for {len(missing)} of the last 90 days "
                    f"({missing[0]} to {missing[-1]}).",
                )
        # replace only the days the API could answer: older stored days are kept
        replace_from = min([max(since, kept_from), *stored[:1]])
        self.rows.daily[account_id] = (replace_from, until, list(daily.values()))
        self.report.step(f"Instagram {label}: {len(daily)} days", 0, rows=len(daily))

    def _period_reach(self, account_id: str, ends: list[date], floor: date, now: datetime) -> None:
        """The unique reach of the 7 and 28 days to each end and of the periods before them,
        each asked for the whole period with metric_type=total_value."""
        for until in ends:
            for length in PERIOD_REACH_DAYS:
                for back in (0, 1):
                    end = until - timedelta(days=length * back)
                    start = end - timedelta(days=length - 1)
                    if start < floor:
                        continue
                    body, refusals = self._ask(
                        f"{account_id}/insights",
                        ("reach",),
                        {"period": "day", "metric_type": "total_value", **_window(start, end)},
                    )
                    self._refused_note(account_id, refusals, f"{start} to {end} (unique reach)")
                    reach = self._checked(body, account_id, f"reach {start} to {end}").get("reach")
                    if reach is not None:
                        self.rows.period_reach.append(
                            {
                                "account_id": account_id,
                                "since": start,
                                "until": end,
                                "reach": reach,
                                "updated_at": now,
                            }
                        )

    def _last_day(self, account_id: str) -> date | None:
        with self.store.cursor() as cur:
            found = cur.execute(
                "SELECT max(date) FROM ig_account_daily WHERE account_id = $key "
                "AND (views IS NOT NULL OR profile_views IS NOT NULL)",
                {"key": account_id},
            ).fetchone()
        return found[0] if found and found[0] is not None else None

    # -- posts -----------------------------------------------------------------------------------

    def _posts(self, account_id: str, label: str, today: date, now: datetime) -> None:
        """Every listed post; lifetime insights for the new, the young and the stale ones."""
        with self.store.cursor() as cur:
            read_at = dict(
                cur.execute(
                    "SELECT media_id, insights_read_at FROM ig_media WHERE account_id = $key",
                    {"key": account_id},
                ).fetchall()
            )
        fresh_from = today - timedelta(days=FRESH_POST_DAYS)
        listed, due = [], []
        for page in self.client.pages(
            f"{account_id}/media", {"fields": IG_MEDIA_FIELDS, "limit": 100}
        ):
            for obj in page:
                try:
                    post = ig_media_row(obj, account_id, now)
                except IngestError as exc:  # no id, no time, an impossible count
                    self.note(account_id, "incomplete", f"{exc} That post was left out.")
                    continue
                post["media_url"] = obj.get("media_url")
                post["thumbnail_url"] = obj.get("thumbnail_url")
                if self.options.since and post["posted_at"].date() < self.options.since:
                    continue
                last = read_at.get(post["media_id"])
                if (
                    last is None
                    or post["posted_at"].date() >= fresh_from
                    or now - last.astimezone(UTC) >= STALE_AFTER
                ):
                    due.append(post)
                else:
                    listed.append(post)
        for post in listed:
            self._hidden_likes(post)
        self.rows.listed_posts.extend(listed)
        reasons: Counter[str] = Counter()
        reasons_lock = threading.Lock()
        share = 1 / max(1, len(due))

        def one(post: dict[str, Any]) -> None:
            why = self._post_insights(post, now)
            if why:
                with reasons_lock:
                    reasons[why] += 1
            self.report.step(f"Instagram {label}: post insights", share)

        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_workers)) as pool:
            list(pool.map(one, due))
        if not due:
            self.report.step(f"Instagram {label}: no post insights due")
        self.rows.posts.extend(due)
        self.out.ig_media.extend(due)
        for why, count in sorted(reasons.items()):
            self.note(account_id, "skipped", f"{label}: {count} post(s) {why}.")
        self.report.step(
            f"Instagram {label}: {len(listed) + len(due)} posts", 0, rows=len(listed) + len(due)
        )

    def _hidden_likes(self, post: dict[str, Any]) -> None:
        """Hidden like counts are left out of listings; the owner's direct read of the post has
        the actual count (IG Media reference, like_count)."""
        if post.get("like_count") is None:
            direct = self.client.get(post["media_id"], {"fields": "like_count"})
            post["like_count"] = parse_int(direct.get("like_count"), "like_count")

    def _post_insights(self, post: dict[str, Any], now: datetime) -> str | None:
        """Read one post's lifetime insights into it; says why some are missing, if any."""
        metrics = POST_METRICS + (REELS_METRICS if post["media_product_type"] == "REELS" else ())
        post["insights_read_at"] = now
        self._hidden_likes(post)
        for column in POST_METRIC_COLUMNS.values():
            post[column] = None
        try:
            body, refusals = self._ask(f"{post['media_id']}/insights", metrics, {})
        except ApiError as exc:
            if exc.code == 100 and exc.subcode == BEFORE_CONVERSION:
                post["insights_note"] = "posted before the account became a business account"
                return "have no insights: posted before the account became a business account"
            raise
        for name, value in self._checked(body, post["media_id"], "post insights").items():
            if name in POST_METRIC_COLUMNS:
                post[POST_METRIC_COLUMNS[name]] = value
        if refusals:
            names = ", ".join(sorted(refusals.refused))
            post["insights_note"] = f"not given by the API: {names}"
            return f"of type {post['media_type']}/{post['media_product_type']} have no {names}"
        post["insights_note"] = None
        return None

    # -- stories ---------------------------------------------------------------------------------

    def _stories(self, account_id: str, label: str, now: datetime) -> None:
        """The live stories (the last 24 hours) with their insights as they are now."""
        few = 0
        count = 0
        for page in self.client.pages(
            f"{account_id}/stories", {"fields": IG_STORY_FIELDS, "limit": 100}
        ):
            for obj in page:
                count += 1
                posted = parse_time(obj.get("timestamp"), "story timestamp")
                story: dict[str, Any] = {
                    "story_id": str(obj["id"]),
                    "account_id": account_id,
                    "posted_at": posted or now,
                    "media_type": obj.get("media_type"),
                    "caption": obj.get("caption"),
                    "permalink": obj.get("permalink"),
                    "media_url": obj.get("media_url"),
                    "thumbnail_url": obj.get("thumbnail_url"),
                    "updated_at": now,
                }
                try:
                    self._story_insights(story)
                except AuthError as exc:
                    if exc.code != NOT_ENOUGH_VIEWERS:
                        raise
                    few += 1
                    story["insights_note"] = "fewer than 5 viewers: Meta gives no insights"
                self.rows.stories.append(story)
        if few:
            self.note(
                account_id,
                "skipped",
                f"{label}: {few} of {count} live stories had fewer than 5 viewers; Meta gives "
                "no insights for them (kept without figures).",
            )

    def _story_insights(self, story: dict[str, Any]) -> None:
        path = f"{story['story_id']}/insights"
        body, refusals = self._ask(path, STORY_METRICS, {})
        story.update(
            {
                k: v
                for k, v in self._checked(body, story["story_id"], "story insights").items()
                if k in STORY_METRICS
            }
        )
        nav = self.client.get(
            path, {"metric": "navigation", "breakdown": "story_navigation_action_type"}
        )
        for entry in nav.get("data") or []:
            if not isinstance(entry, Mapping) or entry.get("name") != "navigation":
                continue
            story["navigation"] = parse_int(values_of(entry), "story navigation")
            total = entry.get("total_value") or {}
            for breakdown in total.get("breakdowns") or []:
                for result in breakdown.get("results") or []:
                    key = (result.get("dimension_values") or [None])[0]
                    if key in NAVIGATION_COLUMNS:
                        story[NAVIGATION_COLUMNS[key]] = parse_int(
                            result.get("value"), f"story {key}"
                        )
        if refusals:
            story["insights_note"] = "not given by the API: " + ", ".join(sorted(refusals.refused))

    # -- audience --------------------------------------------------------------------------------

    def _audience(self, account_id: str, today: date) -> None:
        """follower_demographics by age, gender, country and city (lifetime)."""
        for breakdown in DEMOGRAPHIC_BREAKDOWNS:
            try:
                body = self.client.get(
                    f"{account_id}/insights",
                    {
                        "metric": "follower_demographics",
                        "period": "lifetime",
                        "metric_type": "total_value",
                        "breakdown": breakdown,
                    },
                )
            except ApiError as exc:
                if exc.code != 100 or isinstance(exc, AuthError):
                    raise
                self.note(
                    account_id,
                    "warning",
                    f"Follower demographics by {breakdown} are not available: {exc} "
                    "(Meta gives them only for accounts with 100 followers or more).",
                )
                continue
            for entry in body.get("data") or []:
                total = entry.get("total_value") if isinstance(entry, Mapping) else None
                for part in (total or {}).get("breakdowns") or []:
                    for result in part.get("results") or []:
                        key = (result.get("dimension_values") or [None])[0]
                        value = parse_int(result.get("value"), "follower demographics")
                        if key is None or value is None:
                            continue
                        self.rows.audience.append(
                            {
                                "account_id": account_id,
                                "date": today,
                                "breakdown": breakdown,
                                "key": str(key),
                                "followers": value,
                            }
                        )

    # -- one insights request --------------------------------------------------------------------

    def _ask(
        self, path: str, metrics: Sequence[str], params: Mapping[str, Any]
    ) -> tuple[dict[str, Any], Refusals]:
        """Ask for all `metrics` at once. One refused metric fails the whole request with error
        100: then the metric the message names is left out and the rest asked again, or, when
        the message names none, each metric alone. Refusals belong to this request only."""
        refusals = Refusals()
        wanted = list(metrics)
        while wanted:
            try:
                body = self.client.get(path, {"metric": ",".join(wanted), **params})
                return body, refusals
            except ApiError as exc:
                if exc.code != 100 or exc.subcode == BEFORE_CONVERSION or len(wanted) == 1:
                    if exc.code == 100 and exc.subcode != BEFORE_CONVERSION:
                        refusals.refused[wanted[0]] = str(exc)
                        return {"data": []}, refusals
                    raise
                named = [m for m in wanted if re.search(rf"\b{re.escape(m)}\b", str(exc))]
                if len(named) == 1:
                    refusals.refused[named[0]] = str(exc)
                    wanted.remove(named[0])
                    continue
                return self._one_by_one(path, wanted, params, refusals), refusals
        return {"data": []}, refusals

    def _one_by_one(
        self, path: str, metrics: list[str], params: Mapping[str, Any], refusals: Refusals
    ) -> dict[str, Any]:
        data: list[Any] = []
        for metric in metrics:
            try:
                data.extend(self.client.get(path, {"metric": metric, **params}).get("data") or [])
            except ApiError as exc:
                if exc.code != 100 or exc.subcode == BEFORE_CONVERSION:
                    raise
                refusals.refused[metric] = str(exc)
                log.info("metric %s refused for %s", metric, path)
        return {"data": data}

    def _refused_note(self, account_id: str, refusals: Refusals, window: str) -> None:
        for metric, message in sorted(refusals.refused.items()):
            self.note(
                account_id,
                "incomplete",
                f"The API refused {metric} for {window}: {message}",
            )


# figures that are counts of people, views or actions: never below zero (total_interactions
# is net of unlikes and deletions, so a day's may be)
NEVER_NEGATIVE = frozenset({*IG_DAILY_METRICS, *POST_METRICS, *REELS_METRICS, "replies"})


def _totals(body: Mapping[str, Any], bad: list[str] | None = None) -> dict[str, int | None]:
    """{metric: value} of an answer of lifetime or total_value entries. A value that cannot be
    right (not a number, too large, a negative count) is left out (None) and its reason added
    to `bad`; without `bad`, it is an error."""
    out: dict[str, int | None] = {}
    for entry in body.get("data") or []:
        if isinstance(entry, Mapping) and "name" in entry:
            name = str(entry["name"])
            try:
                value = parse_int(values_of(entry), f"insights {name}")
                if value is not None and value < 0 and name in NEVER_NEGATIVE:
                    raise IngestError(f"The API sent insights {name} = {value}, a negative count.")
            except IngestError as exc:
                if bad is None:
                    raise
                bad.append(str(exc))
                value = None
            out[name] = value
    return out
