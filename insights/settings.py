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

from insights.versions import DEFAULT_VERSION, split_base_url

# Ads Manager's "Purchases" column counts purchases on every channel (website, app, on Meta,
# offline): the omni_purchase action type (README, "Purchases"). Per account: a setting.
DEFAULT_PURCHASE_TYPE = "omni_purchase"


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
        "https://graph.facebook.com",
        "Base URL of the Graph and Marketing APIs, without a version (used with source "
        "'graph'; a version at its end is used where the version settings are not set).",
    ),
    SettingSpec(
        "ads_api_version",
        "INSIGHTS_ADS_API_VERSION",
        "",
        f"Marketing API version for ads calls (default {DEFAULT_VERSION}; versions end about "
        "a year after release).",
    ),
    SettingSpec(
        "ig_api_version",
        "INSIGHTS_IG_API_VERSION",
        "",
        f"Graph API version for Instagram calls (default {DEFAULT_VERSION}).",
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
        DEFAULT_PURCHASE_TYPE,
        "The ONE action type counted as a purchase (never summed with look-alikes), for "
        "every ad account not named in INSIGHTS_CONVERSION_ACTION_TYPES.",
    ),
    SettingSpec(
        "conversion_action_types",
        "INSIGHTS_CONVERSION_ACTION_TYPES",
        (),
        "Per ad account purchase action types, e.g. act_123=offsite_conversion.fb_pixel_purchase "
        "(comma-separated).",
        _csv_list,
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
    SettingSpec(
        "run_deadline_s",
        "INSIGHTS_RUN_DEADLINE",
        14_400.0,
        "Most seconds one ingest may take before it stops (nothing saved).",
        float,
    ),
    SettingSpec(
        "max_response_mb",
        "INSIGHTS_MAX_RESPONSE_MB",
        64,
        "Largest API answer accepted, in MB, compressed or decompressed.",
        int,
    ),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with `Settings.from_env()`; override with `.with_(...)`."""

    db_path: Path = Path("data/insights.duckdb")
    source: str = "demo"
    base_url: str = "https://graph.facebook.com"
    ads_api_version: str = ""
    ig_api_version: str = ""
    ig_user_ids: tuple[str, ...] = ()
    ad_account_ids: tuple[str, ...] = ()
    lookback_days: int = 28
    history_days: int = 730
    conversion_action_type: str = DEFAULT_PURCHASE_TYPE
    conversion_action_types: tuple[str, ...] = ()
    timeout_s: float = 30.0
    max_retries: int = 5
    backoff_base_s: float = 1.0
    rate_limit_max_wait_s: float = 600.0
    max_workers: int = 4
    ig_history_days: int = 90
    run_deadline_s: float = 14_400.0
    max_response_mb: int = 64
    access_token: str | None = field(default=None, repr=False)
    app_secret: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by the INSIGHTS_* environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in SPECS:
            raw = env.get(spec.env)
            values[spec.name] = spec.parse(raw) if raw not in (None, "") else spec.default
        values["access_token"] = env.get("INSIGHTS_ACCESS_TOKEN") or None
        values["app_secret"] = env.get("INSIGHTS_APP_SECRET") or None
        return cls(**values)

    def api_url(self, api: str) -> str:
        """The base URL of one API ('ads' or 'instagram') with its version."""
        host, url_version = split_base_url(self.base_url)
        own = self.ads_api_version if api == "ads" else self.ig_api_version
        return f"{host}/{own or url_version or DEFAULT_VERSION}"

    def api_version(self, api: str) -> str:
        return self.api_url(api).rsplit("/", 1)[1]

    def purchase_action_type(self, ad_account_id: str) -> str:
        """The action type counted as a purchase for one ad account (its own setting, else
        the default)."""
        wanted = ad_account_id.removeprefix("act_")
        for item in self.conversion_action_types:
            account, sep, action_type = item.partition("=")
            if sep and account.strip().removeprefix("act_") == wanted and action_type.strip():
                return action_type.strip()
        return self.conversion_action_type

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
