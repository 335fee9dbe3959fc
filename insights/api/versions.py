"""API versions: which are live, when each ends, and the one sentence a person needs when a
configured version has ended or is about to.

Graph API and Marketing API versions share numbers but not end dates (Meta's version
tables, "Graph API Changelog" and "Marketing API Changelog", as of Dec 2026): a Marketing API
version lives about a year, a Graph API version about two. A call to an ended Marketing API
version is refused with `(#2635) You are calling a deprecated version of the Ads API` or
upgraded silently; a call to an ended Graph API version is upgraded to the oldest live one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# The version the product is built and tested against (Meta's Python SDK 26 speaks it).
DEFAULT_VERSION = "v26.0"
WARN_DAYS = 30  # say so this many days before a configured version ends

# version -> the day it ends (None: live, no end date announced yet)
MARKETING_API_ENDS: dict[str, date | None] = {
    "v21.0": date(2025, 9, 9),
    "v22.0": date(2026, 2, 19),
    "v23.0": date(2026, 6, 9),
    "v24.0": date(2026, 11, 10),
    "v25.0": date(2027, 2, 23),
    "v26.0": None,
    "v27.0": None,
}
GRAPH_API_ENDS: dict[str, date | None] = {
    "v21.0": date(2027, 1, 21),
    "v22.0": date(2027, 5, 20),
    "v23.0": None,
    "v24.0": None,
    "v25.0": None,
    "v26.0": None,
    "v27.0": None,
}
_VERSION = re.compile(r"^v\d{1,2}\.0$")
_VERSION_AT_END = re.compile(r"/(v\d{1,2}\.0)/?$")


@dataclass(frozen=True)
class Api:
    """One of the two APIs: its name for people, its setting, and its version table."""

    name: str
    setting: str
    ends: dict[str, date | None]


ADS = Api("Marketing API", "INSIGHTS_ADS_API_VERSION", MARKETING_API_ENDS)
INSTAGRAM = Api("Graph API (Instagram)", "INSIGHTS_IG_API_VERSION", GRAPH_API_ENDS)


def is_version(text: str) -> bool:
    return bool(_VERSION.match(text))


def split_base_url(url: str) -> tuple[str, str | None]:
    """(the host part, the version it ends with or None): 'https://graph.facebook.com/v21.0'
    -> ('https://graph.facebook.com', 'v21.0'). Older settings put the version in the URL."""
    url = url.rstrip("/")
    match = _VERSION_AT_END.search(url)
    if not match:
        return url, None
    return url[: match.start()], match.group(1)


def _number(version: str) -> int:
    return int(version[1:].split(".")[0])


def has_ended(api: Api, version: str, today: date) -> bool:
    """True for a version past its end, or older than every version in the table (those
    ended before it was written)."""
    if version in api.ends:
        end = api.ends[version]
        return end is not None and end <= today
    return is_version(version) and _number(version) < min(_number(v) for v in api.ends)


def newest_live(api: Api, today: date) -> str:
    """The newest version of `api` that is live on `today`."""
    live = [v for v, end in api.ends.items() if end is None or end > today]
    return max(live, key=_number)


def suggested(api: Api, today: date) -> str:
    """The version to tell a person to set: the one this product is tested with while it is
    live, else the newest live one."""
    return (
        DEFAULT_VERSION if not has_ended(api, DEFAULT_VERSION, today) else newest_live(api, today)
    )


def ended_message(api: Api, version: str, today: date) -> str:
    """The sentence for a version Meta refused as ended (error 2635) or that has ended."""
    end = api.ends.get(version)
    when = f" on {end.isoformat()}" if end is not None and end <= today else ""
    return (
        f"The {api.name} version {version} has ended{when}: set {api.setting}="
        f"{suggested(api, today)} (or another live version) and refresh again."
    )


def warning(api: Api, version: str, today: date) -> str | None:
    """A sentence when `version` has ended or ends within WARN_DAYS of `today`, else None."""
    if has_ended(api, version, today):
        return ended_message(api, version, today)
    end = api.ends.get(version)
    if end is None:
        return None
    days = (end - today).days
    if days <= WARN_DAYS:
        return (
            f"The {api.name} version {version} ends on {end.isoformat()} (in {days} days): "
            f"set {api.setting}={suggested(api, today)} before then."
        )
    return None
