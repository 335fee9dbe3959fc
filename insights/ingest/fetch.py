"""The fetch phase of an ingest run: what to ask the Graph API and the Marketing API for, and
the rows their answers give, held in memory. It talks HTTP only and writes nothing (the run in
ingest writes what it fetched in one transaction)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from insights.api import versions
from insights.errors import ApiError
from insights.ingest import rows as rows_
from insights.ingest.fetch_ads import AdInsights, AdsFetcher

__all__ = ["AdInsights", "Fetched", "Fetcher", "IngestOptions", "Note", "Progress", "Source"]
from insights.api.client import GraphClient
from insights.settings import Settings
from insights.store.database import Store

log = logging.getLogger(__name__)

TOKEN_WARN_DAYS = 7  # say so this many days before the token expires
MAX_HISTORY_DAYS = 37 * 30  # insights reach back at most 37 months


@dataclass(frozen=True)
class Progress:
    """What the ingest is doing, for a progress bar or a CLI line."""

    fraction: float
    message: str
    rows: int = 0
    waiting_s: float = 0.0


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class IngestOptions:
    """Per-run choices (settings hold the defaults)."""

    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Source:
    name: str
    base_url: str
    access_token: str
    ig_user_ids: tuple[str, ...]
    ad_account_ids: tuple[str, ...]
    earliest: date | None = None  # first day the source has data for, when known
    today: date | None = None  # the source's today (the demo world's clock), when not ours


NoteKind = Literal["skipped", "retried", "incomplete", "warning"]


@dataclass(frozen=True)
class Note:
    """One thing a run skipped, retried or could not get, in a sentence for the user."""

    source: str  # instagram | ads
    object_id: str | None
    kind: NoteKind
    message: str


@dataclass
class Fetched:
    """Everything one run fetched, ready to be written in one transaction."""

    ig_accounts: list[dict[str, Any]] = field(default_factory=list)
    ig_media: list[dict[str, Any]] = field(default_factory=list)
    ig_daily: dict[str, tuple[date, date, list[dict[str, Any]]]] = field(default_factory=dict)
    ad_accounts: list[dict[str, Any]] = field(default_factory=list)
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    campaign_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    ad_insights: dict[str, AdInsights] = field(default_factory=dict)
    sync_state: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    instagram: Any = None  # insights.ingest.instagram_rows.InstagramRows, filled by fetch_instagram
    _notes_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def note(self, source: str, object_id: str | None, kind: NoteKind, message: str) -> None:
        """Record what was skipped or retried and why (thread-safe: fetches run on pools)."""
        with self._notes_lock:
            self.notes.append(Note(source, object_id, kind, message))
        log.info("%s %s (%s): %s", source, kind, object_id, message)

    @property
    def incomplete(self) -> bool:
        """True when a source asked for gave nothing or only part of what was asked."""
        return any(n.kind == "incomplete" for n in self.notes)


def date_windows(since: date, until: date, days: int) -> list[tuple[date, date]]:
    """Consecutive inclusive windows of at most `days` days covering since..until."""
    windows = []
    start = since
    while start <= until:
        end = min(until, start + timedelta(days=days - 1))
        windows.append((start, end))
        start = end + timedelta(days=1)
    return windows


def token_expiry_sentence(left: timedelta) -> str:
    """What the user reads when the token expires soon (or has)."""
    if left.total_seconds() <= 0:
        return "The access token has expired: create a new one and set it as INSIGHTS_ACCESS_TOKEN."
    days = left.days
    when = "within a day" if days < 1 else f"in {days} day{'s' if days != 1 else ''}"
    return (
        f"The access token expires {when}: create a new long-lived token (or a system-user "
        "token, which does not expire) and set it as INSIGHTS_ACCESS_TOKEN."
    )


class Reporter:
    """Turns step counts into Progress events; thread-safe (media insights run on a pool)."""

    def __init__(self, callback: ProgressCallback | None, steps: int) -> None:
        self._callback = callback
        self._steps = max(steps, 1)
        self._done = 0.0
        self.rows = 0
        self._lock = threading.Lock()

    def step(self, message: str, amount: float = 1.0, rows: int = 0) -> None:
        with self._lock:
            self._done = min(self._steps, self._done + amount)
            self.rows += rows
            event = Progress(self._done / self._steps * 0.95, message, self.rows)
        self.emit(event)

    def say(self, message: str, waiting_s: float = 0.0) -> None:
        with self._lock:
            event = Progress(self._done / self._steps * 0.95, message, self.rows, waiting_s)
        self.emit(event)

    def emit(self, event: Progress) -> None:
        if self._callback:
            try:
                self._callback(event)
            except Exception:  # a broken progress display must not break the ingest
                log.exception("progress callback failed")


class Fetcher:
    """The fetch phase of one run: HTTP only, no store writes."""

    def __init__(
        self,
        client: GraphClient,
        store: Store,
        settings: Settings,
        options: IngestOptions,
        source: Source,
        reporter: Reporter,
        ads_client: GraphClient | None = None,
    ) -> None:
        self.client = client  # the Graph API (Instagram) at its version
        self.ads_client = ads_client or client  # the Marketing API at its version
        self.store = store
        self.settings = settings
        self.options = options
        self.source = source
        self.report = reporter
        self.now = datetime.now(UTC)
        self.until = options.until or self.now.date()
        self.out = Fetched()

    def fetch(self) -> Fetched:
        self._check_versions()
        self._token_expiry()
        from insights.ingest.fetch_instagram import InstagramFetcher  # it imports this module

        instagram = InstagramFetcher(
            self.client, self.store, self.settings, self.options, self.report, self.out
        )
        for account_id in self.source.ig_user_ids:
            instagram.fetch(str(account_id), self.source.today)
        for ad_account_id in self.source.ad_account_ids:
            self._ads(str(ad_account_id))
        return self.out

    def _check_versions(self) -> None:
        """A version that has ended or ends within 30 days: one sentence naming the one to
        set (an ended Marketing API version is refused with 2635, or upgraded silently)."""
        used = [
            (versions.INSTAGRAM, self.client, bool(self.source.ig_user_ids)),
            (versions.ADS, self.ads_client, bool(self.source.ad_account_ids)),
        ]
        for api, client, asked in used:
            warning = versions.warning(api, client.version or "", self.now.date())
            if asked and warning:
                self.out.note(
                    "ads" if api is versions.ADS else "instagram", None, "warning", warning
                )

    def _token_expiry(self) -> None:
        """When the token expires (`GET /debug_token`), kept for the Data page's warning;
        a token that cannot be inspected is noted, never fatal."""
        try:
            body = self.client.get("debug_token", {"input_token": self.source.access_token})
        except ApiError as exc:
            self.out.note("token", None, "warning", f"The token's expiry is unknown: {exc}")
            return
        data = body.get("data")
        if not isinstance(data, dict):
            data = {}
        expires = rows_.parse_int(data.get("expires_at"), "debug_token expires_at")
        value = (
            datetime.fromtimestamp(expires, UTC).isoformat() if expires else "never"
        )  # 0: a token that does not expire (system users)
        self.out.sync_state.append(
            {"resource": "token", "key": "expires_at", "value": value, "updated_at": self.now}
        )
        if expires:
            left = datetime.fromtimestamp(expires, UTC) - self.now
            if left <= timedelta(days=TOKEN_WARN_DAYS):
                self.out.note("token", None, "warning", token_expiry_sentence(left))

    def _since(self, last_stored: date | None) -> date:
        """First day to read: the option, else the lookback before the last stored day, else
        the history setting (or the source's first day), within the API's 37 months."""
        if self.options.since:
            return self.options.since
        floor = self.until - timedelta(days=MAX_HISTORY_DAYS)
        if last_stored is not None:
            since = last_stored - timedelta(days=self.settings.lookback_days)
        elif self.source.earliest is not None:
            since = self.source.earliest
        else:
            since = self.until - timedelta(days=self.settings.history_days)
        return max(since, floor)

    def _last_date(self, sql: str, key: str) -> date | None:
        """The newest stored day of a key, never later than the run's last day."""
        with self.store.cursor() as cur:
            row = cur.execute(sql, {"key": key}).fetchone()
        return min(row[0], self.until) if row and row[0] is not None else None

    # -- Ads -------------------------------------------------------------------------------------

    def _ads(self, ad_account_id: str) -> None:
        last_day = self._last_date(
            # the API's own rows only: an imported row (a future date, say) must not move the
            # window the API is asked for
            "SELECT max(date) FROM ad_insights_daily WHERE ad_account_id = $key "
            "AND import_id IS NULL",
            ad_account_id,
        )
        AdsFetcher(
            self.ads_client, self.settings, self.report, self.out, self.now, self._stored_spend
        ).fetch(ad_account_id, self._since(last_day), self.until)

    def _stored_spend(self, ad_account_id: str, since: date, until: date) -> bool:
        with self.store.cursor() as cur:
            row = cur.execute(
                "SELECT count(*) FROM ad_insights_daily WHERE ad_account_id = $key "
                "AND import_id IS NULL AND spend > 0 AND date BETWEEN $since AND $until",
                {"key": ad_account_id, "since": since, "until": until},
            ).fetchone()
        return bool(row and row[0])
