"""Widgets every page uses the same way."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from insights.render import csv_export as export


def csv_download(
    label: str, frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, key: str
) -> None:
    """A CSV download of exactly `frame` (formula-injection safe, UTF-8 with a header) that
    does not rerun the page. The file is written when the button is clicked, not on every
    rerun (a page has up to ten downloads); `frame` may be a function that builds it then."""

    def written() -> bytes:
        return export.to_csv_bytes(frame() if callable(frame) else frame)

    st.download_button(
        label,
        written,
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
