"""Widgets every page uses the same way."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from insights.render import csv_export as export


def csv_download(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A CSV download of exactly `frame` (formula-injection safe, UTF-8 with a header) that
    does not rerun the page."""
    st.download_button(
        label,
        export.to_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
