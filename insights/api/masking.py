"""No secret leaves in a text: every message, error and log line the client writes is masked.

An access token can travel in a URL (the API's next-page links carry it), in an Authorization
header, or echoed in part inside an error message; mask_secrets removes all three, and a log
filter applies it to urllib3's request lines.
"""

from __future__ import annotations

import functools
import logging
import re

_TOKEN_IN_URL = re.compile(r"((?:access_token|appsecret_proof)=)[^&\s\"']+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._\-|%]+", re.IGNORECASE)


ECHO_CHARS = 12  # this many characters of a secret, echoed anywhere, are masked too
_WORD = re.compile(r"[A-Za-z0-9_\-.|%]{" + str(ECHO_CHARS) + ",}")


def mask_secrets(text: str, *secrets: str | None) -> str:
    """`text` with every given secret, any run of 12 or more of its characters (an error
    message may echo part of a token), and every access_token=... value replaced by '***'."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
            if len(secret) >= ECHO_CHARS:
                text = _WORD.sub(functools.partial(_mask_match, secret=secret), text)
    text = _TOKEN_IN_URL.sub(r"\1***", text)
    return _BEARER.sub(r"\1***", text)


def _mask_match(match: re.Match[str], secret: str) -> str:
    return _mask_part(match.group(0), secret)


def _mask_part(word: str, secret: str) -> str:
    """The word, or '***' when 12 characters of it in a row are part of the secret."""
    for start in range(len(word) - ECHO_CHARS + 1):
        if word[start : start + ECHO_CHARS] in secret:
            return "***"
    return word


class _MaskTokens(logging.Filter):
    """Rewrites log records so no access_token=... leaves through urllib3's debug lines
    (it logs each request line, and the API's next-page links carry the token)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_secrets(record.getMessage())
        record.args = None
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_MaskTokens())
