"""How the demo API reads a request's parameters and writes an error, as Meta's servers do."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from typing import Any


class ParamError(ValueError):
    """A parameter Meta would refuse (the server answers error 100 with this text)."""


def list_param(query: Mapping[str, str], name: str) -> list[str]:
    """A list parameter as Meta reads it: comma-separated (`fields=a,b`) or JSON-encoded
    (`breakdowns=["age","gender"]`, how Meta's Python SDK sends lists in query strings and
    POST bodies; GRAPH_API.md, request dialect). Both are the same request."""
    raw = query.get(name, "").strip()
    if raw.startswith("["):
        try:
            items = json.loads(raw)
        except ValueError:
            raise ParamError(f"(#100) Param {name} must be an array") from None
        if not isinstance(items, list):
            raise ParamError(f"(#100) Param {name} must be an array")
        return [str(item).strip() for item in items if str(item).strip()]
    return [part.strip() for part in raw.split(",") if part.strip()]


class ApiFailure(Exception):
    """An error answer: HTTP status and the Graph error object."""

    def __init__(self, status: int, code: int, message: str, subcode: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "Demo" + format(random.getrandbits(40), "x"),
        }
        if subcode is not None:
            self.body["error_subcode"] = subcode


def number(value: Any) -> Any:
    """A stored count as the API writes it: an int, or None (absent) for NaN/NA."""
    return None if value is None or value != value else int(value)


def select(obj: Mapping[str, Any], fields: str | None) -> dict[str, Any]:
    """Only the asked-for fields (and id), as the Graph API does."""
    if not fields:
        return dict(obj)
    wanted: Iterable[str] = {"id", *fields.split(",")}
    return {k: v for k, v in obj.items() if k in wanted}
