"""The rate-limit usage headers of a Graph API answer (GRAPH_API.md, usage headers): how close
the app, the ad account or the business use case is to its limit, and how long until it
regains access."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Usage:
    """What the usage headers of one answer say (GRAPH_API.md, usage headers)."""

    highest: float = 0.0  # the highest percent of any limit
    regain_s: float = 0.0  # X-Business-Use-Case-Usage estimated_time_to_regain_access
    reset_s: float = 0.0  # X-Ad-Account-Usage reset_time_duration


_PERCENT_KEYS = frozenset(
    {"call_count", "total_cputime", "total_time", "app_id_util_pct", "acc_id_util_pct"}
)


def read_usage(headers: Mapping[str, str]) -> Usage:
    """The usage headers of an answer (errors included); malformed JSON is ignored."""
    highest, regain_s, reset_s = 0.0, 0.0, 0.0
    for name in (
        "X-App-Usage",
        "X-Ad-Account-Usage",
        "X-FB-Ads-Insights-Throttle",
        "X-Business-Use-Case-Usage",
    ):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = []
        if name == "X-Business-Use-Case-Usage" and isinstance(value, dict):
            for items in value.values():
                entries.extend(items if isinstance(items, list) else [items])
        else:
            entries.append(value)
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for key, number in entry.items():
                if not isinstance(number, int | float) or isinstance(number, bool):
                    continue
                if key == "estimated_time_to_regain_access":  # minutes
                    regain_s = max(regain_s, float(number) * 60.0)
                elif key == "reset_time_duration":  # seconds
                    reset_s = max(reset_s, float(number))
                elif key in _PERCENT_KEYS:
                    highest = max(highest, float(number))
    return Usage(highest, regain_s, reset_s)
