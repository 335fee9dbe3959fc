"""The Instagram part of the fetch phase (Graph API): profile, posts with their lifetime
insights, and the account's daily insights of one Instagram business account. HTTP only: what
it reads goes into the run's `Fetched`, written by insights.ingest in one transaction."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from insights import api_rows as rows_
from insights.errors import ApiError
from insights.fetch import Fetched, IngestOptions, Reporter, date_windows
from insights.graph import GraphClient
from insights.settings import Settings
from insights.store import Store

log = logging.getLogger(__name__)

IG_ACCOUNT_FIELDS = "id,username,name,followers_count,media_count"
IG_MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,timestamp,permalink,like_count,comments_count"
)
IG_WINDOW_DAYS = 30  # the API refuses account-insights windows over 30 days


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


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
        self.until = options.until or self.now.date()
        self._refused_metrics: dict[tuple[str, str], set[str]] = {}
        self._refused_lock = threading.Lock()

    def _last_date(self, sql: str, key: str) -> date | None:
        with self.store.cursor() as cur:
            row = cur.execute(sql, {"key": key}).fetchone()
        return row[0] if row and row[0] is not None else None

    def fetch(self, account_id: str, since_for: Callable[[date | None], date]) -> None:
        """Profile, posts and daily insights of one account."""
        profile = self.client.get(account_id, {"fields": IG_ACCOUNT_FIELDS})
        account = rows_.ig_account_row({**profile, "id": profile.get("id", account_id)}, self.now)
        label = f"@{account['username']}" if account.get("username") else account_id
        self.out.ig_accounts.append(account)
        self.report.step(f"Instagram {label}: profile", rows=1)

        last_post = self._last_date(
            "SELECT timezone('UTC', max(posted_at))::DATE FROM ig_media WHERE account_id = $key",
            account_id,
        )
        cutoff = since_for(last_post)
        media = self._media_list(account_id, cutoff)
        self._media_insights(media, label)
        self.out.ig_media.extend(media)

        last_day = self._last_date(
            "SELECT max(date) FROM ig_account_daily WHERE account_id = $key", account_id
        )
        since = since_for(last_day)
        daily: dict[date, dict[str, Any]] = {}
        windows = date_windows(since, self.until, IG_WINDOW_DAYS)
        for start, end in windows:
            body = self._insights_with_fallback(
                f"{account_id}/insights",
                rows_.IG_DAILY_METRICS,
                ("account", account_id),
                {"period": "day", "since": _unix(start), "until": _unix(end + timedelta(days=1))},
            )
            for day, row in rows_.daily_metric_rows(account_id, body).items():
                if start <= day <= end:
                    daily.setdefault(day, {"account_id": account_id, "date": day}).update(row)
            self.report.step(f"Instagram {label}: daily insights to {end}", 1 / len(windows))
        self.out.ig_daily[account_id] = (since, self.until, list(daily.values()))
        self.report.step(f"Instagram {label}: {len(daily)} days", 0, rows=len(daily))

    def _media_list(self, account_id: str, cutoff: date) -> list[dict[str, Any]]:
        """Posts from `cutoff` on. The API lists newest first, so paging stops at the first
        page that reaches before the cutoff; if a server lists in any other order, every page
        is read (stopping early would lose posts)."""
        media: list[dict[str, Any]] = []
        params = {"fields": IG_MEDIA_FIELDS, "limit": 100}
        ascending_seen = descending_seen = False  # stop early only on evidence of the order
        previous: datetime | None = None
        for page in self.client.pages(f"{account_id}/media", params):
            reached_cutoff = False
            for obj in page:
                row = rows_.ig_media_row(obj, account_id, self.now)
                if previous is not None:
                    ascending_seen |= row["posted_at"] > previous
                    descending_seen |= row["posted_at"] < previous
                previous = row["posted_at"]
                if row["posted_at"].date() < cutoff:
                    reached_cutoff = True
                    continue
                media.append(row)
            if reached_cutoff and descending_seen and not ascending_seen:
                break
        return media

    def _media_insights(self, media: list[dict[str, Any]], label: str) -> None:
        """Lifetime insights per post, on a small bounded pool of threads."""
        if not media:
            self.report.step(f"Instagram {label}: no new posts")
            return
        share = 1 / len(media)

        def one(row: dict[str, Any]) -> None:
            kind = (str(row.get("media_type")), str(row.get("media_product_type")))
            body = self._insights_with_fallback(
                f"{row['media_id']}/insights", rows_.IG_MEDIA_METRICS, kind, {}
            )
            values = rows_.lifetime_metrics(body)
            for name in rows_.IG_MEDIA_METRICS:
                row[name] = values.get(name)
            self.report.step(f"Instagram {label}: post insights", share)

        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_workers)) as pool:
            list(pool.map(one, media))
        self.report.step(f"Instagram {label}: {len(media)} posts", 0, rows=len(media))

    def _insights_with_fallback(
        self, path: str, metrics: Sequence[str], kind: tuple[str, str], params: dict[str, Any]
    ) -> dict[str, Any]:
        """Ask for all metrics at once; if the API refuses the set (error 100: one metric does
        not apply to this object, or was deprecated), ask per metric and keep what works.
        Metrics refused for one kind of object are not asked again for the same kind."""
        with self._refused_lock:
            refused = set(self._refused_metrics.get(kind, set()))
        wanted = [m for m in metrics if m not in refused]
        if not wanted:
            return {"data": []}
        try:
            return self.client.get(path, {"metric": ",".join(wanted), **params})
        except ApiError as exc:
            if exc.code != 100:
                raise
        data: list[Any] = []
        for metric in wanted:
            try:
                data.extend(self.client.get(path, {"metric": metric, **params}).get("data") or [])
            except ApiError as exc:
                if exc.code != 100:
                    raise
                with self._refused_lock:
                    self._refused_metrics.setdefault(kind, set()).add(metric)
                log.info("metric %s refused for %s; skipped", metric, kind)
        return {"data": data}
