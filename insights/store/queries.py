"""Load the SQL of the package's `sql/*.sql` files and run it with named parameters only.

Each file holds one query: a `-- name: <file stem>` line, comment lines that become its
docstring, then the statement. Parameters are DuckDB named parameters (`$since`). The one kind
of SQL text a call may choose is a table name in `{{slot}}`, and only from that slot's
allow-list in `IDENTIFIERS`. A file whose name header does not match, or a call with a missing
or unexpected parameter or a name outside the allow-list, fails with a `QueryError` (at load
time where possible), never with SQL built from page values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from insights.errors import QueryError

# shipped inside the package (a wheel installed anywhere finds them), read as resources
QUERY_DIR: Traversable = resources.files("insights.store") / "sql"
_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")
_SLOT = re.compile(r"\{\{([a-z_]+)\}\}")
IDENTIFIERS: dict[str, frozenset[str]] = {
    # daily paid figures: the age x gender detail, or a per-campaign rollup of it
    "paid_source": frozenset(
        {"ad_insights_daily", "ad_campaign_gender_daily_all", "ad_campaign_daily_all"}
    ),
    # daily ad-level figures: the age x gender detail, or a per-ad (0036) or per-ad and gender
    # (0038) rollup of it
    "ad_source": frozenset(
        {"ad_level_daily_all", "ad_level_ad_daily_all", "ad_level_ad_gender_daily_all"}
    ),
    # daily placement figures: by ad, or per campaign when no ad set or ad is picked (0037)
    "placement_source": frozenset(
        {"ad_level_placement_daily_all", "ad_placement_campaign_daily_all"}
    ),
    # the measure top posts are ranked by
    "post_rank": frozenset({"engagement_rate", "reach", "engagement", "views"}),
}


@dataclass(frozen=True)
class Query:
    name: str
    doc: str
    sql: str
    params: frozenset[str]
    slots: frozenset[str] = frozenset()

    def run(self, cur: duckdb.DuckDBPyConnection, **params: Any) -> pd.DataFrame:
        """Execute with exactly this query's parameters; returns a DataFrame."""
        sql, values = self.bind(params)
        return cur.execute(sql, values).df()

    def arrow(self, cur: duckdb.DuckDBPyConnection, **params: Any) -> pa.Table:
        """Execute like `run`, returning an Arrow table: for results of many rows read by
        numpy, since no Python object is made per text value."""
        sql, values = self.bind(params)
        return cur.sql(sql, params=values).to_arrow_table()

    def bind(self, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The statement with its table slots filled from their allow-lists, and the values
        of its parameters (exactly this query's: a missing or unexpected one raises)."""
        given = set(params)
        if given != self.params | self.slots:
            wanted = self.params | self.slots
            missing, extra = sorted(wanted - given), sorted(given - wanted)
            raise QueryError(f"query {self.name}: missing {missing}, unexpected {extra}")
        sql, values = self.sql, dict(params)
        for slot in self.slots:
            table = values.pop(slot)
            if table not in IDENTIFIERS[slot]:
                raise QueryError(f"query {self.name}: {table!r} is not allowed for {slot}")
            sql = sql.replace("{{" + slot + "}}", table)
        return sql, values


def parse(text: str, stem: str) -> Query:
    """A Query from one file's text; `stem` is the file name it must declare."""
    lines = text.strip().splitlines()
    match = _NAME.match(lines[0]) if lines else None
    if not match or match.group(1) != stem:
        raise QueryError(f"sql/{stem}.sql must start with '-- name: {stem}'")
    doc_lines = []
    for line in lines[1:]:
        if not line.startswith("--"):
            break
        doc_lines.append(line[2:].strip())
    sql = "\n".join(lines[1 + len(doc_lines) :]).strip()
    if not sql:
        raise QueryError(f"sql/{stem}.sql has no statement")
    code = _STRING_OR_COMMENT.sub("", sql)
    slots = frozenset(_SLOT.findall(code))
    unknown = sorted(slots - set(IDENTIFIERS))
    if unknown:
        raise QueryError(f"sql/{stem}.sql uses unknown table slots {unknown}")
    params = frozenset(_PARAM.findall(code))
    return Query(stem, " ".join(doc_lines), sql, params, slots)


@cache
def load_all(directory: Traversable = QUERY_DIR) -> dict[str, Query]:
    """Every query of the directory, by name (parsed once per process)."""
    files = sorted(
        (entry for entry in directory.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    found = {
        entry.name.removesuffix(".sql"): parse(
            entry.read_text(encoding="utf-8"), entry.name.removesuffix(".sql")
        )
        for entry in files
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


def arrow(cur: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pa.Table:
    """Run the named query with named parameters; the result as an Arrow table."""
    return get(name).arrow(cur, **params)
