"""Pull Instagram and ads data from the Graph API into the store, incrementally and atomically.

A run has two phases. The fetch phase (insights.ingest.fetch) talks HTTP and builds Arrow tables in
memory; it writes nothing. The write phase replaces the fetched date windows and upserts the
objects in ONE transaction, so a failure or a kill at any instant leaves the previous committed
state. Ad insights keep changing for weeks (late conversions): each run re-reads `lookback_days`
before the last stored day and REPLACES those rows, so totals always equal what the API says now.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa

from insights.api import versions
from insights.api.client import GraphClient, RetryPolicy
from insights.api.masking import mask_secrets
from insights.errors import ApiError, IngestCancelled, IngestError, InsightsError
from insights.ingest import ad_level_rows as level_rows
from insights.ingest import instagram_rows as instagram_store
from insights.ingest import restatements
from insights.ingest.campaign_rows import AD_ACCOUNT_SCHEMA, CAMPAIGN_SCHEMA
from insights.ingest.fetch import Fetcher
from insights.ingest.model import (
    AdInsights,
    Fetched,
    IngestOptions,
    Note,
    Progress,
    ProgressCallback,
    Reporter,
    Source,
)
from insights.ingest.values import strip_act, to_table
from insights.settings import Settings
from insights.store.database import Store

log = logging.getLogger(__name__)

__all__ = [  # the run, and what its callers pass and receive
    "IngestOptions",
    "IngestResult",
    "Progress",
    "ProgressCallback",
    "open_source",
    "run_ingest",
]


@dataclass
class IngestResult:
    run_id: int
    rows_written: dict[str, int] = field(default_factory=dict)
    requests_made: int = 0
    status: str = "succeeded"  # or "partial": see notes
    notes: list[Note] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_written.values())


# -- sources -------------------------------------------------------------------------------------


@contextmanager
def open_source(settings: Settings) -> Iterator[Source]:
    """The API to read from: the bundled demo API served in-process on a free local port,
    or the configured Graph API with the token from the environment."""
    if settings.source == "demo":
        from insights.demo import dataset as demo_data
        from insights.demo import server as demo_api

        dataset = demo_data.load()
        with demo_api.DemoApi(dataset) as api:
            first = min(
                date.fromisoformat(str(d)[:10])
                for d in (*dataset.ig_account_daily["date"], *dataset.ad_insights_daily["date"])
            )
            yield Source(
                "demo",
                api.root_url,
                demo_api.DEMO_TOKEN,
                tuple(api.ig_user_ids),
                tuple(api.ad_account_ids),
                first,
                api.instagram.today,
            )
        return
    if settings.source != "graph":
        raise IngestError(f"Unknown source {settings.source!r}: use 'demo' or 'graph'.")
    if not settings.access_token:
        raise IngestError(
            "No access token: set INSIGHTS_ACCESS_TOKEN to a token with instagram_basic, "
            "instagram_manage_insights and ads_read, then refresh again."
        )
    if not settings.ig_user_ids and not settings.ad_account_ids:
        raise IngestError(
            "Nothing to ingest: set INSIGHTS_IG_USER_IDS and/or INSIGHTS_AD_ACCOUNT_IDS "
            "(or --ig-user-id / --ad-account-id)."
        )
    yield Source(
        "graph",
        settings.base_url,
        settings.access_token,
        settings.ig_user_ids,
        tuple(strip_act(a) for a in settings.ad_account_ids),
    )


# -- the run -------------------------------------------------------------------------------------


def run_ingest(
    store: Store,
    settings: Settings,
    *,
    options: IngestOptions | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    cancel: threading.Event | None = None,
) -> IngestResult:
    """One whole ingest run: fetch, then write in one transaction; recorded in ingest_runs.
    Setting `cancel` stops it (requests in flight included) with the store as it was."""
    options = options or IngestOptions()
    deadline = time.monotonic() + settings.run_deadline_s
    run_id = store.start_run(settings.source)
    token: str | None = settings.access_token
    try:
        with open_source(settings) as source:
            token = source.access_token
            reporter = Reporter(
                progress, 3 * len(source.ig_user_ids) + 2 * len(source.ad_account_ids)
            )
            policy = retry or RetryPolicy(
                max_retries=settings.max_retries,
                backoff_base_s=settings.backoff_base_s,
                rate_limit_max_wait_s=settings.rate_limit_max_wait_s,
                max_response_bytes=settings.max_response_mb << 20,
            )
            urls = settings.with_(base_url=source.base_url)

            def client_for(api: versions.Api, url: str) -> GraphClient:
                return GraphClient(
                    url,
                    source.access_token,
                    timeout_s=settings.timeout_s,
                    retry=policy,
                    on_wait=lambda why, s: reporter.say(f"Waiting {s:.0f} s ({why})", s),
                    app_secret=settings.app_secret if source.name != "demo" else None,
                    api=api,
                    deadline=deadline,
                )

            ig_client = client_for(versions.INSTAGRAM, urls.api_url("instagram"))
            ads_client = client_for(versions.ADS, urls.api_url("ads"))
            stop_watching = _cancel_on(cancel, (ig_client, ads_client))
            try:
                fetcher = Fetcher(ig_client, store, settings, options, source, reporter, ads_client)
                fetched = fetcher.fetch()
                reporter.say("Saving to the store")
                result = _write(store, run_id, fetched, source)
                result.requests_made = ig_client.requests_made + ads_client.requests_made
            finally:
                stop_watching()
                ig_client.close()
                ads_client.close()
    except InsightsError as exc:
        message = mask_secrets(str(exc), token, settings.app_secret)
        _fail(store, run_id, message, "cancelled" if isinstance(exc, IngestCancelled) else "failed")
        _log_failure(run_id, exc, token, settings.app_secret)
        raise _masked(exc, message) from (exc if message == str(exc) else None)
    except Exception as exc:
        message = mask_secrets(f"The ingest failed unexpectedly: {exc}", token, settings.app_secret)
        _fail(store, run_id, message)
        _log_failure(run_id, exc, token, settings.app_secret)
        raise IngestError(message) from None
    reporter.emit(Progress(1.0, f"Done: {result.total_rows:,} rows saved", result.total_rows))
    return result


def _cancel_on(event: threading.Event | None, clients: tuple[GraphClient, ...]) -> Any:
    """Cancel the clients when `event` is set; returns the function that stops watching."""
    if event is None:
        return lambda: None
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if event.wait(0.2):
                for client in clients:
                    client.cancel()
                return

    thread = threading.Thread(target=watch, name="ingest-cancel", daemon=True)
    thread.start()
    return done.set


def _masked(exc: InsightsError, message: str) -> InsightsError:
    """The same error with its message masked: an API error keeps its code and subcode."""
    if isinstance(exc, ApiError):
        return type(exc)(
            message,
            code=exc.code,
            subcode=exc.subcode,
            status=exc.status,
            transient=exc.transient,
        )
    return type(exc)(message)


def _log_failure(run_id: int, exc: BaseException, *secrets: str | None) -> None:
    """The operator's log gets the whole traceback, secrets masked; the user one sentence."""
    trace = "".join(traceback.format_exception(exc))
    log.error("ingest run %s failed:\n%s", run_id, mask_secrets(trace, *secrets))


