"""A small client of the Graph API: one request with retries, and pages that follow `paging.next`.

Generic on purpose: endpoints are described by the ingest module; this module only knows the
transport rules of GRAPH_API.md (error bodies, retryable codes, rate-limit headers, cursors).
The token travels in the Authorization header; every text that leaves this module is masked
(masking.py); the usage headers of each answer pace the requests (usage.py).
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
import urllib3

from insights.api import limits as http_limits
from insights.api import versions
from insights.api.masking import mask_secrets
from insights.api.usage import read_usage
from insights.errors import (
    ApiError,
    AuthError,
    IngestCancelled,
    IngestError,
    TooMuchDataError,
    VersionError,
)

log = logging.getLogger(__name__)

TRANSIENT_CODES = frozenset({1, 2})
# "Please reduce the amount of data you're asking for": code 100 (older answers: code 1) with
# subcode 1487534, or an HTTP 500 with that message (GRAPH_API.md, errors)
TOO_MUCH_DATA_SUBCODES = frozenset({1487534})
TOO_MUCH_DATA_TEXT = "reduce the amount of data"
ENDED_VERSION_CODE = 2635  # "You are calling a deprecated version of the Ads API"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# 341: "Application limit reached" on ad accounts is a rate limit, not a refusal
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, *range(80000, 80015)})
USAGE_PAUSE_PERCENT = 95.0  # over this, pause as long as the headers say
TOKEN_CODES = frozenset({190})
PERMISSION_CODES = frozenset({10, *range(200, 300)})

_PERMISSION_NAME = re.compile(r"\b((?:ads|instagram|pages|business|read|manage)_[a-z_]+)\b")


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large answer becomes Python objects.

    Decoding a page of insight rows makes a hundred thousand small dicts and strings; each
    batch of allocations sets off a collection that walks every live object, which made
    decoding six times slower than the decoding itself. Reference counting still frees
    everything; the pause only defers the search for cycles, for the few milliseconds of
    one page. Counted, so overlapping pauses from several threads end with the last one."""
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


def _session_for(base_url: str) -> requests.Session:
    """A session whose proxy and CA settings are read from the environment once, not on
    every request (requests scans the whole environment per request otherwise)."""
    session = requests.Session()
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return session


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: every wait is a setting so tests can run with tiny ones."""

    max_retries: int = 5
    poll_initial_s: float = 0.25  # async report polling: first wait, doubled up to poll_max_s
    poll_max_s: float = 30.0
    report_max_wait_s: float = 1800.0
    report_start_timeout_s: float = 300.0  # a report still "Job Not Started" at 0%: resubmit
    max_running_reports: int = 3  # async reports running at once per ad account
    request_deadline_s: float = 120.0  # one whole exchange, however slowly the server sends
    max_response_bytes: int = 64 << 20  # one answer's body, compressed or decompressed
    max_pages: int = 10_000  # pages followed for one list before the run stops
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    rate_limit_max_wait_s: float = 600.0


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """HMAC-SHA256 of the token keyed with the app secret, hex: what apps with "Require App
    Secret" demand beside every call (Meta, "Securing Graph API requests")."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


