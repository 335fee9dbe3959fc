"""CSV export of exactly what a table or chart shows, safe to open in a spreadsheet."""

from __future__ import annotations

import re

import pandas as pd

# OWASP's CSV-injection guidance: cells starting with these are run as formulas by a spreadsheet
# (LibreOffice also runs one behind a leading NUL); OWASP's advice is a leading apostrophe, which
# spreadsheets show as text. Only text columns are touched: a negative number stays one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
# Left as written, not prefixed, because nothing in them can run: a plain number ("-5", "+3.5",
# "-5%"), read as that number by every spreadsheet, and a bare handle ("@brand.shop"), which
# holds no call, operator or reference to another program
_HARMLESS = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?|@[A-Za-z0-9_.]+")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with a quote."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _HARMLESS.fullmatch(value)
    ):
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
    """UTF-8 CSV with a header row, text columns neutralised.

    Rows end in CRLF (RFC 4180): the csv writer quotes every field holding a character of the
    line ending, so a CR inside a name is quoted too and cannot start a new row."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
