"""What the Data page and `insights status` say about API access: when the token expires (read
by each refresh from `GET /debug_token`, kept in sync_state, never the token itself) and which
API versions are in use, with a warning days before either runs out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from insights.api import versions
from insights.ingest.model import TOKEN_WARN_DAYS, token_expiry_sentence
from insights.settings import Settings

Level = Literal["info", "warning"]


@dataclass(frozen=True)
class Line:
    level: Level
    text: str


def token_expiry(cur: Any) -> str | None:
    """The expiry the last refresh read: an ISO time, 'never', or None (not read yet)."""
    row = cur.execute(
        "SELECT value FROM sync_state WHERE resource = 'token' AND key = 'expires_at'"
    ).fetchone()
    return row[0] if row else None


def access_lines(cur: Any, settings: Settings, now: datetime | None = None) -> list[Line]:
    """One line per fact: the token's expiry, then each API's version."""
    now = now or datetime.now(UTC)
    lines: list[Line] = []
    expiry = token_expiry(cur)
    if settings.source == "demo":
        pass  # the demo token is the demo API's own
    elif expiry is None:
        lines.append(Line("info", "Access token: its expiry is read by the next refresh."))
    elif expiry == "never":
        lines.append(Line("info", "Access token: does not expire (a system-user token)."))
    else:
        expires = datetime.fromisoformat(expiry)
        left = expires - now
        text = f"Access token: expires on {expires:%d %b %Y, %H:%M} UTC."
        if left.days < TOKEN_WARN_DAYS:
            lines.append(Line("warning", f"{text} {token_expiry_sentence(left)}"))
        else:
            lines.append(Line("info", f"{text} ({left.days} days left)"))
    today = now.date()
    for api, name in ((versions.ADS, "ads"), (versions.INSTAGRAM, "instagram")):
        version = settings.api_version(name)
        warning = versions.warning(api, version, today)
        if warning:
            lines.append(Line("warning", warning))
        else:
            lines.append(Line("info", f"{api.name}: {version} ({api.setting})."))
    return lines