class GraphClient:
    """GET/POST against one base URL with one token; `pages()` walks a list edge."""

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str, float], None] | None = None,
        app_secret: str | None = None,
        api: versions.Api | None = None,
        deadline: float | None = None,
    ) -> None:
        """`deadline`: a time.monotonic() after which the run stops (one sentence, nothing
        saved); `cancel()` ends it at once from another thread."""
        self.base_url = base_url.rstrip("/")
        self.api = api
        self.version = versions.split_base_url(self.base_url)[1]
        self._proof = appsecret_proof(access_token, app_secret) if app_secret else None
        self._origin = _origin(self.base_url)
        self._token = access_token
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self._session = session or _session_for(base_url)
        http_limits.mount(self._session)
        self._session.headers["Authorization"] = f"Bearer {access_token}"
        self._deadline = deadline
        self._cancelled = threading.Event()
        self._watches: set[http_limits.Watch] = set()
        self._watch_lock = threading.Lock()
        self._sleep = sleep
        self._on_wait = on_wait
        self.requests_made = 0

    def close(self) -> None:
        self._session.close()

    def cancel(self) -> None:
        """Stop the run: every request in flight is ended and no other one starts."""
        self._cancelled.set()
        with self._watch_lock:
            watches = list(self._watches)
        for watch in watches:
            watch.fire()

    def _check_going(self) -> float:
        """Seconds the next exchange may take; raises when the run is cancelled or over."""
        if self._cancelled.is_set():
            raise IngestCancelled("The refresh was cancelled; nothing was saved.")
        limit = self.retry.request_deadline_s
        if self._deadline is not None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise IngestError(
                    "The refresh ran past its time limit (INSIGHTS_RUN_DEADLINE); nothing was "
                    "saved. Try a shorter date range, or again later."
                )
            limit = min(limit, left)
        return limit

    def mask(self, text: str) -> str:
        return mask_secrets(text, self._token, self._proof)

    # -- public calls --------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._request("GET", self._url(path), params)

    def sleep(self, seconds: float, why: str) -> None:
        """Wait (reported to the progress callback), e.g. between async report polls."""
        self._wait(seconds, why)

    def post(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._request("POST", self._url(path), params)

    def pages(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Each page's `data` list, following `paging.next` exactly as given until it is absent."""
        body = self.get(path, params)
        seen: set[str] = set()
        pages = 0
        while True:
            pages += 1
            data = body.get("data")
            if not isinstance(data, list):
                raise ApiError(f"The API answered {self._describe(path)} without a data list.")
            yield data
            next_url = (body.get("paging") or {}).get("next")
            if not next_url:
                return
            if pages >= self.retry.max_pages:
                raise ApiError(
                    f"The API kept sending next pages for {self._describe(path)} "
                    f"({self.retry.max_pages:,} pages); stopped. Try again later."
                )
            if next_url in seen:
                raise ApiError(
                    f"The API sent the same next page twice for {self._describe(path)}; "
                    "stopped to avoid an endless loop. Try again later."
                )
            seen.add(next_url)
            body = self._request("GET", self._check_same_origin(next_url), None)

    # -- internals -------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def _describe(self, url_or_path: str) -> str:
        path = urlsplit(url_or_path).path or url_or_path
        return self.mask(path)

    def _check_same_origin(self, url: str) -> str:
        if _origin(url) != self._origin:
            raise ApiError(
                "The API sent a next-page link to another server; refused so the token is not "
                "sent there."
            )
        return url

    def _request(self, method: str, url: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
        attempt = 0
        rate_limited_s = 0.0
        while True:
            attempt += 1
            try:
                body, headers, status = self._send(method, url, params)
            except _Retryable as exc:
                if attempt > self.retry.max_retries:
                    raise ApiError(
                        f"The API kept failing ({exc.reason}) on {self._describe(url)} after "
                        f"{attempt} tries; nothing was saved. Try again later.",
                        status=exc.status,
                        transient=True,
                    ) from None
                self._wait(self._backoff(attempt), exc.reason)
                continue
            except _RateLimited as exc:
                wait = max(exc.wait_s, self._backoff(attempt))
                rate_limited_s += wait
                if rate_limited_s > self.retry.rate_limit_max_wait_s:
                    raise ApiError(
                        f"The API's rate limit is still reached after waiting "
                        f"{rate_limited_s:.0f} s; nothing was saved. Try again in an hour.",
                        code=exc.code,
                    ) from None
                self._wait(wait, "rate limit")
                continue
            self._throttle(headers)
            del status
            return body

    def _send(
        self, method: str, url: str, params: Mapping[str, Any] | None
    ) -> tuple[dict[str, Any], Mapping[str, str], int]:
        self.requests_made += 1
        if self._proof:
            if params is None and "appsecret_proof=" in url:
                pass  # a next-page link that carries it already
            else:
                params = {**(params or {}), "appsecret_proof": self._proof}
        limit = self._check_going()
        with http_limits.watched(limit, self._watches, self._watch_lock) as watch:
            try:
                if method == "GET":
                    response = self._session.get(
                        url,
                        params=params,
                        timeout=self.timeout_s,
                        stream=True,
                        allow_redirects=False,
                    )
                else:
                    response = self._session.post(
                        url, data=params, timeout=self.timeout_s, stream=True, allow_redirects=False
                    )
                if 300 <= response.status_code < 400:
                    response.close()
                    raise ApiError(
                        f"The API answered {self._describe(url)} with a redirect (HTTP "
                        f"{response.status_code}); refused so the token is not sent elsewhere.",
                        status=response.status_code,
                    )
                # read in large, bounded chunks; reading to the end returns the connection
                content = http_limits.read_body(response, self.retry.max_response_bytes)
            except http_limits.BodyTooLarge:
                response.close()
                mb = self.retry.max_response_bytes / (1 << 20)
                raise ApiError(
                    f"The API's answer to {self._describe(url)} is over {mb:,.0f} MB; stopped."
                ) from None
            except http_limits.UnsupportedEncoding as exc:
                response.close()
                raise _Retryable(f"an answer compressed as {exc}") from None
            except (requests.Timeout, urllib3.exceptions.TimeoutError):
                raise _Retryable("timeout") from None
            except (
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
                urllib3.exceptions.HTTPError,
                OSError,
            ):
                self._check_going()  # cancelled: say so rather than retry
                if watch.expired:
                    raise _Retryable(f"no complete answer within {limit:.0f} s") from None
                raise _Retryable("connection failed") from None
        try:
            with gc_paused():
                body = orjson.loads(content)
        except orjson.JSONDecodeError:
            if response.status_code >= 500:
                raise _Retryable(f"HTTP {response.status_code}", response.status_code) from None
            raise _Retryable("a response that is not JSON", response.status_code) from None
        if not isinstance(body, dict):
            raise _Retryable("a response that is not a JSON object", response.status_code)
        if "error" in body or response.status_code >= 400:
            self._raise_for_error(body.get("error") or {}, response)
        return body, response.headers, response.status_code

    def _raise_for_error(self, error: Mapping[str, Any], response: requests.Response) -> None:
        code = error.get("code") if isinstance(error.get("code"), int) else None
        subcode = (
            error.get("error_subcode") if isinstance(error.get("error_subcode"), int) else None
        )
        message = self.mask(str(error.get("message") or f"HTTP {response.status_code}"))
        status = response.status_code
        if code in TOKEN_CODES:
            raise AuthError(_token_message(subcode), code=code, subcode=subcode, status=status)
        if code in PERMISSION_CODES:
            perm = _PERMISSION_NAME.search(message)
            which = f" ({perm.group(1)})" if perm else ""
            raise AuthError(
                f"The access token lacks a permission{which}: {message} Grant it to the app "
                "and create a new token.",
                code=code,
                subcode=subcode,
                status=status,
            )
        if code in RATE_LIMIT_CODES:
            usage = read_usage(response.headers)
            raise _RateLimited(code, max(usage.regain_s, usage.reset_s))
        self._throttle(response.headers)  # usage headers count on error answers too
        if code == ENDED_VERSION_CODE:
            version = self.version or "configured"
            text = (
                versions.ended_message(self.api or versions.ADS, version, date.today())
                if self.version
                else f"The API refused its version as ended: {message}"
            )
            raise VersionError(text, code=code, subcode=subcode, status=status)
        if subcode in TOO_MUCH_DATA_SUBCODES or (
            status >= 500 and TOO_MUCH_DATA_TEXT in message.lower()
        ):
            raise TooMuchDataError(
                f"The API asks for less data per request: {message}",
                code=code,
                subcode=subcode,
                status=status,
            )
        if code in TRANSIENT_CODES or error.get("is_transient") is True or status >= 500:
            raise _Retryable(f"error {code or status}: {message}", status)
        if code == 100 and "appsecret_proof" in message:
            message += " Set INSIGHTS_APP_SECRET to the app's secret (Meta app > Settings > Basic)."
        raise ApiError(
            f"The API refused the request: {message}", code=code, subcode=subcode, status=status
        )

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.retry.backoff_max_s, self.retry.backoff_base_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)  # exponential backoff with jitter

    def _wait(self, seconds: float, why: str) -> None:
        self._check_going()
        if self._on_wait:
            self._on_wait(why, seconds)
        log.info("waiting %.1f s (%s)", seconds, why)
        if self._sleep is time.sleep:
            self._cancelled.wait(seconds)  # a cancel ends the wait at once
        else:
            self._sleep(seconds)
        self._check_going()

    def _throttle(self, headers: Mapping[str, str]) -> None:
        """Slow down before the API blocks us: a regain time set, or usage over 95% with a
        reset time, means pause as long as it says; usage over 90% means wait a little."""
        usage = read_usage(headers)
        pause = usage.regain_s
        if usage.highest >= USAGE_PAUSE_PERCENT:
            pause = max(pause, usage.reset_s)
        if pause > 0:
            self._wait(min(pause, self.retry.rate_limit_max_wait_s), "usage limit reached")
        elif usage.highest >= 90:
            self._wait(
                self.retry.backoff_base_s * (usage.highest - 89) / 10, "usage near the limit"
            )


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class _RateLimited(Exception):
    def __init__(self, code: int | None, wait_s: float) -> None:
        super().__init__(code)
        self.code = code
        self.wait_s = wait_s


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port; the loopback names count as one host (a local server may
    write its links with either)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, "loopback" if host in LOOPBACK else host, port


def _token_message(subcode: int | None) -> str:
    why = {
        463: "has expired",
        460: "was invalidated because the password changed",
        467: "is invalid",
    }.get(subcode or 0, "is invalid or has expired")
    return (
        f"The access token {why}. Create a new one (Meta Business Suite > Settings > System users, "
        "or the Graph API Explorer), set it as INSIGHTS_ACCESS_TOKEN, and refresh again."
    )