def _fail(store: Store, run_id: int, message: str, status: str = "failed") -> None:
    with store.cursor() as cur:
        store.finish_run(cur, run_id, status, 0, message)


def _write(store: Store, run_id: int, fetched: Fetched, source: Source) -> IngestResult:
    counts: dict[str, int] = {}
    with store.transaction() as cur:
        if fetched.instagram is not None:
            counts.update(instagram_store.write(store, cur, fetched.instagram, fetched.ig_accounts))
        counts["ad_accounts"] = store.upsert(
            cur, "ad_accounts", to_table(fetched.ad_accounts, AD_ACCOUNT_SCHEMA)
        )
        counts["ad_campaigns"] = store.upsert(
            cur, "ad_campaigns", to_table(fetched.campaigns, CAMPAIGN_SCHEMA)
        )
        listed = {row["campaign_id"] for row in fetched.campaigns}
        unlisted = [  # insights of deleted/archived campaigns: keep their names for the tables
            {"campaign_id": cid, "ad_account_id": acct, "name": name}
            for cid, (acct, name) in fetched.campaign_names.items()
            if cid not in listed
        ]
        if unlisted:
            store.upsert(
                cur,
                "ad_campaigns",
                pa.Table.from_pylist(
                    unlisted,
                    pa.schema(
                        [
                            ("campaign_id", pa.string()),
                            ("ad_account_id", pa.string()),
                            ("name", pa.string()),
                        ]
                    ),
                ),
            )
        # the days either level rewrites (the ad level's windows are the campaign level's, but
        # the rollups of both must be refreshed over whatever was written)
        windows = [(ads.since, ads.until) for ads in fetched.ad_insights.values()] + [
            (ads.ad_level.since, ads.ad_level.until)
            for ads in fetched.ad_insights.values()
            if ads.ad_level is not None
        ]
        span = (min(w[0] for w in windows), max(w[1] for w in windows)) if windows else None
        stored_before = restatements.paid_days(cur, *span) if span else None
        counts["ad_insights_daily"] = _replace_ad_insights(store, cur, fetched.ad_insights)
        counts.update(_write_ad_level(store, cur, fetched))
        counts["ad_period_reach"] = _replace_period_reach(store, cur, fetched)
        if span and stored_before is not None:
            store.refresh_rollups(cur, *span)
            restatements.record(cur, run_id, stored_before, restatements.paid_days(cur, *span))
        if fetched.sync_state:
            store.upsert(
                cur,
                "sync_state",
                pa.Table.from_pylist(
                    fetched.sync_state,
                    pa.schema(
                        [
                            ("resource", pa.string()),
                            ("key", pa.string()),
                            ("value", pa.string()),
                            ("updated_at", pa.timestamp("us", tz="UTC")),
                        ]
                    ),
                ),
            )
        _write_notes(cur, run_id, fetched)
        status = "partial" if fetched.incomplete else "succeeded"
        store.finish_run(cur, run_id, status, sum(counts.values()))
    return IngestResult(run_id, counts, status=status, notes=list(fetched.notes))


