"""A tiny real HTTP server on 127.0.0.1 whose answers a test scripts, path by path."""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Answer = tuple[int, Any, dict[str, str]]


class ScriptedServer:
    """Answers each path with the next scripted (status, body, headers); the last answer of a
    path repeats. Records every request's path, query and headers."""

    def __init__(self) -> None:
        self.answers: dict[str, deque[Answer]] = defaultdict(deque)
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.do_GET(method="POST")

            def do_GET(self, method: str = "GET") -> None:  # noqa: N802
                parts = urlsplit(self.path)
                server.requests.append(
                    {
                        "path": parts.path,
                        "query": parts.query,
                        "headers": dict(self.headers),
                        "method": method,
                    }
                )
                queue = server.answers.get(f"{method} {parts.path}") or server.answers.get(
                    parts.path
                )
                if not queue:
                    status, body, headers = (
                        404,
                        {"error": {"message": "no such path", "code": 100}},
                        {},
                    )
                else:
                    status, body, headers = queue[0] if len(queue) == 1 else queue.popleft()
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v21.0"

    def script(self, path: str, *answers: Answer) -> None:
        """Answers for a path ('/v21.0/x' for any method, or 'POST /v21.0/x')."""
        self.answers[path].extend(answers)

    @contextmanager
    def running(self) -> Iterator[ScriptedServer]:
        thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._httpd.shutdown()
            self._httpd.server_close()


def error(code: int, message: str = "boom", status: int = 400, **extra: Any) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "AbC",
            **extra,
        }
    }
