"""Meta's async insights reports, as the ads fetch runs them (GRAPH_API.md, Ads: async
reports), mixed into fetch_ads.AdsFetcher.

Reports are submitted a few at a time; a first poll answering 100/33 (not visible yet) is
polled again; `Job Failed` / `Job Skipped` is retried once, then split by campaign; a job still
`Job Not Started` at 0% after a while is resubmitted. Each retry and split is noted.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from insights.api.client import GraphClient
from insights.errors import ApiError, IngestError
from insights.ingest import ad_level_rows as level_rows
from insights.ingest.campaign_rows import AD_INSIGHTS_SCHEMA
from insights.ingest.fetch_ad_level import Query
from insights.ingest.model import Fetched
from insights.settings import Settings

NOT_VISIBLE_POLLS = 10  # a new report answering 100/33 is polled again this many times
JOB_ATTEMPTS = 2  # a failed report is submitted this many times before it is split


@dataclass
class ReportJob:
    """One async insights report: where it is posted, and what became of it so far."""

    path: str  # act_{id}/insights or {campaign_id}/insights
    params: dict[str, Any]
    label: str
    split_ids: tuple[str, ...] = ()  # campaigns to split into if it keeps failing
    attempts: int = 0
    resubmits: int = 0
    run_id: str | None = None
    submitted_at: float = 0.0
    not_visible: int = 0
    query: Query | None = None  # None: the campaign level by age and gender


class AsyncReports:
    """Runs async insights reports; AdsFetcher provides the client, settings and notes."""

    client: GraphClient
    settings: Settings
    out: Fetched
    now: datetime

    # -- async reports ---------------------------------------------------------------------

    def _reports(self, account: Any, jobs: list[ReportJob]) -> list[pa.Table]:
        """Run async insights reports, a few at a time, and return each one's table (a split
        job's parts are joined in its place)."""
        policy = self.client.retry
        queue: deque[tuple[int, ReportJob]] = deque(enumerate(jobs))
        running: list[tuple[int, ReportJob]] = []
        parts: dict[int, list[Future[pa.Table]]] = {slot: [] for slot in range(len(jobs))}
        delay, waited = policy.poll_initial_s, 0.0
        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_workers)) as pool:
            while queue or running:
                while queue and len(running) < max(1, policy.max_running_reports):
                    slot, job = queue.popleft()
                    self._submit(job)
                    running.append((slot, job))
                    delay = policy.poll_initial_s
                still: list[tuple[int, ReportJob]] = []
                for slot, job in running:
                    state = self._poll(account, job)
                    if state == "done":
                        pages = self.client.pages(f"{job.run_id}/insights", {"limit": 500})
                        parts[slot].append(pool.submit(account.convert, pages, job.query))
                    elif state == "again":
                        queue.appendleft((slot, job))
                    elif state == "split":
                        queue.extend((slot, child) for child in self._split(account, job))
                    else:
                        still.append((slot, job))
                running = still
                if not running:
                    continue
                if waited >= policy.report_max_wait_s:
                    raise IngestError(
                        f"Meta's insights reports for act_{account.id} were not ready after "
                        f"{waited:.0f} s. Try again later."
                    )
                ready = sum(len(p) for p in parts.values())
                self.client.sleep(delay, f"insights reports: {ready} ready, {len(running)} running")
                waited += delay
                delay = min(delay * 2, policy.poll_max_s)
            return [
                _concat([f.result() for f in parts[slot]], jobs[slot].query)
                for slot in range(len(jobs))
            ]

    def _submit(self, job: ReportJob) -> None:
        started = self.client.post(job.path, job.params)
        run_id = started.get("report_run_id")
        if not run_id:
            raise IngestError("The API did not return a report_run_id for an insights report.")
        job.run_id, job.attempts = str(run_id), job.attempts + 1
        job.submitted_at, job.not_visible = time.monotonic(), 0

    def _poll(self, account: Any, job: ReportJob) -> str:
        """'done', 'running', 'again' (submit anew) or 'split' for one report."""
        policy = self.client.retry
        try:
            status = self.client.get(str(job.run_id))
        except ApiError as exc:
            # right after creation a report may not be visible yet: 100/33 (GRAPH_API.md)
            if exc.code == 100 and exc.subcode == 33 and job.not_visible < NOT_VISIBLE_POLLS:
                job.not_visible += 1
                return "running"
            raise
        state = str(status.get("async_status", ""))
        percent = status.get("async_percent_completion") or 0
        if state == "Job Completed":
            return "done"
        if state in ("Job Failed", "Job Skipped"):
            if job.attempts < JOB_ATTEMPTS:
                self.out.note(
                    "ads",
                    account.id,
                    "retried",
                    f"Meta's insights report for {job.label} ended '{state}': submitted again.",
                )
                return "again"
            if job.split_ids:
                self.out.note(
                    "ads",
                    account.id,
                    "retried",
                    f"Meta's insights report for {job.label} ended '{state}' twice: split into "
                    f"{len(job.split_ids)} reports, one per campaign.",
                )
                return "split"
            raise IngestError(
                f"Meta's insights report for {job.label} ended '{state}' {job.attempts} "
                "times; nothing was saved. Try again later, or a shorter date range."
            )
        stuck = time.monotonic() - job.submitted_at > policy.report_start_timeout_s
        if state == "Job Not Started" and not percent and stuck:
            if job.resubmits >= JOB_ATTEMPTS:
                raise IngestError(
                    f"Meta's insights report for {job.label} never started "
                    f"({job.resubmits + 1} submissions); nothing was saved. Try again later."
                )
            job.resubmits += 1
            job.attempts -= 1  # a job that never ran has not failed
            self.out.note(
                "ads",
                account.id,
                "retried",
                f"Meta's insights report for {job.label} had not started after "
                f"{policy.report_start_timeout_s:.0f} s: submitted again.",
            )
            return "again"
        return "running"

    def _split(self, account: Any, job: ReportJob) -> list[ReportJob]:
        return [
            ReportJob(
                f"{cid}/insights", dict(job.params), f"{job.label}, campaign {cid}", query=job.query
            )
            for cid in job.split_ids
        ]


def _concat(tables: list[pa.Table], query: Query | None = None) -> pa.Table:
    return level_rows.concat(tables, query.schema if query else AD_INSIGHTS_SCHEMA)
