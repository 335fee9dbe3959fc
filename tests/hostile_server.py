"""A hostile HTTP server on 127.0.0.1 for the tests: it answers every request in one chosen
way (endless next pages, trickled headers or body, a gzip bomb, a huge body, a redirect to
another host). Plain sockets, so it can misbehave at the byte level; every connection has
a time bound, and the server stops with the test."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

TRICKLE_S = 0.3  # one byte per this many seconds
CONNECTION_MAX_S = 20.0  # no connection lives longer than this, whatever the mode


class HostileServer:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._bomb = gzip.compress(b"0" * (64 << 20), compresslevel=9)  # 64 MB of zeros

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v26.0"

    @contextmanager
    def running(self) -> Iterator[HostileServer]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(5)
            self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        started = time.monotonic()
        conn.settimeout(2)
        try:
            while not self._stop.is_set() and time.monotonic() - started < CONNECTION_MAX_S:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    request += chunk
                self.requests += 1
                line = request.split(b"\r\n", 1)[0].decode()
                path = line.split(" ")[1]
                if not self._respond(conn, path, started):
                    return
        except OSError:
            return
        finally:
            conn.close()

    def _respond(self, conn: socket.socket, path: str, started: float) -> bool:
        """Send one answer; False to close the connection."""
        mode = self.mode
        if mode == "endless_next":
            body = json.dumps(
                {
                    "data": [{"id": str(self.requests)}],
                    "paging": {
                        "next": f"http://127.0.0.1:{self.port}{path.split('?')[0]}"
                        f"?after=c{self.requests}"
                    },
                }
            ).encode()
            conn.sendall(_head(200, len(body)) + body)
            return True
        if mode == "trickle_headers":
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
                if self._stop.is_set() or time.monotonic() - started > CONNECTION_MAX_S:
                    return False
                conn.sendall(bytes([byte]))
                time.sleep(TRICKLE_S)
            return False
        if mode == "trickle_body":
            conn.sendall(_head(200, 10_000))
            for _ in range(10_000):
                if self._stop.is_set() or time.monotonic() - started > CONNECTION_MAX_S:
                    return False
                conn.sendall(b" ")
                time.sleep(TRICKLE_S)
            return False
        if mode == "gzip_bomb":
            conn.sendall(_head(200, len(self._bomb), "Content-Encoding: gzip\r\n") + self._bomb)
            return True
        if mode == "huge_body":
            body = b'{"data": ["' + b"x" * (8 << 20) + b'"]}'
            conn.sendall(_head(200, len(body)) + body)
            return True
        if mode == "redirect":
            where = f"Location: http://127.0.0.2:{self.port}{path}\r\n"
            conn.sendall(_head(302, 0, where))
            return True
        raise ValueError(mode)


def _head(status: int, length: int, extra: str = "") -> bytes:
    reason = {200: "OK", 302: "Found"}[status]
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()
