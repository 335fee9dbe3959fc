"""Data: refresh, the last ingest runs, and what the store holds."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from insights.csv_import import importer
from insights.ingest import restatements
from insights.ingest.access import access_lines
from insights.settings import Settings
from insights.store import queries
from insights.store.database import Store
from insights.ui import columns, context
from insights.ui.refresh import refresh_panel
from insights.ui.text import md
from insights.ui.widgets import csv_download


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
    _api_access(store, settings)
    st.info(STORY_ADVICE, icon=":material/schedule:")
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
            "row_count": columns.count("Rows"),
            "last_updated": columns.moment("Latest data / update"),
        },
    )
    csv_download("Download table summary (CSV)", freshness, "tables.csv", "freshness_csv")
    _imports(store)
    _restated(store)
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
            "started_at": columns.moment("Started"),
            "finished_at": columns.moment("Finished"),
            "status": "Status",
            "rows_written": columns.count("Rows written"),
            "error": st.column_config.TextColumn("Error", width="large"),
        },
    )
    csv_download("Download refresh log (CSV)", runs, "ingest_runs.csv", "runs_csv")
    _last_notes(store, runs)


STORY_ADVICE = (
    "Instagram stories leave the API 24 hours after they are posted, with their insights: "
    "refresh at least every 12 hours to catch every story (a story first read after a day is "
    "lost for good). Stories already read stay in the store."
)


def _last_notes(store: Store, runs: pd.DataFrame) -> None:
    """What the last refresh skipped or could not get, and why (a partial run says so)."""
    with store.cursor() as cur:
        notes = queries.run(cur, "ingest_notes_last")
    st.subheader("What the last refresh could not get")
    last = runs.iloc[0]
    if last["status"] == "partial":
        missing = notes[notes["kind"] == "incomplete"]["message"].head(5).tolist()
        st.warning(
            "The last refresh was partial: some of what it asked for did not come. "
            + " ".join(missing),
            icon=":material/warning:",
        )
    if notes.empty:
        st.caption(
            "The last refresh failed and saved nothing: its error is in the table above."
            if last["status"] == "failed"
            else "Nothing: the last refresh got everything it asked for."
        )
        return
    st.dataframe(
        notes,
        hide_index=True,
        key="notes_table",
        column_config={
            "run_id": "Run",
            "kind": "What",
            "source": "Source",
            "object_id": "Account, post or story",
            "message": st.column_config.TextColumn("Why", width="large"),
        },
    )
    csv_download("Download the notes (CSV)", notes, "ingest_notes.csv", "notes_csv")


OUTCOME = "csv_outcome"  # the messages of the last import or removal, shown after the rerun
ROUND = "csv_import_round"  # how many imports this session made: names the next uploader
REMOVING = "csv_remove_pending"  # the import a click on "Remove import" asks to confirm
# how a person using the form gives what a file lacks (ImportNeedsInputError.needs)
FORM_GIVES = {
    "day": "in the field 'Day for ads exports without a day column' above",
    "account": "in the field 'Instagram account' above",
}
NEW_ACCOUNT_HELP = (
    "For Instagram post exports that do not say whose posts they are: an account already in "
    "the store, or type a new name. Files that name their account keep it."
)


def _imports(store: Store) -> None:
    """Upload Ads Manager or Instagram CSV exports; list and remove earlier imports.

    An import or a removal keeps its messages in the session and reruns the page, so every
    section (Tables, Last refreshes, the imports) is read again from the new store and the
    messages stay on screen after that rerun."""
    st.subheader("Import CSV files")
    st.caption(
        "Exports of Meta Ads Manager (campaigns, ad sets or ads, best with the breakdown by "
        "day, age and gender; an export by ad set or ad keeps its ad sets and ads, also by "
        "placement) or of Instagram posts. Each file is checked completely and written in one "
        "step, or not at all; importing a file again replaces its rows. Where the API has the "
        "same rows, the API's figures are kept."
    )
    accounts = importer.known_accounts(store)
    with st.form("csv_import", clear_on_submit=True, border=False):
        # a new uploader after each import: the browser's file input is new, so picking the
        # same file again (after giving the account the message asked for) uploads it again
        files = st.file_uploader(
            "CSV files",
            type=["csv", "txt", "tsv"],
            accept_multiple_files=True,
            key=f"csv_files_{st.session_state.get(ROUND, 0)}",
        )
        on_day = st.date_input(
            "Day for ads exports without a day column (optional)", value=None, key="csv_day"
        )
        account = st.selectbox(
            "Instagram account, for post exports that do not name one",
            list(accounts),
            index=None,
            format_func=lambda a: accounts.get(a, a),
            accept_new_options=True,
            placeholder="Choose an account or type a new name",
            help=NEW_ACCOUNT_HELP,
            key="csv_account",
        )
        submitted = st.form_submit_button("Import", icon=":material/upload_file:")
    if submitted and files:
        chosen = str(account).strip() if account else None
        st.session_state[OUTCOME] = [
            message
            for uploaded in files
            for message in _import_one(store, uploaded, on_day, chosen)
        ]
        st.session_state.pop(REMOVING, None)
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.rerun()
    _outcome()
    imports = importer.list_imports(store)
    if imports.empty:
        return
    st.dataframe(
        imports,
        hide_index=True,
        key="imports_table",
        column_config={
            "import_id": "Import",
            "file_name": "File",
            "kind": "Kind",
            "rows_read": columns.count("Rows read"),
            "rows_written": columns.count("Rows written"),
            "first_day": columns.day("First day"),
            "last_day": columns.day("Last day"),
            "imported_at": columns.moment("Imported"),
            "notes": st.column_config.TextColumn("What the file lacks", width="large"),
        },
    )
    _remove(store, imports)


def _import_one(
    store: Store, uploaded: Any, on_day: date | None, account: str | None
) -> list[tuple[str, str]]:
    """One uploaded file into the store: its messages, as (level, Markdown text)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        with open(path, "wb") as handle:
            while chunk := uploaded.read(1 << 20):
                handle.write(chunk)
        try:
            result = importer.import_file(
                store,
                path,
                on_day=on_day,
                account=account,
                file_name=uploaded.name,
                ask_account=True,
            )
        except importer.ImportNeedsInputError as exc:
            return [("error", md(exc.explain(FORM_GIVES[exc.needs])))]
        except importer.ImportFileError as exc:
            return [("error", md(exc))]
    again = " It had been imported before: its rows were replaced." if result.replaced else ""
    ads = f", its {result.ads:,} ads in {result.ad_sets:,} ad sets kept" if result.ads else ""
    messages = [
        (
            "success",
            f"Imported {md(result.file_name)} ({result.kind}): {result.rows_read:,} rows read, "
            f"{result.rows_written:,} written{ads}.{again}",
        )
    ]
    if result.notes:
        lacks = " ".join(md(note) for note in result.notes)
        messages.append(("warning", f"{md(result.file_name)}: {lacks}"))
    return messages


