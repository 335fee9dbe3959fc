"""Every setting of the product in one table: name, environment variable, default and help.

The CLI builds its options from this table, the Settings defaults are taken from it, and the
app reads the same values, so a setting
means the same thing everywhere. The access token is deliberately not a flag: it is read from
the environment (or Streamlit secrets) only, so it never lands in shell history or `ps`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from insights.api.versions import DEFAULT_VERSION, split_base_url
from insights.errors import InsightsError

# Ads Manager's "Purchases" column counts purchases on every channel (website, app, on Meta,
# offline): the omni_purchase action type (README, "Purchases"). Per account: a setting.
DEFAULT_PURCHASE_TYPE = "omni_purchase"


class SettingsError(InsightsError):
    """A setting has a value it cannot take: named in one sentence, at start."""


def _csv_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _whole_number(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError("not a whole number") from None
    if value < 0:
        raise ValueError("below 0")
    return value


def _positive_whole_number(raw: str) -> int:
    value = _whole_number(raw)
    if value == 0:
        raise ValueError("0, where at least 1 is needed")
    return value


MIN_READ_MEMORY_MB = 100  # below a few tens of MB, DuckDB cannot hold a page's queries


def _memory_budget(raw: str) -> int:
    value = _whole_number(raw)
    if value < MIN_READ_MEMORY_MB:
        raise ValueError(f"{value} MB, where the pages' queries need at least {MIN_READ_MEMORY_MB}")
    return value


def _seconds(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError("not a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError("not a number of seconds of 0 or more")
    return value


def _url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError("not an http:// or https:// URL")
    return raw


@dataclass(frozen=True)
class SettingSpec:
    """How one setting is named, parsed and explained. `flag` is its CLI option (None: none);
    `choices` the only values it may take."""

    name: str
    env: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    flag: str | None = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None

    def convert(self, raw: str) -> Any:
        """The value of `raw`; a ValueError says in a few words what is wrong with it."""
        if self.choices is not None and raw not in self.choices:
            raise ValueError(f"not one of {', '.join(self.choices)}")
        return self.parse(raw)

    def shown_default(self) -> str:
        if self.default in ("", ()):
            return "none"
        return str(self.default)


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "db_path",
        "INSIGHTS_DB",
        Path("data/insights.duckdb"),
        "DuckDB file of the store (created on first use; a relative path is from the current "
        "folder).",
        Path,
        flag="--db",
        metavar="PATH",
    ),
    SettingSpec(
        "log_path",
        "INSIGHTS_LOG",
        Path("data/insights.log"),
        "File the CLI appends unexpected failures to, with their traceback (secrets masked), "
        "for the operator; created only when something is logged.",
        Path,
    ),
    SettingSpec(
        "source",
        "INSIGHTS_SOURCE",
        "demo",
        "Where ingest reads from: 'demo' (bundled data set served by a local API) "
        "or 'graph' (the Graph and Marketing APIs at --base-url).",
        flag="--source",
        choices=("demo", "graph"),
    ),
    SettingSpec(
        "base_url",
        "INSIGHTS_GRAPH_URL",
        "https://graph.facebook.com",
        "Base URL of the Graph and Marketing APIs, without a version (used with source "
        "'graph'; a version at its end is used where the version settings are not set).",
        _url,
        flag="--base-url",
        metavar="URL",
    ),
    SettingSpec(
        "ads_api_version",
        "INSIGHTS_ADS_API_VERSION",
        "",
        f"Marketing API version for ads calls (default {DEFAULT_VERSION}; versions end about "
        "a year after release).",
        flag="--ads-api-version",
        metavar="vNN.0",
    ),
    SettingSpec(
        "ig_api_version",
        "INSIGHTS_IG_API_VERSION",
        "",
        f"Graph API version for Instagram calls (default {DEFAULT_VERSION}).",
        flag="--ig-api-version",
        metavar="vNN.0",
    ),
    SettingSpec(
        "ig_user_ids",
        "INSIGHTS_IG_USER_IDS",
        (),
        "Instagram business account ids to ingest (comma-separated in the environment; the "
        "flag is repeatable).",
        _csv_list,
        flag="--ig-user-id",
        metavar="ID",
    ),
    SettingSpec(
        "ad_account_ids",
        "INSIGHTS_AD_ACCOUNT_IDS",
        (),
        "Ad account ids to ingest, with or without the act_ prefix (the flag is repeatable).",
        _csv_list,
        flag="--ad-account-id",
        metavar="act_ID",
    ),
    SettingSpec(
        "lookback_days",
        "INSIGHTS_LOOKBACK_DAYS",
        28,
        "Days of ad insights re-read and replaced on each refresh (late conversions).",
        _whole_number,
        flag="--lookback-days",
        metavar="N",
    ),
    SettingSpec(
        "history_days",
        "INSIGHTS_HISTORY_DAYS",
        730,
        "How far back the first ingest reads when the store is empty.",
        _positive_whole_number,
        flag="--history-days",
        metavar="N",
    ),
    SettingSpec(
        "conversion_action_type",
        "INSIGHTS_CONVERSION_ACTION_TYPE",
        DEFAULT_PURCHASE_TYPE,
        "The ONE action type counted as a purchase (never summed with look-alikes), for "
        "every ad account not named in INSIGHTS_CONVERSION_ACTION_TYPES.",
        flag="--conversion-action-type",
        metavar="TYPE",
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
        "timeout_s",
        "INSIGHTS_HTTP_TIMEOUT",
        30.0,
        "Seconds before an API call times out.",
        _seconds,
        flag="--http-timeout",
        metavar="S",
    ),
    SettingSpec(
        "max_retries",
        "INSIGHTS_MAX_RETRIES",
        5,
        "Retries of a failing API call (server errors, timeouts) before the run fails.",
        _whole_number,
        flag="--max-retries",
        metavar="N",
    ),
    SettingSpec(
        "backoff_base_s",
        "INSIGHTS_BACKOFF_BASE",
        1.0,
        "First retry wait in seconds; doubled on each retry, with jitter.",
        _seconds,
        flag="--backoff-base",
        metavar="S",
    ),
    SettingSpec(
        "rate_limit_max_wait_s",
        "INSIGHTS_RATE_LIMIT_MAX_WAIT",
        600.0,
        "Most seconds one run waits for the API's rate limit before it fails.",
        _seconds,
        flag="--rate-limit-max-wait",
        metavar="S",
    ),
    SettingSpec(
        "max_workers",
        "INSIGHTS_MAX_WORKERS",
        4,
        "Parallel API calls for per-post insights.",
        _positive_whole_number,
        flag="--max-workers",
        metavar="N",
    ),
    SettingSpec(
        "ig_history_days",
        "INSIGHTS_IG_HISTORY_DAYS",
        90,
        "Days of Instagram account insights the first ingest reads (Meta keeps them 90 days).",
        _positive_whole_number,
        flag="--ig-history-days",
        metavar="N",
    ),
    SettingSpec(
        "run_deadline_s",
        "INSIGHTS_RUN_DEADLINE",
        14_400.0,
        "Most seconds one ingest may take before it stops (nothing saved).",
        _seconds,
        flag="--run-deadline",
        metavar="S",
    ),
    SettingSpec(
        "max_response_mb",
        "INSIGHTS_MAX_RESPONSE_MB",
        64,
        "Largest API answer accepted, in MB, compressed or decompressed.",
        _positive_whole_number,
        flag="--max-response-mb",
        metavar="MB",
    ),
    SettingSpec(
        "read_memory_mb",
        "INSIGHTS_READ_MEMORY_MB",
        300,
        "Most memory, in MB, the dashboard's store keeps between writes, mostly blocks it "
        "has read (queries spill to disk beyond it; a refresh or import may use more while "
        "it writes; at least 100).",
        _memory_budget,
    ),
)


def spec(name: str) -> SettingSpec:
    """The declaration of one setting, by name."""
    for item in SPECS:
        if item.name == name:
            return item
    raise KeyError(name)


def _default(name: str) -> Any:
    """A field's default, taken from its declaration in SPECS (written there only)."""
    return spec(name).default


