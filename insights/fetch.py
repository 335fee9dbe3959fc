"""The fetch phase of an ingest run: what to ask the Graph API and the Marketing API for, and
the rows their answers give, held in memory. It talks HTTP only and writes nothing (the run in
ingest writes what it fetched in one transaction)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from insights import api_rows as rows_
from insights.errors import ApiError, IngestError
from insights.graph import TOO_MUCH_DATA_SUBCODES, GraphClient, gc_paused
from insights.settings import Settings
from insights.store import Store

log = logging.getLogger(__name__)

CAMPAIGN_FIELDS = "id,name,objective,status,start_time,stop_time,daily_budget,lifetime_budget"
AD_INSIGHT_FIELDS = (
    "campaign_id,campaign_name,spend,impressions,reach,clicks,inline_link_clicks,actions,"
    "action_values"
)
AD_WINDOW_DAYS = 31  # one synchronous insights call per month keeps each answer small
SYNC_MAX_DAYS = 62  # longer ranges (backfills) go through async report runs ...
ASYNC_WINDOW_DAYS = 93  # ... of at most a quarter each
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
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    campaign_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    ad_insights: dict[str, tuple[date, date, pa.Table]] = field(default_factory=dict)
    sync_state: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    instagram: Any = None  # insights.instagram_store.InstagramRows, filled by fetch_instagram
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
    ) -> None:
        self.client = client
        self.store = store
        self.settings = settings
        self.options = options
        self.source = source
        self.report = reporter
        self.now = datetime.now(UTC)
        self.until = options.until or self.now.date()
        self.out = Fetched()

    def fetch(self) -> Fetched:
        from insights.fetch_instagram import InstagramFetcher  # it imports this module

        instagram = InstagramFetcher(
            self.client, self.store, self.settings, self.options, self.report, self.out
        )
        for account_id in self.source.ig_user_ids:
            instagram.fetch(str(account_id), self.source.today)
        for ad_account_id in self.source.ad_account_ids:
            self._ads(str(ad_account_id))
        return self.out

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
        with self.store.cursor() as cur:
            row = cur.execute(sql, {"key": key}).fetchone()
        return row[0] if row and row[0] is not None else None

    # -- Ads -------------------------------------------------------------------------------------

    def _ads(self, ad_account_id: str) -> None:
        act = f"act_{ad_account_id}"
        for page in self.client.pages(
            f"{act}/campaigns", {"fields": CAMPAIGN_FIELDS, "limit": 100}
        ):
            self.out.campaigns.extend(
                rows_.campaign_row(obj, ad_account_id, self.now) for obj in page
            )
        self.report.step(f"Ads {act}: campaigns", rows=len(self.out.campaigns))

        last_day = self._last_date(
            "SELECT max(date) FROM ad_insights_daily WHERE ad_account_id = $key", ad_account_id
        )
        since = self._since(last_day)
        action_type = self.settings.conversion_action_type
        if (self.until - since).days + 1 > SYNC_MAX_DAYS:
            # a backfill: async report runs, all submitted at once, then paged in order
            windows = date_windows(since, self.until, ASYNC_WINDOW_DAYS)
            answers: Iterable[Iterator[list[dict[str, Any]]]] = self._async_reports(
                act, [_insights_params(w) for w in windows]
            )
        else:
            windows = date_windows(since, self.until, AD_WINDOW_DAYS)
            answers = (self._ad_insight_pages(act, _insights_params(w)) for w in windows)

        def window_rows(
            window: tuple[date, date], pages: Iterable[list[dict[str, Any]]]
        ) -> tuple[pa.Table, dict[str, str]]:
            """One window's pages as a table of its days, and the campaign names seen."""
            tables: list[pa.Table] = []
            names: dict[str, str] = {}
            # the pages' objects are freed by reference counting as each page is converted;
            # the cycle collector would only walk them again and again (see gc_paused)
            with gc_paused():
                for page in pages:
                    tables.append(rows_.ad_insights_table(page, ad_account_id, action_type))
                    names.update(
                        {
                            str(obj.get("campaign_id")): str(obj["campaign_name"])
                            for obj in page
                            if obj.get("campaign_name")
                        }
                    )
                page = []  # the last page is freed before the collector is back
            table = pa.concat_tables(tables) if tables else rows_.AD_INSIGHTS_SCHEMA.empty_table()
            start, end = window
            inside = pc.and_(
                pc.greater_equal(table["date"], pa.scalar(start, pa.date32())),
                pc.less_equal(table["date"], pa.scalar(end, pa.date32())),
            )
            return table.filter(inside), names

        # windows are fetched and converted in parallel (the API answers while rows convert),
        # and collected in order
        tables = []
        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_workers)) as pool:
            done = pool.map(window_rows, windows, answers)
            for (_, end), (table, names) in zip(windows, done, strict=True):
                tables.append(table)
                for campaign_id, name in names.items():
                    self.out.campaign_names[campaign_id] = (ad_account_id, name)
                self.report.step(f"Ads {act}: insights to {end}", 1 / len(windows))
        rows = pa.concat_tables(tables) if tables else rows_.AD_INSIGHTS_SCHEMA.empty_table()
        self.out.ad_insights[ad_account_id] = (since, self.until, rows)
        self.out.sync_state.append(
            {
                "resource": "ad_insights",
                "key": ad_account_id,
                "value": self.until.isoformat(),
                "updated_at": self.now,
            }
        )
        self.report.step(f"Ads {act}: {rows.num_rows:,} insight rows", 0, rows=rows.num_rows)

    def _ad_insight_pages(self, act: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Pages of one insights window: synchronously, or through an async report run when
        the API says the window holds too much data for one answer."""
        try:
            pages = list(self.client.pages(f"{act}/insights", params))
        except ApiError as exc:
            if exc.code != 1 or exc.subcode not in TOO_MUCH_DATA_SUBCODES:
                raise
            yield from self._async_reports(act, [params])[0]
            return
        yield from pages

    def _async_reports(
        self, act: str, windows: list[dict[str, Any]]
    ) -> list[Iterator[list[dict[str, Any]]]]:
        """Start one async report run per window, poll them together until all are
        'Job Completed', then return each one's pages (fetched lazily, in window order)."""
        run_ids = []
        for params in windows:
            started = self.client.post(f"{act}/insights", params)
            run_id = started.get("report_run_id")
            if not run_id:
                raise IngestError("The API did not return a report_run_id for an insights report.")
            run_ids.append(str(run_id))
        policy = self.client.retry
        delay, waited = policy.poll_initial_s, 0.0
        pending = list(run_ids)
        while pending:
            still, percents = [], []
            for run_id in pending:
                status = self.client.get(run_id)
                state = str(status.get("async_status", ""))
                if state in ("Job Failed", "Job Skipped"):
                    raise IngestError(
                        f"The API's insights report {run_id} ended with '{state}'. Try again later."
                    )
                if state != "Job Completed":
                    still.append(run_id)
                    percents.append(status.get("async_percent_completion") or 0)
            pending = still
            if not pending:
                break
            if waited >= policy.report_max_wait_s:
                raise IngestError(
                    f"The API's insights reports were not ready after {waited:.0f} s. "
                    "Try again later."
                )
            ready = len(run_ids) - len(pending)
            self.client.sleep(delay, f"insights reports: {ready} of {len(run_ids)} ready")
            waited += delay
            delay = min(delay * 2, policy.poll_max_s)
        return [self.client.pages(f"{run_id}/insights", {"limit": 500}) for run_id in run_ids]


def _insights_params(window: tuple[date, date]) -> dict[str, Any]:
    """The insights request of one window: campaign level, daily, by age and gender."""
    start, end = window
    return {
        "level": "campaign",
        "time_increment": 1,
        "breakdowns": "age,gender",
        "time_range": json.dumps({"since": start.isoformat(), "until": end.isoformat()}),
        "fields": AD_INSIGHT_FIELDS,
        "limit": 500,
    }
