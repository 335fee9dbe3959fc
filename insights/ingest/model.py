"""What an ingest run is made of, shared by its parts: the options it is given, the progress it
reports, the notes of what it skipped, and the rows it fetched (held in memory until the run
writes them in one transaction)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import pyarrow as pa

log = logging.getLogger(__name__)

TOKEN_WARN_DAYS = 7  # say so this many days before the token expires


@dataclass(frozen=True)
class AdInsights:
    """One ad account's fetched insights and what the write may replace: the days
    [since, until] of the campaigns in `replace` (the API answered for them or still lists
    them); stored rows of any other campaign (deleted, no longer listed) are kept."""

    since: date
    until: date
    table: pa.Table
    replace: frozenset[str]
    ad_level: AdLevel | None = None  # None: not fetched, what is stored stays


@dataclass(frozen=True)
class AdLevel:
    """One ad account's ad-level insights, by age x gender and by placement, and what the
    write may replace: the days [since, until] of the campaigns in `replace` (as for the
    campaign level; `since` may be earlier, while the ad level's history is read)."""

    by_age_gender: pa.Table
    by_placement: pa.Table
    since: date
    until: date
    replace: frozenset[str]


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
    ad_sets: list[dict[str, Any]] = field(default_factory=list)
    ads: list[dict[str, Any]] = field(default_factory=list)
    creatives: list[dict[str, Any]] = field(default_factory=list)
    pictures: list[dict[str, Any]] = field(default_factory=list)  # thumbnails read this run
    # ad account -> its whole-period reach rows (period_reach.py); an account not in it keeps
    # its stored periods
    period_reach: dict[str, pa.Table] = field(default_factory=dict)
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