def _outcome() -> None:
    """The messages of the last import or removal (kept until the next one)."""
    for level, text in st.session_state.get(OUTCOME, []):
        if level == "error":
            st.error(text, icon=":material/error:")
        elif level == "warning":
            st.warning(text, icon=":material/warning:")
        else:
            st.success(text, icon=":material/check_circle:")


def _remove(store: Store, imports: pd.DataFrame) -> None:
    """Remove an import, after a confirmation that names the file and its rows."""
    choice = st.selectbox(
        "Remove an import (its rows leave the store)",
        [None, *imports["import_id"].tolist()],
        format_func=lambda i: "–" if i is None else _import_label(imports, i),
        key="csv_remove_choice",
    )
    if choice is not None and st.button("Remove import", key="csv_remove", type="secondary"):
        st.session_state[REMOVING] = int(choice)
    pending = st.session_state.get(REMOVING)
    if pending is None or choice is None or int(choice) != pending:
        st.session_state.pop(REMOVING, None)  # another choice: the question no longer stands
        return
    row = imports[imports["import_id"] == pending].iloc[0]
    what = f"{md(row['file_name'])} ({int(row['rows_written']):,} rows)"
    st.warning(f"Remove {what}? This cannot be undone.", icon=":material/warning:")
    confirm, cancel, _ = st.columns([1, 1, 4])
    if confirm.button("Confirm", key="csv_remove_confirm", type="primary"):
        removed = importer.remove_import(store, pending)
        st.session_state[OUTCOME] = [
            ("success", f"Import {pending} removed: {md(row['file_name'])}, {removed:,} rows.")
        ]
        st.session_state.pop(REMOVING, None)
        st.rerun()
    if cancel.button("Cancel", key="csv_remove_cancel"):
        st.session_state.pop(REMOVING, None)
        st.rerun()


def _import_label(imports: pd.DataFrame, import_id: int) -> str:
    row = imports[imports["import_id"] == import_id].iloc[0]
    return f"{import_id}: {row['file_name']} ({row['rows_written']:,} rows)"


def _restated(store: Store) -> None:
    """Past figures the latest refresh changed (late conversions, corrections)."""
    with store.cursor() as cur:
        changes = restatements.last_changes(cur)
    st.subheader("Past figures the last refresh changed")
    if changes.empty:
        st.caption(
            "No refresh has changed a day already stored yet. Ad figures of the last 28 days "
            "can still move (conversions are attributed late); changes will be listed here."
        )
        return
    st.markdown("\n".join(f"- {md(text)}" for text in changes["sentence"].head(8)))
    shown = changes[["date", "metric", "before", "after"]]
    with st.expander(f"All {len(changes)} changes"):
        st.dataframe(
            shown,
            hide_index=True,
            key="restated_table",
            column_config={"date": columns.day("Day")},
        )
    csv_download("Download changed figures (CSV)", shown, "changed_figures.csv", "restated_csv")


def _api_access(store: Store, settings: Settings) -> None:
    """The token's expiry and the API versions, warned about days ahead."""
    with store.cursor() as cur:
        lines = access_lines(cur, settings)
    for line in lines:
        if line.level == "warning":
            st.warning(line.text, icon=":material/warning:")
    infos = [line.text for line in lines if line.level == "info"]
    if infos:
        st.caption(" ".join(infos))
