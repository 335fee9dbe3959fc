"""How the demo API reads a request's parameters, as Meta's servers do."""

from __future__ import annotations

import json
from collections.abc import Mapping


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
