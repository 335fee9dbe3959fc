"""CSV export of exactly what a table or chart shows, safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

# Cells starting with these are run as formulas by spreadsheets (CSV injection); tab and CR
# are in the same family (OWASP). Only text columns are touched: a negative number stays one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text column neutralised against formula injection."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralise)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a header row, text columns neutralised."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8")
