"""How changes are written: a change that rounds to nothing never reads as a rise or a fall."""

from __future__ import annotations

import math

import pytest

from insights.figures import formatting, metrics


@pytest.mark.parametrize(
    ("now", "before", "shown", "flat"),
    [
        (100.02, 100.0, "0.0%", True),  # +0.02%: would be "+0.0%" with a green arrow
        (99.98, 100.0, "0.0%", True),  # -0.02%: would be "-0.0%" with a red one
        (100.0, 100.0, "0.0%", True),
        (100.06, 100.0, "+0.1%", False),  # the smallest change that shows
        (94.0, 100.0, "-6.0%", False),
        (250.0, 100.0, "+150.0%", False),
    ],
)
def test_a_change_that_rounds_to_nothing_is_unsigned_and_flat(now, before, shown, flat):
    delta = metrics.change(now, before)
    assert formatting.change(delta) == shown
    assert formatting.is_flat(delta) is flat


def test_no_comparison_is_no_change():
    assert formatting.change(math.nan) is None
    assert formatting.is_flat(math.nan) is False
    assert formatting.is_flat(None) is False


@pytest.mark.parametrize(
    ("number", "unit", "currency", "shown", "exact"),
    [
        (9226.37, "money", "EUR", "€9,226.37", None),  # nine characters fit a card
        (12128.99, "money", "USD", "$12.1K", "$12,128.99"),
        (105391.06, "money", "USD", "$105K", "$105,391.06"),
        (-25774.09, "money", "EUR", "-€25.8K", "-€25,774.09"),
        (1234.56, "money", "CHF", "1.23K CHF", "1,234.56 CHF"),  # a code, not a symbol
        (1234567, "money", "JPY", "¥1.23M", "¥1,234,567"),
        (3167101, "count", None, "3,167,101", None),
        (12345678, "count", None, "12.3M", "12,345,678"),
        (999_950_000, "count", None, "1B", "999,950,000"),  # 999.95M rounds up to 1B
        (0.0127, "percent", None, "1.27%", None),
    ],
)
def test_a_card_writes_a_long_value_compactly_and_keeps_the_exact_one(
    number, unit, currency, shown, exact
):
    assert formatting.card_value(number, unit, currency) == (shown, exact)


def test_days_and_moments_are_written_one_way():
    from datetime import UTC, date, datetime

    assert formatting.day(date(2026, 12, 2)) == "2 Dec 2026"
    assert formatting.days(date(2026, 8, 25), date(2026, 11, 22)) == "25 Aug 2026 – 22 Nov 2026"
    assert formatting.days(date(2026, 8, 25), date(2026, 8, 25)) == "25 Aug 2026"
    moment = datetime(2026, 12, 2, 14, 43, 21, tzinfo=UTC)
    assert formatting.moment(moment) == "2 Dec 2026, 14:43 UTC"
    assert formatting.moment(moment, "Europe/Berlin") == "2 Dec 2026, 15:43 CET"
    assert formatting.moment(moment.replace(tzinfo=None), "Asia/Tokyo") == "2 Dec 2026, 23:43 JST"
