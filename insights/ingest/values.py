"""API values as the store holds them: numbers, money, times and ids from the JSON of the
Graph and Marketing APIs, and rows as Arrow tables of a schema.

Numbers arrive as JSON strings in the Marketing API ("12.34"): money is parsed as Decimal and
stored as DECIMAL(18,2), never through float. A value that cannot be right (not a number, too
large to store, a negative count) is an IngestError that names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pyarrow as pa

from insights.errors import IngestError

MONEY = pa.decimal128(18, 2)
CENT = Decimal("0.01")
BIGGEST_INT = 2**63 - 1  # BIGINT
BIGGEST_MONEY = Decimal(10) ** 16  # DECIMAL(18, 2) holds 16 digits before the point


def to_table(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows (dicts keyed by column) as an Arrow table of exactly `schema`."""
    return pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema)


def parse_int(value: Any, what: str) -> int | None:
    """An integer from a JSON number or string; None stays None; anything else is an error."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise IngestError(f"The API sent {what} = {value!r}, which is not a number.")
    if isinstance(value, int):
        return _in_range(value, value, what)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise IngestError(
            f"The API sent {what} = {str(value)[:40]!r}, which is not a number."
        ) from None
    if not number.is_finite():
        raise IngestError(f"The API sent {what} = {str(value)[:40]!r}, which is not a number.")
    if number != number.to_integral_value():
        raise IngestError(f"The API sent {what} = {value!r}, which is not a whole number.")
    return _in_range(int(number), value, what)


def _in_range(number: int, value: Any, what: str) -> int:
    if not -BIGGEST_INT <= number <= BIGGEST_INT:
        raise IngestError(
            f"The API sent {what} = {str(value)[:40]!r}, which is too large to store."
        )
    return number


def parse_count(value: Any, what: str) -> int | None:
    """A count (impressions, clicks, purchases ...): a whole number, never negative."""
    number = parse_int(value, what)
    if number is not None and number < 0:
        raise IngestError(f"The API sent {what} = {value!r}, a negative count.")
    return number


def parse_amount(value: Any, what: str) -> Decimal | None:
    """Money that cannot be negative (spend, conversion value)."""
    number = parse_money(value, what)
    if number is not None and number < 0:
        raise IngestError(f"The API sent {what} = {value!r}, a negative amount.")
    return number


def parse_money(value: Any, what: str) -> Decimal | None:
    """Exact money from a string like "12.34" (never via float), rounded to the cent."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise IngestError(
            f"The API sent {what} = {str(value)[:40]!r}, which is not an amount."
        ) from None
    if not number.is_finite():
        raise IngestError(f"The API sent {what} = {value!r}, which is not an amount.")
    if abs(number) >= BIGGEST_MONEY:
        raise IngestError(
            f"The API sent {what} = {str(value)[:40]!r}, which is too large to store."
        )
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


# Currencies whose amounts the Marketing API gives in whole units (offset 1): "5000" is 5,000
# yen, not 50. Every other currency has offset 100 ("5000" = 50.00). Meta, "Currencies".
OFFSET_ONE_CURRENCIES = frozenset(
    {"CLP", "COP", "CRC", "HUF", "IDR", "ISK", "JPY", "KRW", "PYG", "TWD"}
)


def currency_offset(currency: str | None) -> int:
    """How many API budget units make one unit of the currency (1 or 100)."""
    return 1 if str(currency or "").upper() in OFFSET_ONE_CURRENCIES else 100


def parse_minor_units(value: Any, what: str, offset: int = 100) -> Decimal | None:
    """Budgets and bids come in the currency's minor unit with its offset ("5000" = 50.00
    with offset 100, 5,000 with offset 1)."""
    units = parse_int(value, what)
    return None if units is None else (Decimal(units) / offset).quantize(CENT)


def parse_time(value: Any, what: str) -> datetime | None:
    """Graph timestamps look like 2025-05-01T18:22:05+0000; returned in UTC."""
    if not value:
        return None
    text = str(value)
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(text, fmt).astimezone(UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise IngestError(f"The API sent {what} = {text[:40]!r}, which is not a time.") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def parse_date(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise IngestError(
            f"The API sent {what} = {str(value)[:40]!r}, which is not a date."
        ) from None


def strip_act(ad_account_id: str) -> str:
    """Ad account ids are stored without the act_ prefix that the API paths need."""
    text = str(ad_account_id).strip()
    return text[4:] if text.lower().startswith("act_") else text
