"""A local server that speaks the Graph API contract (GRAPH_API.md) over the demo data set.

Standard library only. It serves what the real API serves in the shape the real API uses:
cursor pages with absolute `paging.next` links (carrying the token when the client sent it in
the URL, as Meta does), ads numbers as JSON strings, overlapping purchase action types, error
bodies with codes, usage headers on every answer, and async insights reports. Rows are indexed
once at start so each request only slices prepared lists.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import random
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from insights.api import versions
from insights.api.client import appsecret_proof
from insights.demo.ad_objects import THUMBNAIL_PATH
from insights.demo.ads import AdsEndpoints, AdsFailure, AdsFaults
from insights.demo.dataset import DemoDataset, load, restate, thumbnail_bytes
from insights.demo.dialect import ApiFailure, ParamError, list_param, select

__all__ = ["AdsFaults", "DemoApi", "Faults", "list_param", "serve"]

DEMO_TOKEN = "demo-access-token"
API_VERSION = versions.DEFAULT_VERSION  # what base_url points at; every live version is served
DEMO_TOKEN_SCOPES = ("instagram_basic", "instagram_manage_insights", "ads_read")
LIST_MAX = 100


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return max(0, int(text.split(":", 1)[1]))
    except (ValueError, IndexError):
        raise ApiFailure(400, 100, "(#100) Invalid cursor") from None


def _unsupported(object_id: str) -> ApiFailure:
    return ApiFailure(
        400,
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not "
        "exist, cannot be loaded due to missing permissions, or does not support "
        "this operation.",
        subcode=33,
    )


@dataclass(frozen=True)
class Faults:
    """Trouble the demo API can inject, each as a share of requests (seeded, repeatable),
    so clients can be tested against a flaky API over real HTTP."""

    server_error: float = 0.0  # HTTP 500, error code 1
    transient: float = 0.0  # HTTP 400, code 2, is_transient
    rate_limit: float = 0.0  # HTTP 400, code 17 or 80000 with usage headers at 100%
    rate_limit_regain_minutes: float = 0.0  # estimated_time_to_regain_access sent with it
    malformed: float = 0.0  # HTTP 200 with a body that is not JSON
    slow: float = 0.0  # answers that take `slow_s` seconds
    slow_s: float = 0.5
    expire_token_after: int | None = None  # every request after N answers 190/463
    seed: int = 1

    def any(self) -> bool:
        return bool(
            self.server_error
            or self.transient
            or self.rate_limit
            or self.malformed
            or self.slow
            or self.expire_token_after is not None
        )


class DemoApi(AdsEndpoints):
    """The demo API on a local port, served from a daemon thread."""

    def __init__(
        self,
        dataset: DemoDataset | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_token: str = DEMO_TOKEN,
        page_size: int | None = None,
        shuffle_fields: bool = False,
        faults: Faults | None = None,
        restatement_epoch: int = 0,
        ads_faults: AdsFaults | None = None,
        app_secret: str | None = None,
        token_expires_at: int = 0,
        instagram_now: datetime | None = None,
    ) -> None:
        """`app_secret`: answer like an app with "Require App Secret" (every call needs its
        appsecret_proof); `token_expires_at`: what /debug_token says (unix time, 0 never)."""
        base = dataset if dataset is not None else load()
        # restatement: the last 28 days of ad insights as they read after `epoch` rounds of
        # late-attributed conversions (0 = as bundled)
        self.dataset = restate(base, restatement_epoch) if restatement_epoch else base
        self._init_ads(self.dataset, ads_faults)
        self._app_secret = app_secret
        self._token_expires_at = token_expires_at
        self._faults = faults or Faults()
        self._rng = random.Random(self._faults.seed)
        self._faults_injected = 0
        self._token = access_token
        self._page_size = page_size
        self._shuffle = shuffle_fields
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._count = 0
        self._recent: deque[float] = deque()
        self._encoded: dict[frozenset[str], dict[int, _Encoded]] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        from insights.demo.instagram import InstagramDemo  # it imports this module

        self.instagram = InstagramDemo(self.dataset, instagram_now)
        self.ig_user_ids: list[str] = list(self.instagram.accounts)
        self.ad_account_ids: list[str] = list(self.ads.accounts)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> DemoApi:
        self._httpd = ThreadingHTTPServer((self._host, self._port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, daemon=True, name="demo-api"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> DemoApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the demo API is not started")
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        """The server without a version (a client adds the version it speaks)."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/{API_VERSION}"

    @property
    def reports_started(self) -> int:
        """Async insights report runs started so far."""
        with self._lock:
            return len(self._reports)

    @property
    def faults_injected(self) -> int:
        """Answers that were an injected fault (errors, rate limits, broken bodies)."""
        with self._lock:
            return self._faults_injected

    @property
    def request_count(self) -> int:
        with self._lock:
            return self._count

    # -- answering -----------------------------------------------------------------------------

    def answer(
        self, method: str, raw_path: str, body: bytes, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        """(status, JSON body or raw bytes, headers) for one request."""
        parts = urlsplit(raw_path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if method == "POST" and body:
            query.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        path = parts.path.strip("/").split("/")
        if method == "GET" and "/".join(path[:-1]) == THUMBNAIL_PATH:
            # a creative's thumbnail_url is a signed CDN address: no token, no version
            return self._thumbnail(path[-1])
        usage = self._usage(path)
        try:
            token = self._authenticate(query, headers)
            self._check_proof(query, token)
            fault = self._fault(usage)
            if fault is not None:
                with self._lock:
                    self._faults_injected += 1
                return fault
            if len(path) < 2 or not versions.is_version(path[0]):
                raise _unsupported("/".join(path))
            payload = self._route(method, path[0], path[1:], query, parts.path)
        except ParamError as exc:
            return 400, {"error": ApiFailure(400, 100, str(exc)).body}, usage
        except AdsFailure as exc:
            failure = ApiFailure(exc.status, exc.code, exc.message, exc.subcode)
            return failure.status, {"error": failure.body}, usage
        except ApiFailure as failure:
            return failure.status, {"error": failure.body}, usage
        return 200, self._shuffled(payload), usage

    def _check_proof(self, query: Mapping[str, str], token: str) -> None:
        """An app with "Require App Secret" refuses calls without the right appsecret_proof
        (Meta, "Securing Graph API requests"): HMAC-SHA256 of the token, keyed with the
        app secret."""
        if not self._app_secret:
            return
        proof = query.get("appsecret_proof")
        if not proof:
            raise ApiFailure(
                400, 100, "API calls from the server require an appsecret_proof argument"
            )
        if proof != appsecret_proof(token, self._app_secret):
            raise ApiFailure(400, 100, "Invalid appsecret_proof provided in the API argument")

    def _fault(
        self, usage: dict[str, str]
    ) -> tuple[int, dict[str, Any] | bytes, dict[str, str]] | None:
        """An injected fault for this request, or None (raises for an expired token)."""
        faults = self._faults
        if not faults.any():
            return None
        with self._lock:
            count = self._count
            roll = self._rng.random()
            slow = self._rng.random() < faults.slow
        if faults.expire_token_after is not None and count > faults.expire_token_after:
            raise ApiFailure(
                400, 190, "Error validating access token: Session has expired.", subcode=463
            )
        if slow:
            time.sleep(faults.slow_s)
        edge = faults.server_error
        if roll < edge:
            return 500, {"error": ApiFailure(500, 1, "An unknown error occurred").body}, usage
        edge += faults.transient
        if roll < edge:
            failure = ApiFailure(400, 2, "An unexpected error has occurred. Please retry.")
            failure.body["is_transient"] = True
            return 400, {"error": failure.body}, usage
        edge += faults.rate_limit
        if roll < edge:
            code = 17 if roll < edge - faults.rate_limit / 2 else 80000
            limited = dict(usage)
            limited["X-App-Usage"] = json.dumps(
                {"call_count": 100, "total_cputime": 40, "total_time": 40}
            )
            limited["X-Business-Use-Case-Usage"] = json.dumps(
                {
                    "0": [
                        {
                            "type": "ads_insights",
                            "call_count": 100,
                            "total_cputime": 40,
                            "total_time": 40,
                            "estimated_time_to_regain_access": faults.rate_limit_regain_minutes,
                        }
                    ]
                }
            )
            message = (
                "(#17) User request limit reached"
                if code == 17
                else "There have been too many calls to this ad-account."
            )
            return 400, {"error": ApiFailure(400, code, message).body}, limited
        edge += faults.malformed
        if roll < edge:
            return 200, b'{"data": [{"id": "trunc', usage
        return None

    def _authenticate(self, query: Mapping[str, str], headers: Mapping[str, str]) -> str:
        token = query.get("access_token")
        auth = headers.get("authorization", "")
        if not token and auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if not token:
            raise ApiFailure(
                400,
                190,
                "An active access token must be used to query information about the current user.",
            )
        if token != self._token:
            raise ApiFailure(400, 190, "Invalid OAuth access token - Cannot parse access token")
        return token

    def _usage(self, path: list[str]) -> dict[str, str]:
        now = time.monotonic()
        with self._lock:
            self._count += 1
            self._recent.append(now)
            while self._recent and self._recent[0] < now - 60:
                self._recent.popleft()
            pct = min(95, len(self._recent) // 200)
        headers = {
            "X-App-Usage": json.dumps(
                {"call_count": pct, "total_cputime": pct // 2, "total_time": pct // 2}
            )
        }
        account = next((p[4:] for p in path if p.startswith("act_")), None)
        if account:
            headers["X-Business-Use-Case-Usage"] = json.dumps(
                {
                    account: [
                        {
                            "type": "ads_insights",
                            "call_count": pct,
                            "total_cputime": pct // 2,
                            "total_time": pct // 2,
                            "estimated_time_to_regain_access": 0,
                        }
                    ]
                }
            )
        if "insights" in path:
            headers["X-FB-Ads-Insights-Throttle"] = json.dumps(
                {"app_id_util_pct": pct, "acc_id_util_pct": pct // 2}
            )
        if len(path) > 1 and self.is_ads_path(path[1]):
            headers.update(self.ads_headers(path, pct // 2))
        return headers

    def _route(
        self, method: str, version: str, path: list[str], query: dict[str, str], url_path: str
    ) -> dict[str, Any]:
        head, rest = path[0], path[1:]
        if head == "debug_token" and not rest:
            return self._debug_token(query)
        if self.is_ads_path(head):
            # an ended Marketing API version is refused (Marketing API changelog: #2635)
            today = date.today()
            if versions.has_ended(versions.ADS, version, today):
                newest = versions.newest_live(versions.ADS, today)
                raise ApiFailure(
                    400,
                    2635,
                    "(#2635) You are calling a deprecated version of the Ads API. Please "
                    f"update to the latest version: {newest}.",
                )
            if self.app_limited():
                raise ApiFailure(400, 341, "(#341) Application limit reached")
            return self.ads_route(method, head, rest, query, url_path)
        # an ended Graph API version is upgraded to the oldest live one: served as asked
        if self.instagram.serves(head):
            answer = self.instagram.route(method, head, rest, query, url_path, self._page, LIST_MAX)
            if answer is not None:
                return answer
        raise _unsupported(head)

    # -- endpoints -----------------------------------------------------------------------------

    def _thumbnail(self, name: str) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        """A creative's picture, as the CDN behind `thumbnail_url` serves it (image/png)."""
        creative = name.removesuffix("_n.png")
        known = name.endswith("_n.png") and creative in self.catalogue().creatives
        if not known or self.ads_faults.broken_thumbnails:
            return 404, b"Not found", {"Content-Type": "text/plain"}
        return 200, thumbnail_bytes(creative), {"Content-Type": "image/png"}

    def _debug_token(self, query: Mapping[str, str]) -> dict[str, Any]:
        """`GET /debug_token?input_token=...`: what the token is and when it expires."""
        inspected = query.get("input_token", "")
        valid = inspected == self._token
        return {
            "data": {
                "app_id": "1000000000000001",
                "type": "USER",
                "application": "Insights demo",
                "is_valid": valid,
                "expires_at": self._token_expires_at if valid else 0,
                "data_access_expires_at": self._token_expires_at if valid else 0,
                "scopes": list(DEMO_TOKEN_SCOPES) if valid else [],
            }
        }

    # -- paging and shape ------------------------------------------------------------------------

    def _page(
        self,
        rows: list[Any],
        query: dict[str, str],
        url_path: str,
        maximum: int,
        convert: Any = None,
        fields: str | None = None,
    ) -> dict[str, Any]:
        try:
            limit = int(query.get("limit", "25"))
        except ValueError:
            raise ApiFailure(400, 100, "(#100) limit must be a number") from None
        size = self._page_size or max(1, min(limit, maximum))
        start = _offset(query.get("after"))
        chunk = rows[start : start + size]
        converted = [convert(r) for r in chunk] if convert else chunk
        data = [select(r, fields) for r in converted] if fields else list(converted)
        page: dict[str, Any] = {"data": data}
        if chunk:
            page["paging"] = {
                "cursors": {"before": _cursor(start), "after": _cursor(start + len(chunk))}
            }
            if start + len(chunk) < len(rows):
                following = {**query, "after": _cursor(start + len(chunk))}
                page["paging"]["next"] = f"http://{self._host}:{self.port}{url_path}?" + urlencode(
                    following
                )
        return page

    def _rows_as(self, wanted: set[str]) -> Any:
        """A row converter keeping the fields a request asked for, encoded once per row and
        field set (the same rows are served again and again)."""
        if self._shuffle:
            return _only(wanted)
        cache = self._encoded.setdefault(frozenset(wanted), {})

        def convert(row: dict[str, Any]) -> _Encoded:
            raw = cache.get(id(row))  # rows live as long as the server: ids are stable
            if raw is None:
                raw = cache[id(row)] = _Encoded(
                    json.dumps(
                        {k: v for k, v in row.items() if k in wanted}, separators=(",", ":")
                    ).encode()
                )
            return raw

        return convert

    def _shuffled(self, payload: Any) -> Any:
        if not self._shuffle:
            return payload
        rng = random.Random(7)

        def walk(value: Any) -> Any:
            if isinstance(value, dict):
                items = list(value.items())
                rng.shuffle(items)
                return {k: walk(v) for k, v in items}
            if isinstance(value, list):
                return [walk(v) for v in value]
            return value

        return walk(payload)


class _Encoded(bytes):
    """A row already encoded as JSON, served as is inside a page."""


def encode(payload: Any) -> bytes:
    """An answer as JSON bytes; a page of pre-encoded rows is joined, not encoded again."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], _Encoded):
        rest = json.dumps({k: v for k, v in payload.items() if k != "data"}, separators=(",", ":"))
        tail = b"," + rest[1:].encode() if rest != "{}" else b"}"
        return b'{"data":[' + b",".join(data) + b"]" + tail
    return json.dumps(payload, separators=(",", ":")).encode()


def _only(wanted: set[str]) -> Any:
    """A row converter keeping the fields a request asked for."""
    return lambda row: {k: v for k, v in row.items() if k in wanted}


def _handler(api: DemoApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DemoGraphAPI"
        disable_nagle_algorithm = True  # header and body go out as two writes

        def log_message(self, *args: Any) -> None:  # quiet, and URLs may carry a token
            pass

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload, headers = api.answer(
                method, self.path, body, {k.lower(): v for k, v in self.headers.items()}
            )
            raw = payload if isinstance(payload, bytes) else encode(payload)
            self.send_response(status)
            kind = headers.pop("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(raw)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

    return Handler


def ads_faults_from(pairs: Iterable[str]) -> AdsFaults:
    """AdsFaults from NAME=VALUE texts (`insights demo-api --ads-fault report_failures=2`)."""
    kinds = {f.name: f.type for f in dataclasses.fields(AdsFaults)}
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or name not in kinds:
            raise ValueError(f"{pair!r}: use NAME=VALUE with NAME one of {', '.join(kinds)}")
        kind = str(kinds[name])
        if "tuple" in kind:
            values[name] = tuple(t for t in text.split(",") if t)
        elif "bool" in kind:
            values[name] = text.lower() in ("1", "true", "yes")
        elif kind.startswith("str"):
            values[name] = text
        else:
            values[name] = int(text)
    return AdsFaults(**values)


def serve(
    host: str,
    port: int,
    access_token: str = DEMO_TOKEN,
    ads_faults: AdsFaults | None = None,
    app_secret: str | None = None,
) -> None:
    """Serve until Ctrl-C (for `insights demo-api`)."""
    api = DemoApi(
        host=host,
        port=port,
        access_token=access_token,
        ads_faults=ads_faults,
        app_secret=app_secret,
    ).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()
