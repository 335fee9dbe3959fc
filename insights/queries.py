"""Load the SQL of `queries/*.sql` and run it with named parameters only.

Each file holds one query: a `-- name: <file stem>` line, comment lines that become its
docstring, then the statement. Parameters are DuckDB named parameters (`$since`). A file whose
name header does not match, or a call with a missing or unexpected parameter, fails with a
`QueryError` (at load time where possible), never with SQL built from page values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from insights.errors import QueryError

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


@dataclass(frozen=True)
class Query:
    name: str
    doc: str
    sql: str
    params: frozenset[str]

    def run(self, cur: duckdb.DuckDBPyConnection, **params: Any) -> pd.DataFrame:
        """Execute with exactly this query's parameters; returns a DataFrame."""
        given = set(params)
        if given != self.params:
            missing, extra = sorted(self.params - given), sorted(given - self.params)
            raise QueryError(f"query {self.name}: missing {missing}, unexpected {extra}")
        return cur.execute(self.sql, params).df()


def parse(text: str, stem: str) -> Query:
    """A Query from one file's text; `stem` is the file name it must declare."""
    lines = text.strip().splitlines()
    match = _NAME.match(lines[0]) if lines else None
    if not match or match.group(1) != stem:
        raise QueryError(f"queries/{stem}.sql must start with '-- name: {stem}'")
    doc_lines = []
    for line in lines[1:]:
        if not line.startswith("--"):
            break
        doc_lines.append(line[2:].strip())
    sql = "\n".join(lines[1 + len(doc_lines) :]).strip()
    if not sql:
        raise QueryError(f"queries/{stem}.sql has no statement")
    params = frozenset(_PARAM.findall(_STRING_OR_COMMENT.sub("", sql)))
    return Query(stem, " ".join(doc_lines), sql, params)


@cache
def load_all(directory: Path = QUERY_DIR) -> dict[str, Query]:
    """Every query of the directory, by name (parsed once per process)."""
    found = {
        p.stem: parse(p.read_text(encoding="utf-8"), p.stem)
        for p in sorted(directory.glob("*.sql"))
    }
    if not found:
        raise QueryError(f"no queries found in {directory}")
    return found


def get(name: str) -> Query:
    try:
        return load_all()[name]
    except KeyError:
        raise QueryError(f"unknown query {name!r}") from None


def run(cur: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run the named query with named parameters."""
    return get(name).run(cur, **params)
