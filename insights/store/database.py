"""The DuckDB store: opening the file, versioned migrations, bulk writes in one transaction.

Who writes: DuckDB lets one process open a file for writing and no other process open it at
all meanwhile. The process that opens the store (the dashboard, or a CLI command) owns the only
connection; threads inside it take their own cursor. An ingest writes in ONE transaction, so a
crash or a kill leaves the previous committed state, and readers on other cursors keep seeing
that state until the commit (DuckDB's MVCC). A second process gets a clear `StoreBusyError`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from insights.errors import StoreBusyError, StoreError
from insights.figures import metrics

# Tables of the data model; the only identifiers that write statements may name.
TABLES: dict[str, tuple[str, ...]] = {
    "ig_accounts": ("account_id",),
    "ig_media": ("media_id",),
    "ig_account_daily": ("account_id", "date"),
    "ad_accounts": ("ad_account_id",),
    "ad_campaigns": ("campaign_id",),
    "ad_insights_daily": ("campaign_id", "date", "age", "gender"),
    "ingest_runs": ("run_id",),
    "sync_state": ("resource", "key"),
    "ig_stories": ("story_id",),
    "ig_follower_snapshots": ("account_id", "date"),
    "ig_audience": ("account_id", "date", "breakdown", "key"),
    "ig_account_reach": ("account_id", "since", "until"),
    "ad_sets": ("adset_id",),
    "ads": ("ad_id",),
    "ad_creatives": ("creative_id",),
    "ad_level_daily": ("ad_id", "date", "age", "gender"),
    "ad_level_placement_daily": (
        "ad_id",
        "date",
        "publisher_platform",
        "platform_position",
        "impression_device",
    ),
    "ad_period_reach": ("level", "object_id", "since", "until"),
}
# Columns the store derives from others whenever a row is written (see the migrations):
# table -> (column, the column it is derived from, the expression).
DERIVED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ig_media": (("hashtags", "caption", "hashtags_of(caption)"),),
}
# Rollups of ad_insights_daily and ad_level_daily that the pages read instead of them (see
# the migrations), kept in step by refresh_rollups: table -> (the detail it sums, its period,
# the columns it keeps besides the period).
ROLLUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ad_campaign_daily": ("ad_insights_daily", "day", ("ad_account_id", "campaign_id")),
    "ad_campaign_gender_daily": (
        "ad_insights_daily",
        "day",
        ("ad_account_id", "campaign_id", "gender"),
    ),
    "ad_breakdown_weekly": ("ad_insights_daily", "week", ("campaign_id", "age", "gender")),
    "ad_level_ad_daily": (
        "ad_level_daily",
        "day",
        ("ad_account_id", "campaign_id", "adset_id", "ad_id"),
    ),
    "ad_level_ad_gender_daily": (
        "ad_level_daily",
        "day",
        ("ad_account_id", "campaign_id", "adset_id", "ad_id", "gender"),
    ),
    "ad_placement_campaign_daily": (
        "ad_level_placement_daily",
        "day",
        (
            "ad_account_id",
            "campaign_id",
            "publisher_platform",
            "platform_position",
            "impression_device",
        ),
    ),
}
# period -> (its column in a rollup, the period of a day {} as SQL, its length in days)
_PERIODS: dict[str, tuple[str, str, int]] = {
    "day": ("date", "{}", 1),
    "week": ("week", "date_trunc('week', {})::DATE", 7),
}
_ROLLUP_SUMS = ", ".join(
    f"sum({c}) AS {c}"
    for c in (
        "spend",
        "impressions",
        "clicks",
        "link_clicks",
        "conversions",
        "conversion_value",
        "results",
    )
)
# what a rollup of the ad level keeps beside the sums: the reach of the breakdown rows and the
# impressions of those that have one (migration 0036)
_REACH_SUMS = (
    "sum(reach) AS reach, sum(impressions) FILTER (WHERE reach IS NOT NULL) AS reached_impressions"
)
_SUMS_OF = {
    "ad_insights_daily": _ROLLUP_SUMS,
    "ad_level_daily": f"{_ROLLUP_SUMS}, {_REACH_SUMS}",
    "ad_level_placement_daily": _ROLLUP_SUMS,
}
DATA_TABLES = (
    "ig_accounts",
    "ig_media",
    "ig_account_daily",
    "ad_accounts",
    "ad_campaigns",
    "ad_insights_daily",
    "ad_sets",
    "ads",
    "ad_creatives",
    "ad_level_daily",
    "ad_level_placement_daily",
    "ad_period_reach",
)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_PID = re.compile(r"PID (\d+)")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("insights.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class Store:
    """One DuckDB file, migrated on open. Use `cursor()` per thread, `transaction()` to write."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._write_lock = threading.Lock()
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise _open_error(self.path, exc) from None
        if not read_only:
            self.migrate()
            self._mark_interrupted_runs()
        self._columns = self._read_columns()
        self._read_memory: str | None = None  # the budget between writes (lock_down sets it)

    # -- connections -----------------------------------------------------------------------

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for the calling thread (a DuckDB connection must not be shared by threads)."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def lock_down(self, *, read_memory_mb: int | None = None) -> None:
        """Forbid file access and extension loading for the rest of the life of this
        connection, so no query built from the page can reach other files. DuckDB refuses to
        turn external access back on, or to widen the allowed paths, while the database runs,
        so this holds without locking the whole configuration; the configuration stays open
        so that a write can lift the memory budget below.

        With `read_memory_mb`, DuckDB keeps at most that much memory between writes: mostly
        its cache of the blocks it has read, which otherwise grows to the size of what the
        pages ever scanned (queries spill to the store's temporary directory beyond it). A
        write transaction runs with DuckDB's default limit, then the budget is set again: a
        transaction's new rows and their key index must fit in memory."""
        for statement in (
            "SET enable_external_access = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
        ):
            self._con.execute(statement)
        if read_memory_mb is not None:
            self._read_memory = f"{int(read_memory_mb)}MB"
            self._con.execute(f"SET memory_limit = '{self._read_memory}'")

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply the migrations this file has not seen yet, each in its own transaction."""
        con = self._con
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())"
        )
        done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
        for statement in metrics.SQL_MACROS:  # metric definitions the queries (and views) call
            con.execute(statement)
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(sql)
                con.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($version, $name)",
                    {"version": version, "name": name},
                )
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    def schema_version(self) -> int:
        row = self._con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _read_columns(self) -> dict[str, tuple[str, ...]]:
        rows = self._con.execute(
            "SELECT table_name, list(column_name ORDER BY ordinal_position) "
            "FROM information_schema.columns WHERE table_schema = 'main' GROUP BY table_name"
        ).fetchall()
        return {name: tuple(cols) for name, cols in rows}

    def columns(self, table: str) -> tuple[str, ...]:
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        return self._columns[table]

    # -- writing -------------------------------------------------------------------------------

    def refresh_rollups(
        self, cur: duckdb.DuckDBPyConnection, since: date | None = None, until: date | None = None
    ) -> None:
        """Recompute the rollups (ROLLUPS) of the campaign and ad-level rows for the days
        [since, until] (every day when both are None), widened to whole weeks for a weekly
        rollup. Call it inside the write transaction that changed those days, so no rollup ever
        disagrees with its detail."""
        params = {"since": since, "until": until}
        for table, (detail, period, keys) in ROLLUPS.items():
            column, period_of, days = _PERIODS[period]
            first, last = period_of.format("$since::DATE"), period_of.format("$until::DATE")
            cur.execute(
                f"DELETE FROM {table} WHERE ($since IS NULL OR {column} >= {first}) "
                f"AND ($until IS NULL OR {column} <= {last})",
                params,
            )
            groups = ", ".join(keys)
            cur.execute(
                f"INSERT INTO {table} BY NAME "
                f"SELECT {groups}, {period_of.format('date')} AS {column}, {_SUMS_OF[detail]} "
                f"FROM {detail} WHERE ($since IS NULL OR date >= {first}) "
                f"AND ($until IS NULL OR date <= {last} + {days - 1}) "
                f"GROUP BY ALL ORDER BY {column}, campaign_id",
                params,
            )

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction at a time per store: all or nothing."""
        if self.read_only:
            raise StoreError("the store was opened read-only")
        with self._write_lock, self.cursor() as cur:
            if self._read_memory is not None:
                cur.execute("RESET memory_limit")  # DuckDB's default, for the write
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                    cur.execute("UPDATE store_version SET version = version + 1")
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
            finally:
                if self._read_memory is not None:
                    cur.execute(f"SET memory_limit = '{self._read_memory}'")

    def upsert(self, cur: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> int:
        """Insert or update `data` (an Arrow table whose columns are a subset of the table's)
        into `table` by its primary key, in one statement. Returns the number of rows."""
        key = TABLES.get(table)
        if key is None:
            raise StoreError(f"unknown table {table!r}")
        columns = list(data.column_names)
        unknown = set(columns) - set(self.columns(table))
        if unknown or not set(key) <= set(columns):
            raise StoreError(f"bad columns for {table}: unknown {sorted(unknown)}, key {key}")
        if data.num_rows == 0:
            return 0
        staging = f"staging_{table}"
        col_list = ", ".join(_quote(c) for c in columns)
        key_list = ", ".join(_quote(c) for c in key)
        derived = [
            (c, expr)
            for c, source, expr in DERIVED.get(table, ())
            if source in columns and c not in columns
        ]
        select_list = ", ".join([col_list, *(f"{expr} AS {_quote(c)}" for c, expr in derived)])
        columns += [c for c, _ in derived]
        col_list = ", ".join(_quote(c) for c in columns)
        updates = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in columns if c not in key)
        if updates and "import_id" in self.columns(table) and "import_id" not in columns:
            updates += ", import_id = NULL"  # a row the API rewrites is the API's, not an import's
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        cur.register(staging, data)
        try:
            # DISTINCT ON: a server that repeats a row across pages must not fail the upsert.
            cur.execute(
                f"INSERT INTO {table} ({col_list}) SELECT DISTINCT ON ({key_list}) {select_list} "
                f"FROM {staging} ON CONFLICT ({key_list}) {action}"
            )
        finally:
            cur.unregister(staging)
        return data.num_rows

    def insert(self, cur: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> int:
        """Plain bulk insert of an Arrow table (after a delete of the same range)."""
        return self.upsert(cur, table, data)

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, source: str) -> int:
        with self.cursor() as cur:
            row = cur.execute(
                "INSERT INTO ingest_runs (source, started_at, status) "
                "VALUES ($source, now(), 'running') RETURNING run_id",
                {"source": source},
            ).fetchone()
        assert row is not None
        return int(row[0])

    def finish_run(
        self,
        cur: duckdb.DuckDBPyConnection,
        run_id: int,
        status: str,
        rows: int,
        error: str | None = None,
    ) -> None:
        cur.execute(
            "UPDATE ingest_runs SET finished_at = now(), status = $status, "
            "rows_written = $rows, error = $error WHERE run_id = $run_id",
            {"status": status, "rows": rows, "error": error, "run_id": run_id},
        )

    def _mark_interrupted_runs(self) -> None:
        """A run still 'running' when the file is opened anew was killed with its process."""
        self._con.execute(
            "UPDATE ingest_runs SET status = 'interrupted', finished_at = now(), "
            "error = 'The ingest stopped before it finished (the process ended); nothing of it "
            "was kept. Run it again.' WHERE status = 'running'"
        )

    # -- reading helpers ----------------------------------------------------------------------

    def query(self, sql: str, params: dict[str, Any] | Sequence[Any] | None = None) -> Any:
        """Run one read statement on a fresh cursor and return a pandas DataFrame."""
        with self.cursor() as cur:
            return cur.execute(sql, params or {}).df()

    def data_version(self) -> int:
        """Changes whenever any write commits (an ingest, an import, a removal): the key that
        invalidates caches."""
        with self.cursor() as cur:
            row = cur.execute("SELECT version FROM store_version").fetchone()
        return int(row[0]) if row else 0


def _open_error(path: Path, exc: duckdb.IOException) -> StoreError:
    text = str(exc)
    if "lock" in text.lower():
        pid = _LOCK_PID.search(text)
        holder = f" (process {pid.group(1)})" if pid else ""
        return StoreBusyError(
            f"The store {path} is open in another program{holder}, and only one program can "
            "use it at a time. If that is the dashboard, use its Refresh button; otherwise "
            "close that program and try again.",
            str(path),
            pid.group(1) if pid else None,
        )
    return StoreError(f"Cannot open the store {path}: {text.splitlines()[0]}")


def open_store(path: Path | str, *, read_only: bool = False) -> Store:
    """Open (creating and migrating if needed) the store at `path`."""
    return Store(path, read_only=read_only)
