"""How numbers are written: on the page and in the insight sentences, the same way."""

from __future__ import annotations

import math

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