def _write_notes(cur: Any, run_id: int, fetched: Fetched) -> None:
    if not fetched.notes:
        return
    cur.executemany(
        "INSERT INTO ingest_notes VALUES (?, ?, ?, ?, ?, ?)",
        [
            (run_id, seq, n.source, n.object_id, n.kind, mask_secrets(n.message))
            for seq, n in enumerate(fetched.notes, start=1)
        ],
    )


def _replace_ad_insights(store: Store, cur: Any, fetched: Mapping[str, AdInsights]) -> int:
    """Per ad account: delete the fetched days of the campaigns the API answered for or still
    lists, then insert what it says for them now. Rows of a campaign it no longer shows
    (deleted, and account-level insights leave deleted objects out) are kept: that campaign
    still spent."""
    written = 0
    for key, ads in fetched.items():
        cur.execute(
            "DELETE FROM ad_insights_daily WHERE ad_account_id = $key "
            "AND date BETWEEN $since AND $until AND list_contains($replace, campaign_id)",
            {"key": key, "since": ads.since, "until": ads.until, "replace": sorted(ads.replace)},
        )
        written += store.upsert(cur, "ad_insights_daily", ads.table)
    return written


def _write_ad_level(store: Store, cur: Any, fetched: Fetched) -> dict[str, int]:
    """Ad sets, ads, creatives (a thumbnail read this run replaces the stored one; one that
    could not be read leaves it), and the ad-level rows of the fetched days, replaced as the
    campaign level's are (the same campaigns, the same days)."""
    counts = {
        "ad_sets": store.upsert(
            cur, "ad_sets", to_table(fetched.ad_sets, level_rows.AD_SET_SCHEMA)
        ),
        "ads": store.upsert(cur, "ads", to_table(fetched.ads, level_rows.AD_SCHEMA)),
        "ad_creatives": store.upsert(
            cur, "ad_creatives", to_table(fetched.creatives, level_rows.CREATIVE_SCHEMA)
        ),
    }
    store.upsert(cur, "ad_creatives", to_table(fetched.pictures, level_rows.PICTURE_SCHEMA))
    for table in ("ad_level_daily", "ad_level_placement_daily"):
        written = 0
        for key, ads in fetched.ad_insights.items():
            level = ads.ad_level
            if level is None:
                continue  # not fetched: what is stored stays
            cur.execute(
                f"DELETE FROM {table} WHERE ad_account_id = $key "
                "AND date BETWEEN $since AND $until AND list_contains($replace, campaign_id)",
                {
                    "key": key,
                    "since": level.since,
                    "until": level.until,
                    "replace": sorted(level.replace),
                },
            )
            rows = level.by_age_gender if table == "ad_level_daily" else level.by_placement
            written += store.upsert(cur, table, rows)
        counts[table] = written
    return counts


def _replace_period_reach(store: Store, cur: Any, fetched: Fetched) -> int:
    """Each account read: its stored periods replaced by this run's (the periods move with
    the last day of data, so older ones must not linger)."""
    written = 0
    for key, table in fetched.period_reach.items():
        cur.execute("DELETE FROM ad_period_reach WHERE ad_account_id = $key", {"key": key})
        written += store.upsert(cur, "ad_period_reach", table)
    return written


def _replace_windows(
    store: Store,
    cur: Any,
    table: str,
    key_column: str,
    windows: Mapping[str, tuple[date, date, list[dict[str, Any]] | pa.Table]],
    schema: pa.Schema,
) -> int:
    """Delete each key's fetched date range, then insert what the API says for it now:
    rows that vanished from the API vanish from the store too."""
    written = 0
    for key, (since, until, rows) in windows.items():
        cur.execute(
            f"DELETE FROM {table} WHERE {key_column} = $key AND date BETWEEN $since AND $until",
            {"key": key, "since": since, "until": until},
        )
        data = rows if isinstance(rows, pa.Table) else to_table(rows, schema)
        written += store.upsert(cur, table, data)
    return written
