"""Data: refresh, the last ingest runs, and what the store holds."""

from __future__ import annotations

import streamlit as st

from insights import export, queries
from insights.ui import context
from insights.ui.refresh import refresh_panel


def render() -> None:
    """The Data page."""
    refresh_panel(divider=False)
    store, _ = context.store_and_job()
    st.title("Data")
    settings = context.settings()
    source = (
        "the bundled demo data set (served by a local demo API)"
        if settings.source == "demo"
        else f"the Graph API at {settings.base_url}"
    )
    st.write(
        f"Source: {source}. Store: `{store.path}` ({store.path.stat().st_size / 1e6:,.1f} MB)."
    )
    with store.cursor() as cur:
        freshness = queries.run(cur, "table_freshness")
        runs = queries.run(cur, "ingest_runs", limit=20)
    st.subheader("Tables")
    st.dataframe(
        freshness,
        hide_index=True,
        key="freshness_table",
        column_config={
            "table_name": "Table",
            "row_count": st.column_config.NumberColumn("Rows", format="localized"),
            "last_updated": "Latest data / update",
        },
    )
    st.download_button(
        "Download table summary (CSV)",
        export.to_csv_bytes(freshness),
        file_name="tables.csv",
        mime="text/csv",
        key="freshness_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.subheader("Last refreshes")
    if runs.empty:
        st.info("No refresh has run yet.")
        return
    st.dataframe(
        runs,
        hide_index=True,
        key="runs_table",
        column_config={
            "run_id": "Run",
            "source": "Source",
            "started_at": "Started (UTC)",
            "finished_at": "Finished (UTC)",
            "status": "Status",
            "rows_written": st.column_config.NumberColumn("Rows written", format="localized"),
            "error": st.column_config.TextColumn("Error", width="large"),
        },
    )
    st.download_button(
        "Download refresh log (CSV)",
        export.to_csv_bytes(runs),
        file_name="ingest_runs.csv",
        mime="text/csv",
        key="runs_csv",
        on_click="ignore",
        icon=":material/download:",
    )
