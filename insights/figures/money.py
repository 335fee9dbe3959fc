"""How an amount of money is written: in its ad account's currency, with that currency's
decimals (ISO 4217 minor units: JPY and KRW have none), never with an assumed dollar.

A money figure is only ever written together with its currency; where the currency is not
known (an import that did not name it) the amount is written with no symbol at all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from insights.figures.metrics import MONEY_SUMS, PAID_SUMS

# ISO 4217 minor units of the currencies Meta ad accounts can use that do not have two.
# (Meta's budget offset is another matter: insights.ingest.values.OFFSET_ONE_CURRENCIES.)
_DECIMALS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}

# Symbols written before the amount where the symbol names one currency without doubt; every
# other currency is written with its code ("1,234.56 CHF").
_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "KRW": "₩",
    "INR": "₹",
    "ILS": "₪",
    "VND": "₫",
    "PHP": "₱",
    "NGN": "₦",
    "UAH": "₴",
    "TRY": "₺",
}


def code(currency: object) -> str:
    """The ISO 4217 code, upper case; '' when unknown."""
    if not isinstance(currency, str):
        return ""
    return currency.strip().upper()


def decimals(currency: object) -> int:
    """How many decimals an amount in this currency is written with (2 when unknown)."""
    return _DECIMALS.get(code(currency), 2)


def symbol(currency: object) -> str:
    """'$' for USD, '€' for EUR ...; '' where a symbol would be ambiguous or unknown."""
    return _SYMBOLS.get(code(currency), "")


def amount(number: object, currency: object) -> str:
    """'$1,234.56', '€1,234.56', '¥123,457', '1,234.56 CHF'; '–' when empty."""
    if number is None or not isinstance(number, int | float) or math.isnan(float(number)):
        try:
            number = float(number)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return "–"
        if math.isnan(number):
            return "–"
    iso = code(currency)
    return _written(float(number), decimals(iso), symbol(iso), iso)


def amounts(numbers: Iterable[object], currencies: Iterable[object]) -> list[str]:
    """`amount` of each number in its own currency (the same texts), each currency's rules
    looked up once: a column of thousands of amounts is written on every rerun."""
    rules: dict[object, tuple[int, str, str]] = {}
    out = []
    for number, currency in zip(numbers, currencies, strict=True):
        if not isinstance(number, int | float) or math.isnan(number):
            out.append(amount(number, currency))  # empty, or not a plain number
            continue
        rule = rules.get(currency)
        if rule is None:
            iso = code(currency)
            rule = rules[currency] = (decimals(iso), symbol(iso), iso)
        out.append(_written(float(number), *rule))
    return out


def _written(value: float, places: int, sign_of: str, iso: str) -> str:
    text = _half_up(abs(value), places)  # half up, as an amount is rounded on a statement
    sign = "-" if value < 0 and text.strip("0.,") else ""
    if sign_of:
        return f"{sign}{sign_of}{text}"
    return f"{sign}{text} {iso}" if iso else f"{sign}{text}"


def _half_up(value: float, places: int) -> str:
    """`value` (not negative) to `places` decimals, rounded half up on the number as written
    (2.675 -> '2.68'), with thousands separators. An amount that has no more decimals than
    that (most do: the tables hold amounts already rounded) is written as it is, without the
    cost of a Decimal."""
    written = repr(value)
    whole, dot, fraction = written.partition(".")
    if whole.isdigit() and len(fraction.rstrip("0")) <= places:
        return f"{value:,.{places}f}"  # exact: no digit beyond `places` to round
    exact = Decimal(written).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{exact:,.{places}f}"


def compact(number: float, currency: object) -> str:
    """An amount in a few characters, still in its currency: '$12.1K', '€3.4M', '1.23K CHF'
    (three significant digits; an amount under 1,000 is written exactly)."""
    if abs(number) < 1000:
        return amount(number, currency)
    sign = "-" if number < 0 else ""
    shown = compact_number(abs(number))
    iso = code(currency)
    if symbol(iso):
        return f"{sign}{symbol(iso)}{shown}"
    return f"{sign}{shown} {iso}" if iso else f"{sign}{shown}"


_SCALES = ((1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T"))


def compact_number(number: float) -> str:
    """12128.99 -> '12.1K', 1089182 -> '1.09M', 999950 -> '1M': three significant digits and
    a K, M, B or T (a number under 1,000 to three significant digits, without a suffix)."""
    size, sign = abs(float(number)), "-" if number < 0 else ""
    at = sum(size >= step for step, _ in _SCALES) - 1  # the largest scale the number reaches
    scaled = float(f"{size / (_SCALES[at][0] if at >= 0 else 1):.3g}")
    if scaled >= 1000 and at < len(_SCALES) - 1:  # 999.95K rounds to 1000K: that is 1M
        at += 1
        scaled = float(f"{size / _SCALES[at][0]:.3g}")
    suffix = _SCALES[at][1] if at >= 0 else ""
    places = max(0, 2 - int(math.floor(math.log10(scaled)))) if scaled else 0
    text = f"{scaled:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{sign}{text}{suffix}"


def rounded(number: float, currency: object) -> float:
    """An amount rounded to its currency's decimals."""
    return round(float(number), decimals(currency))


def label(currency: object) -> str:
    """What a column heading says the money is in: 'EUR'; 'currency unknown' when unknown."""
    return code(currency) or "currency unknown"


# -- frames of several currencies --------------------------------------------------------------


def currencies(frame: pd.DataFrame) -> list[str | None]:
    """The currencies of a frame with a `currency` column, in order (None: not known)."""
    if "currency" not in frame or frame.empty:
        return []
    column = frame["currency"]
    found: set[str | None] = {str(c) for c in column.dropna().unique()}
    if column.isna().any():
        found.add(None)
    return sorted(found, key=lambda c: (c is None, c or ""))


def one_currency(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A frame of sums per `keys` and currency summed over currencies: the counts add up, the
    money sums only where the frame holds one currency (NaN otherwise: money is never added
    across currencies). `currency` is that one currency, or None; the frame's
    `attrs["currencies"]` lists them all."""
    found = currencies(frame)
    if len(found) <= 1:
        out = frame.copy()
        out["currency"] = found[0] if found else None
        out.attrs["currencies"] = found
        return out
    sums = [c for c in PAID_SUMS if c in frame]
    numbers = frame[keys].copy()
    for column in sums:
        numbers[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    out = numbers.groupby(keys, as_index=False, sort=False)[sums].sum()
    for column in MONEY_SUMS:
        if column in out:
            out[column] = math.nan
    out["currency"] = None
    out.attrs["currencies"] = found
    return out
