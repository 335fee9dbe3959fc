"""Every setting of the product in one table: name, environment variable, default and help.

The CLI builds its options from this table and the app reads the same values, so a setting
means the same thing everywhere. The access token is deliberately not a flag: it is read from
the environment (or Streamlit secrets) only, so it never lands in shell history or `ps`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _csv_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class SettingSpec:
    """How one setting is named, parsed and explained."""

    name: str
    env: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "db_path",
        "INSIGHTS_DB",
        Path("data/insights.duckdb"),
        "DuckDB file of the store (created on first use).",
        Path,
    ),
    SettingSpec(
        "source",
        "INSIGHTS_SOURCE",
        "demo",
        "Where ingest reads from: 'demo' (bundled data set served by a local API) "
        "or 'graph' (the Graph and Marketing APIs at --base-url).",
    ),
    SettingSpec(
        "base_url",
        "INSIGHTS_GRAPH_URL",
        "https://graph.facebook.com/v21.0",
        "Base URL of the Graph API (used with source 'graph').",
    ),
    SettingSpec(
        "ig_user_ids",
        "INSIGHTS_IG_USER_IDS",
        (),
        "Instagram business account ids to ingest (comma-separated in the environment).",
        _csv_list,
    ),
    SettingSpec(
        "ad_account_ids",
        "INSIGHTS_AD_ACCOUNT_IDS",
        (),
        "Ad account ids to ingest, with or without the act_ prefix.",
        _csv_list,
    ),
    SettingSpec(
        "lookback_days",
        "INSIGHTS_LOOKBACK_DAYS",
        28,
        "Days of ad insights re-read and replaced on each refresh (late conversions).",
        int,
    ),
    SettingSpec(
        "history_days",
        "INSIGHTS_HISTORY_DAYS",
        730,
        "How far back the first ingest reads when the store is empty.",
        int,
    ),
    SettingSpec(
        "conversion_action_type",
        "INSIGHTS_CONVERSION_ACTION_TYPE",
        "purchase",
        "The ONE action type counted as a conversion (never summed with look-alikes).",
    ),
    SettingSpec(
        "timeout_s", "INSIGHTS_HTTP_TIMEOUT", 30.0, "Seconds before an API call times out.", float
    ),
    SettingSpec(
        "max_retries",
        "INSIGHTS_MAX_RETRIES",
        5,
        "Retries of a failing API call (server errors, timeouts) before the run fails.",
        int,
    ),
    SettingSpec(
        "backoff_base_s",
        "INSIGHTS_BACKOFF_BASE",
        1.0,
        "First retry wait in seconds; doubled on each retry, with jitter.",
        float,
    ),
    SettingSpec(
        "rate_limit_max_wait_s",
        "INSIGHTS_RATE_LIMIT_MAX_WAIT",
        600.0,
        "Most seconds one run waits for the API's rate limit before it fails.",
        float,
    ),
    SettingSpec(
        "max_workers", "INSIGHTS_MAX_WORKERS", 4, "Parallel API calls for per-post insights.", int
    ),
    SettingSpec(
        "ig_history_days",
        "INSIGHTS_IG_HISTORY_DAYS",
        90,
        "Days of Instagram account insights the first ingest reads (Meta keeps them 90 days).",
        int,
    ),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with `Settings.from_env()`; override with `.with_(...)`."""

    db_path: Path = Path("data/insights.duckdb")
    source: str = "demo"
    base_url: str = "https://graph.facebook.com/v21.0"
    ig_user_ids: tuple[str, ...] = ()
    ad_account_ids: tuple[str, ...] = ()
    lookback_days: int = 28
    history_days: int = 730
    conversion_action_type: str = "purchase"
    timeout_s: float = 30.0
    max_retries: int = 5
    backoff_base_s: float = 1.0
    rate_limit_max_wait_s: float = 600.0
    max_workers: int = 4
    ig_history_days: int = 90
    access_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by the INSIGHTS_* environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in SPECS:
            raw = env.get(spec.env)
            values[spec.name] = spec.parse(raw) if raw not in (None, "") else spec.default
        values["access_token"] = env.get("INSIGHTS_ACCESS_TOKEN") or None
        return cls(**values)

    def with_(self, **overrides: Any) -> Settings:
        """A copy with the given non-None values replaced (None means 'not given')."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def spec(name: str) -> SettingSpec:
    """The declaration of one setting, by name."""
    for item in SPECS:
        if item.name == name:
            return item
    raise KeyError(name)
