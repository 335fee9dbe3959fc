"""The Refresh button: starts the background ingest, shows its progress and its outcome.

The ingest runs on a thread owned by the cached `IngestJob`, never inside a page rerun. While
it runs, a fragment redraws only the progress bar every second; when it ends, the whole app
reruns once so every figure is read again from the new data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from insights.figures import formatting
from insights.ingest.jobs import JobSnapshot
from insights.ui import columns, context
from insights.ui.text import md


def refresh_panel(*, divider: bool = True) -> None:
    """Sidebar block: Refresh button, live progress while running, then the result."""
    _, job = context.store_and_job()
    with st.sidebar:
        if divider:
            st.divider()
        clicked = st.button(
            "Refresh data",
            key="refresh",
            type="primary",
            width="stretch",
            help="Pull new data from the source (incremental).",
        )
        if clicked and not job.start(context.settings()):
            st.info("A refresh is already running; this click did not start another.")
        if job.snapshot().running:
            _live_progress()
        else:
            _outcome(job.snapshot())


def start_if_empty() -> bool:
    """On an empty store with the demo source, ingest the demo data by itself (once). True if
    the store holds no data yet, so the page shows a sentence instead of empty figures."""
    _, job = context.store_and_job()
    if context.options()["bounds"] is not None:
        return False
    snap = job.snapshot()
    if context.settings().source == "demo" and not snap.running and snap.finished_at is None:
        job.start(context.settings())
    return True


@st.fragment(run_every=timedelta(seconds=1))
def _live_progress() -> None:
    _, job = context.store_and_job()
    snap = job.snapshot()
    if snap.running:
        progress = snap.progress
        st.progress(
            min(max(progress.fraction, 0.0), 1.0) if progress else 0.0,
            text=progress.message if progress else "Starting",
        )
        if st.button(
            "Cancel refresh",
            key="cancel_refresh",
            width="stretch",
            help="Stop this refresh; nothing it fetched is saved.",
        ):
            job.cancel()
        return
    st.rerun(scope="app")  # the ingest ended: redraw every figure (and this panel) anew


def _outcome(snap: JobSnapshot) -> None:
    if snap.error:
        st.error(md(snap.error), icon=":material/error:")
    elif snap.result is not None:
        st.success(
            f"Refreshed: {snap.result.total_rows:,} rows saved.", icon=":material/check_circle:"
        )
    last = context.last_success()
    if last is None:
        st.caption("Not refreshed yet.")
        return
    age = (datetime.now(UTC) - last).total_seconds()
    ago = (
        "just now"
        if age < 90
        else f"{age / 60:.0f} min ago"
        if age < 5400
        else f"{age / 3600:.0f} h ago"
    )
    st.caption(f"Last refreshed {formatting.moment(last, columns.viewer_zone())} ({ago})")
