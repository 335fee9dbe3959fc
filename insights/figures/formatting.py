"""How numbers are written: on the page and in the insight sentences, the same way."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from insights.figures import money
from insights.figures.metrics import Unit


def value(number: float, unit: Unit, currency: str | None = None) -> str:
    """A KPI value for a card: '$1,234.56' / '¥123,457' (money in `currency`, its ISO code;
    no symbol when it is not known), '1.23%', '3.4x', '12,345'; '–' when empty."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return "–"
    if unit == "money":
        return money.amount(number, currency)
    if unit == "percent":
        return f"{number:.2%}"
    if unit == "ratio":
        return f"{number:,.2f}x"
    return f"{number:,.0f}"


def values(
    numbers: Sequence[float | None], unit: Unit, currencies: Sequence[str | None]
) -> list[str]:
    """`value` of a whole column, each number in its row's currency (the same texts)."""
    if unit == "money":
        return money.amounts(numbers, currencies)
    return [value(n, unit) for n in numbers]  # type: ignore[arg-type]


# How many characters of a value a KPI card shows whole: the cards stand four across, and at
# 1280 px (the sidebar open) a value of 36 px type has about 160 px, nine characters
# ("€9,226.37", "3,167,101"); a longer value is written compactly, the exact one on hover.
CARD_CHARACTERS = 9


def card_value(number: float, unit: Unit, currency: str | None = None) -> tuple[str, str | None]:
    """A KPI card's value and, when that is a compact form ('$12.1K', '1.09M') because the
    exact value would not fit the card, the exact value ('$12,128.99'); else None."""
    exact = value(number, unit, currency)
    if len(exact) <= CARD_CHARACTERS or unit not in ("money", "count"):
        return exact, None
    if unit == "money":
        return money.compact(number, currency), exact
    return money.compact_number(number), exact


def change(delta: float) -> str | None:
    """A relative change for a card's delta ('+12.3%'), None when there is none; a change that
    rounds to nothing is '0.0%', without a sign (never '+0.0%' read as a rise)."""
    if delta is None or math.isnan(delta):
        return None
    if is_flat(delta):
        return "0.0%"
    return f"{delta:+.1%}"


def is_flat(delta: float | None) -> bool:
    """True for a change too small to show (it rounds to 0.0%): drawn without arrow or colour."""
    return delta is not None and not math.isnan(delta) and abs(delta) < 0.0005


def day(when: date) -> str:
    """A calendar day, the one way every page writes it: '2 Dec 2026'."""
    return f"{when.day} {when:%b %Y}"


def days(since: date, until: date) -> str:
    """A range of days: '25 Aug 2026 – 22 Nov 2026', one day alone when they are the same."""
    return day(since) if since == until else f"{day(since)} – {day(until)}"


def moment(when: datetime, zone: str = "UTC") -> str:
    """A point in time in the viewer's time zone: '2 Dec 2026, 15:43 CET' (a naive time is
    taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    local = when.astimezone(ZoneInfo(zone))
    return f"{day(local)}, {local:%H:%M} {local.tzname() or zone}"