def parse_value(item: SettingSpec, raw: str, given_as: str) -> Any:
    """The value of one setting from text; a bad value raises SettingsError with one sentence
    naming where it came from (`given_as`: its environment variable)."""
    try:
        return item.convert(raw)
    except ValueError as exc:
        raise SettingsError(
            f"{given_as} is {raw!r}, which is {exc}: set it to another value or unset it "
            f"(default: {item.shown_default()})."
        ) from None


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with `Settings.from_env()`; override with `.with_(...)`.
    Every default is the one declared in SPECS."""

    db_path: Path = _default("db_path")
    log_path: Path = _default("log_path")
    source: str = _default("source")
    base_url: str = _default("base_url")
    ads_api_version: str = _default("ads_api_version")
    ig_api_version: str = _default("ig_api_version")
    ig_user_ids: tuple[str, ...] = _default("ig_user_ids")
    ad_account_ids: tuple[str, ...] = _default("ad_account_ids")
    lookback_days: int = _default("lookback_days")
    history_days: int = _default("history_days")
    conversion_action_type: str = _default("conversion_action_type")
    conversion_action_types: tuple[str, ...] = _default("conversion_action_types")
    timeout_s: float = _default("timeout_s")
    max_retries: int = _default("max_retries")
    backoff_base_s: float = _default("backoff_base_s")
    rate_limit_max_wait_s: float = _default("rate_limit_max_wait_s")
    max_workers: int = _default("max_workers")
    ig_history_days: int = _default("ig_history_days")
    run_deadline_s: float = _default("run_deadline_s")
    max_response_mb: int = _default("max_response_mb")
    read_memory_mb: int = _default("read_memory_mb")
    access_token: str | None = field(default=None, repr=False)
    app_secret: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by the INSIGHTS_* environment variables; a bad value raises
        SettingsError with one sentence."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in SPECS:
            raw = env.get(spec.env)
            values[spec.name] = (
                parse_value(spec, raw, spec.env) if raw not in (None, "") else spec.default
            )
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
