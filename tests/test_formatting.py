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
