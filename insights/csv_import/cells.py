"""How an export writes its text and values: the encoding (UTF-8, UTF-8 with a BOM, UTF-16 as
Excel writes it), the delimiter, numbers (decimal commas, thousands separators, currency
signs), days and times, and the bounds a real figure or day stays within (reader.py names the
file, line and column of a value that does not)."""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import BinaryIO

CENT = Decimal("0.01")
MAX_COUNT = Decimal(10) ** 15
MAX_MONEY = Decimal(10) ** 13
FIRST_AD_DAY = date(2007, 11, 6)  # Facebook Ads launched
FIRST_POST_DAY = date(2010, 10, 6)  # Instagram launched
LATEST_ZONE = timedelta(hours=14)  # UTC+14: where today ends last
_CURRENCY = re.compile(r"[$€£¥]|\b[A-Z]{3}\b")
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d",
)


def text_stream(raw: BinaryIO) -> io.TextIOBase:
    head = raw.read(4)
    raw.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(head) >= 2 and (head[1:2] == b"\x00" or head[0:1] == b"\x00"):
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    else:
        encoding = "utf-8"
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


def delimiter_of(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Numbers:
    """How this file writes numbers: decided once from the delimiter and the first values."""

    decimal_comma: bool

    def clean(self, text: str) -> str:
        text = _CURRENCY.sub("", text.replace("\xa0", "").replace(" ", "").replace("'", ""))
        if self.decimal_comma:
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")

    def integer(self, text: str) -> int:
        number = in_range(Decimal(self.clean(text)), MAX_COUNT)
        if number != number.to_integral_value():
            raise InvalidOperation
        return int(number)

    def money(self, text: str) -> Decimal:
        return in_range(Decimal(self.clean(text)), MAX_MONEY).quantize(CENT, ROUND_HALF_UP)


class OutOfRange(ValueError):
    """A value that is a number or a date, but not one an export can hold."""


def in_range(number: Decimal, biggest: Decimal) -> Decimal:
    if not number.is_finite():
        raise InvalidOperation
    if number < 0:
        raise OutOfRange("is negative: an export's figures are never below zero")
    if number >= biggest:
        raise OutOfRange("is too large to be a real figure")
    return number


def check_day(day: date, earliest: date, what: str) -> date:
    today = (datetime.now(UTC) + LATEST_ZONE).date()
    if day > today:
        raise OutOfRange(f"is in the future (today is {today:%Y-%m-%d} at the latest)")
    if day < earliest:
        raise OutOfRange(f"is before {what} (on {earliest:%d %b %Y})")
    return day


def decimal_comma(delimiter: str, sample_rows: list[list[str]]) -> bool:
    """A file uses decimal commas if a value looks like 12,5 / 1.234,56 (or, when nothing
    says otherwise, if it is semicolon-separated, as European Excel writes it)."""
    comma = re.compile(r"^-?[\d.]*\d,\d{1,2}$|^-?\d{1,3}(\.\d{3})+(,\d+)?$")
    dot = re.compile(r"^-?[\d,]*\d\.\d{1,2}$|^-?\d{1,3}(,\d{3})+(\.\d+)?$")
    votes = {True: 0, False: 0}
    for row in sample_rows:
        for cell in row:
            cell = cell.strip()
            if comma.match(cell) and not dot.match(cell):
                votes[True] += 1
            elif dot.match(cell) and not comma.match(cell):
                votes[False] += 1
    if votes[True] != votes[False]:
        return votes[True] > votes[False]
    return delimiter == ";"


def parse_day(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def parse_time(text: str) -> datetime:
    text = text.strip().replace("+0000", "+00:00")
    for fmt in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    raise ValueError
