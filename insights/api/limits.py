"""Bounds on one HTTP exchange that requests alone does not give.

requests' timeout bounds each read, not the exchange: a server that trickles its headers or
body a byte every few seconds keeps a request alive forever. And a small gzip body can
inflate to gigabytes. So every exchange here has
- a total deadline: a watch started with the request shuts the request's socket down when
  the deadline passes (the pools below tell the watch which connection the request got), and
  the same watch ends it at once when the run is cancelled;
- size caps on the body, compressed and decompressed, read in bounded steps (the body is
  decompressed here, never in one unbounded call).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

READ_CHUNK = 1 << 20
ACCEPT_ENCODING = "gzip, deflate"  # the encodings read_body can bound

_local = threading.local()


class BodyTooLarge(Exception):
    """The answer's body is over the cap (compressed or decompressed)."""


class UnsupportedEncoding(Exception):
    """The answer is compressed in a way that cannot be bounded here."""


class Watch:
    """Ends one exchange at its deadline, or at once when cancelled, by shutting the socket
    of the connection the request is using (a blocked read then fails)."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._conn: Any = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.fire)
        self._timer.daemon = True

    def attach(self, conn: Any) -> None:
        with self._lock:
            self._conn = conn

    def fire(self) -> None:
        with self._lock:
            self.expired = True
            sock = getattr(self._conn, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # closed already
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Watch:
        _local.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _local.watch = None


class _Tracked:
    """A urllib3 pool that tells the current thread's watch which connection it handed out."""

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        watch = getattr(_local, "watch", None)
        if watch is not None:
            watch.attach(conn)
        return conn


class _TrackedHTTPPool(_Tracked, HTTPConnectionPool):
    pass


class _TrackedHTTPSPool(_Tracked, HTTPSConnectionPool):
    pass


class WatchedAdapter(HTTPAdapter):
    """requests' adapter with the tracked pools, so a Watch can end a request."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _TrackedHTTPPool,
            "https": _TrackedHTTPSPool,
        }


def mount(session: requests.Session) -> None:
    """Make `session` watchable and ask only for encodings whose size can be bounded."""
    adapter = WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["Accept-Encoding"] = ACCEPT_ENCODING


@contextmanager
def watched(seconds: float, watches: set[Watch], lock: threading.Lock) -> Iterator[Watch]:
    """A watch for one exchange, registered in `watches` while it runs (to cancel them all)."""
    watch = Watch(seconds)
    with lock:
        watches.add(watch)
    try:
        with watch:
            yield watch
    finally:
        with lock:
            watches.discard(watch)


def read_body(response: requests.Response, max_bytes: int) -> bytes:
    """The whole body, decompressed, refusing more than `max_bytes` before or after
    decompression; read in bounded steps."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("", "identity"):
        decoder = None
    elif encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib or gzip header
    else:
        raise UnsupportedEncoding(encoding)
    raw = response.raw
    parts: list[bytes] = []
    compressed = decoded = 0
    while True:
        chunk = raw.read(READ_CHUNK, decode_content=False)
        if not chunk:
            break
        compressed += len(chunk)
        if compressed > max_bytes:
            raise BodyTooLarge
        if decoder is None:
            out = chunk
        else:
            out = decoder.decompress(chunk, max_bytes - decoded + 1)
            if decoder.unconsumed_tail:
                raise BodyTooLarge  # it would inflate past the cap
        decoded += len(out)
        if decoded > max_bytes:
            raise BodyTooLarge
        parts.append(out)
    if decoder is not None:
        tail = decoder.flush()
        decoded += len(tail)
        if decoded > max_bytes:
            raise BodyTooLarge
        parts.append(tail)
    return b"".join(parts)
