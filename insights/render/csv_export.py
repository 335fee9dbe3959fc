"""CSV export of exactly what a table or chart shows, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import math
import re

import pandas as pd

# OWASP's CSV-injection guidance: wrap each text field in double quotes, and where a spreadsheet
# would still read the cell as a formula, prefix it with an apostrophe (shown as text). Every
# text field is quoted here; LibreOffice reads a quoted field starting with + - or @ as text and
# runs only a quoted "=..." (tests/test_export_spreadsheet.py shows both), Excel also runs a
# quoted "+1+1", "-2-A1" or "@SUM(A1)". So a cell is prefixed only when it starts with "=", a
# tab, a CR or a NUL (LibreOffice also runs a formula behind those), or with + - @ followed by
# anything a formula is made of (a call, an operator, a reference to another program). Plain
# numbers ("-5", "+3.5", "-5%"), handles ("@brand.shop") and words ("- summer sale",
# "@handle's picks") stay exactly as written. Only text is touched: a negative number stays one.
_ALWAYS = ("=", "\t", "\r", "\0")
_SIGNS = ("+", "-", "@")
_FORMULA_PART = re.compile(r"[=+\-*/^&<>()!|;:{}\[\]\"\t\r\n\0]")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if not isinstance(value, str):
        return value
    if value.startswith(_ALWAYS):
        return "'" + value
    if value.startswith(_SIGNS) and _FORMULA_PART.search(value, 1):
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


def _field(value: object) -> str:
    """One CSV field: text in double quotes (a quote inside doubled), a number or date bare,
    an empty value empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):  # a day as a day, a moment in ISO 8601
        midnight = value.tzinfo is None and value == value.normalize()
        return value.date().isoformat() if midnight else value.isoformat()
    return str(value)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a header row, every text field quoted and neutralised, numbers bare.

    Rows end in CRLF (RFC 4180): a CR or LF inside a field is inside its quotes, so it cannot
    start a new row."""
    head = io.StringIO()
    csv.writer(head, lineterminator="\r\n").writerow([neutralise(str(c)) for c in frame.columns])
    safe = safe_frame(frame)
    rows = (",".join(_field(v) for v in row) for row in safe.itertuples(index=False, name=None))
    return (head.getvalue() + "".join(f"{r}\r\n" for r in rows)).encode("utf-8")
