"""The Refresh button's background ingest: one at a time per store, outside any page rerun.

The dashboard keeps one `IngestJob` per store (in a Streamlit resource cache). A click starts
`run_ingest` on a thread; a second click while it runs is refused. Pages read `snapshot()` to
draw progress, and keep reading the previous committed data meanwhile.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from insights.errors import InsightsError
from insights.ingest.run import IngestOptions, IngestResult, Progress, run_ingest
from insights.settings import Settings
from insights.store.database import Store


@dataclass(frozen=True)
class JobSnapshot:
    """What the page shows about the current or last refresh."""

    running: bool
    progress: Progress | None = None
    error: str | None = None
    result: IngestResult | None = None
    finished_at: datetime | None = None


class IngestJob:
    """Runs at most one ingest at a time against one store."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._snapshot = JobSnapshot(running=False)

    def start(self, settings: Settings, options: IngestOptions | None = None) -> bool:
        """Start an ingest in the background; False (and nothing started) if one is running."""
        with self._lock:
            if self._snapshot.running:
                return False
            self._snapshot = JobSnapshot(running=True, progress=Progress(0.0, "Starting"))
            self._cancel = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(settings, options), name="insights-ingest", daemon=True
            )
            self._thread.start()
        return True

    def cancel(self) -> bool:
        """Stop the running ingest (its requests in flight too); the store stays as it was.
        False when none is running."""
        with self._lock:
            if not self._snapshot.running:
                return False
            self._cancel.set()
            self._snapshot = JobSnapshot(
                running=True, progress=Progress(self._fraction(), "Cancelling")
            )
        return True

    def _fraction(self) -> float:
        progress = self._snapshot.progress
        return progress.fraction if progress else 0.0

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            return self._snapshot

    def wait(self, timeout: float | None = None) -> JobSnapshot:
        """Block until the running ingest ends (for the CLI and tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.snapshot()

    def _on_progress(self, event: Progress) -> None:
        with self._lock:
            if not self._cancel.is_set():  # "Cancelling" stays until the run has ended
                self._snapshot = JobSnapshot(running=True, progress=event)

    def _run(self, settings: Settings, options: IngestOptions | None) -> None:
        error: str | None = None
        result: IngestResult | None = None
        try:
            result = run_ingest(
                self._store,
                settings,
                options=options,
                progress=self._on_progress,
                cancel=self._cancel,
            )
        except InsightsError as exc:
            error = str(exc)
        except Exception as exc:  # the thread must always end in a readable state
            error = f"The refresh failed unexpectedly ({type(exc).__name__})."
        with self._lock:
            last = self._snapshot.progress
            self._snapshot = JobSnapshot(
                running=False,
                progress=last,
                error=error,
                result=result,
                finished_at=datetime.now(UTC),
            )
