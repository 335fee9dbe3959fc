"""The periods of the date presets, a definition the pages and the refresh share: a page's
range is a preset's period ending on the last day with data, and the refresh reads Meta's
reach for the same periods (ingest.period_reach). Plain dates only, so that the layers
below the figures may read it."""

from __future__ import annotations

from datetime import date, timedelta

# the presets whose periods the refresh reads reach for, in the order a sentence names them
REACH_PRESETS = ("last_7", "last_28", "last_30", "last_90", "this_month", "last_month")
REACH_LEVELS = ("campaign", "adset", "ad")


def preset_range(preset: str, anchor: date) -> tuple[date, date]:
    """The inclusive date range of a preset, ending at `anchor` (the last day with data; for
    "yesterday", the last full day up to it)."""
    if preset == "yesterday":
        day = min(anchor, date.today() - timedelta(days=1))
        return day, day
    if preset in ("last_7", "last_28", "last_30", "last_90"):
        days = int(preset.split("_")[1])
        return anchor - timedelta(days=days - 1), anchor
    if preset == "this_month":
        return anchor.replace(day=1), anchor
    if preset == "last_month":
        last = anchor.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "ytd":
        return anchor.replace(month=1, day=1), anchor
    raise ValueError(f"unknown preset {preset!r}")


def reach_periods(anchor: date) -> list[tuple[date, date]]:
    """The distinct periods of REACH_PRESETS ending at `anchor`, oldest first (this month
    and the last 7 days are the same period on the 7th)."""
    return sorted({preset_range(p, anchor) for p in REACH_PRESETS})
