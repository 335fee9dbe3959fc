"""The store: migrations, bulk upserts, transactions, locking, lock-down."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from insights.errors import StoreBusyError
from insights.store.database import DATA_TABLES, Store, migrations

CONTRACT = {  # PRODUCT.md's data model: table -> columns that must exist
    "ad_accounts": {"ad_account_id", "name", "currency", "timezone_name", "purchase_action_type"},
    "ig_accounts": {
        "account_id",
        "username",
        "name",
        "followers_count",
        "media_count",
        "updated_at",
    },
    "ig_media": {
        "media_id",
        "account_id",
        "posted_at",
        "media_type",
        "media_product_type",
        "caption",
        "permalink",
        "like_count",
        "comments_count",
        "reach",
        "views",
        "saved",
        "shares",
        "total_interactions",
        "updated_at",
    },
    "ig_account_daily": {
        "account_id",
        "date",
        "reach",
        "views",
        "follower_count",
        "profile_views",
        "website_clicks",
    },
    "ad_campaigns": {
        "campaign_id",
        "ad_account_id",
        "name",
        "objective",
        "status",
        "start_time",
        "stop_time",
        "daily_budget",
        "lifetime_budget",
        "updated_at",
    },
    "ad_insights_daily": {
        "ad_account_id",
        "campaign_id",
        "date",
        "age",
        "gender",
        "spend",
        "impressions",
        "reach",
        "clicks",
        "link_clicks",
        "conversions",
        "conversion_value",
    },
    # issue 18: the ad set and ad level
    "ad_sets": {
        "adset_id",
        "ad_account_id",
        "campaign_id",
        "name",
        "status",
        "optimization_goal",
        "billing_event",
        "daily_budget",
        "lifetime_budget",
        "targeting_summary",
        "attribution_setting",
    },
    "ads": {"ad_id", "ad_account_id", "adset_id", "campaign_id", "name", "status", "creative_id"},
    "ad_creatives": {
        "creative_id",
        "thumbnail_url",
        "thumbnail",
        "title",
        "body",
        "call_to_action",
        "destination_url",
        "url_tags",
    },
    "ad_level_daily": {
        "ad_account_id",
        "campaign_id",
        "adset_id",
        "ad_id",
        "date",
        "age",
        "gender",
        "spend",
        "impressions",
        "reach",
        "clicks",
        "link_clicks",
        "conversions",
        "conversion_value",
        "results",
    },
    "ad_level_placement_daily": {
        "ad_id",
        "date",
        "publisher_platform",
        "platform_position",
        "impression_device",
        "spend",
        "impressions",
        "reach",
        "clicks",
        "link_clicks",
        "conversions",
        "conversion_value",
        "results",
    },
    "ad_period_reach": {
        "level",
        "object_id",
        "ad_account_id",
        "since",
        "until",
        "reach",
        "impressions",
        "frequency",
        "read_at",
    },
    "ingest_runs": {
        "run_id",
        "source",
        "started_at",
        "finished_at",
        "status",
        "rows_written",
        "error",
    },
}


def _campaign_rows(*rows: tuple[str, str, str]) -> pa.Table:
    return pa.table(
        {
            "campaign_id": [r[0] for r in rows],
            "ad_account_id": ["1"] * len(rows),
            "name": [r[1] for r in rows],
            "daily_budget": pa.array([Decimal(r[2]) for r in rows], pa.decimal128(18, 2)),
        }
    )


def test_migrations_create_the_data_model(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        assert store.schema_version() == max(v for v, _, _ in migrations())
    con = duckdb.connect(str(path), read_only=True)
    columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
    ).fetchall()
    have: dict[str, set[str]] = {}
    for table, column in columns:
        have.setdefault(table, set()).add(column)
    for table, wanted in CONTRACT.items():
        assert wanted <= have.get(table, set()), table
    keys = dict(
        con.execute(
            "SELECT table_name, list_sort(constraint_column_names) FROM duckdb_constraints() "
            "WHERE constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    )
    assert keys["ad_insights_daily"] == sorted(["campaign_id", "date", "age", "gender"])
    assert keys["ig_account_daily"] == ["account_id", "date"]
    assert keys["ad_level_daily"] == sorted(["ad_id", "date", "age", "gender"])
    assert keys["ad_level_placement_daily"] == sorted(
        ["ad_id", "date", "publisher_platform", "platform_position", "impression_device"]
    )
    assert keys["ad_sets"] == ["adset_id"] and keys["ads"] == ["ad_id"]
    assert keys["ad_creatives"] == ["creative_id"]
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'ad_insights_daily'"
        ).fetchall()
    )
    assert types["spend"] == types["conversion_value"] == "DECIMAL(18,2)"
    for table, money in (
        ("ad_level_daily", ("spend", "conversion_value")),
        ("ad_level_placement_daily", ("spend", "conversion_value")),
        ("ad_sets", ("daily_budget", "lifetime_budget")),
    ):
        kinds = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = $t",
                {"t": table},
            ).fetchall()
        )
        assert {kinds[c] for c in money} == {"DECIMAL(18,2)"}, table
    picture = con.execute(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'ad_creatives' AND column_name = 'thumbnail'"
    ).fetchone()
    assert picture == ("BLOB",)  # the thumbnail's bytes: the page works offline
    con.close()


def test_reopening_applies_no_migration_twice_and_keeps_data(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store, store.transaction() as cur:
        store.upsert(cur, "ad_campaigns", _campaign_rows(("c1", "Spring", "50.00")))
    with Store(path) as store:
        assert store.migrate() == []
        assert store.query("SELECT count(*) AS n FROM schema_migrations")["n"][0] == len(
            migrations()
        )
        assert store.query("SELECT name FROM ad_campaigns")["name"].tolist() == ["Spring"]


def test_upsert_is_idempotent_and_updates(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        batch = _campaign_rows(("c1", "A", "10.00"), ("c2", "B", "20.50"))
        for _ in range(3):
            with store.transaction() as cur:
                store.upsert(cur, "ad_campaigns", batch)
        assert store.query("SELECT count(*) AS n FROM ad_campaigns")["n"][0] == 2
        with store.transaction() as cur:
            store.upsert(cur, "ad_campaigns", _campaign_rows(("c2", "B2", "0.01")))
        rows = store.query("SELECT campaign_id, name, daily_budget FROM ad_campaigns ORDER BY 1")
        assert rows["name"].tolist() == ["A", "B2"]
        with store.cursor() as cur:
            exact = cur.execute("SELECT sum(daily_budget) FROM ad_campaigns").fetchone()[0]
        assert exact == Decimal("10.01")


def test_upsert_survives_a_key_repeated_in_one_batch(tmp_path):
    with Store(tmp_path / "s.duckdb") as store, store.transaction() as cur:
        store.upsert(cur, "ad_campaigns", _campaign_rows(("c1", "A", "1.00"), ("c1", "A", "1.00")))
        assert cur.execute("SELECT count(*) FROM ad_campaigns").fetchone()[0] == 1


def _tags(caption: str | None) -> list[str] | None:
    """A post's hashtags as the Content page counts them: lower-cased, each once, sorted."""
    return None if caption is None else sorted(set(re.findall(r"#\w+", caption.lower())))


def _stored_tags(store: Store) -> dict[str, list[str] | None]:
    with store.cursor() as cur:
        return dict(cur.execute("SELECT media_id, hashtags FROM ig_media").fetchall())


POSTED = datetime(2026, 3, 2, 10, tzinfo=UTC)
CAPTIONS = {
    "m1": "Spring is here #Spring #sale #spring",
    "m2": "No tags at all",
    "m3": None,
    "m4": "Été #Été_2026, #café! #42",
}


def test_a_posts_hashtags_are_written_with_it_and_follow_its_caption(tmp_path):
    def media(captions: dict[str, str | None]) -> pa.Table:
        return pa.Table.from_pylist(
            [{"media_id": m, "account_id": "a1", "posted_at": POSTED, "caption": c}
             for m, c in captions.items()],
            pa.schema([("media_id", pa.string()), ("account_id", pa.string()),
                       ("posted_at", pa.timestamp("us", tz="UTC")), ("caption", pa.string())]),
        )  # fmt: skip

    with Store(tmp_path / "s.duckdb") as store:
        with store.transaction() as cur:
            store.upsert(cur, "ig_media", media(CAPTIONS))
        got = _stored_tags(store)
        assert got == {media_id: _tags(caption) for media_id, caption in CAPTIONS.items()}
        edited = {"m1": "Now #autumn only", "m2": "Tagged later #new"}
        with store.transaction() as cur:
            store.upsert(cur, "ig_media", media(edited))
        got = _stored_tags(store)
        assert got == {m: _tags(edited.get(m, c)) for m, c in CAPTIONS.items()}


def test_the_hashtag_migration_fills_the_posts_already_stored(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
        "applied_at TIMESTAMPTZ DEFAULT now())"
    )
    for version, name, sql in migrations():
        if version < 5:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [version, name])  # fmt: skip
    con.executemany(
        "INSERT INTO ig_media (media_id, account_id, posted_at, caption) "
        "VALUES (?, 'a1', TIMESTAMPTZ '2026-03-02 10:00:00+00', ?)",
        list(CAPTIONS.items()),
    )
    con.close()
    with Store(path) as store:
        assert store.schema_version() >= 5
        got = _stored_tags(store)
    assert got == {media_id: _tags(caption) for media_id, caption in CAPTIONS.items()}


def test_failed_transaction_leaves_previous_state(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        with store.transaction() as cur:
            store.upsert(cur, "ad_campaigns", _campaign_rows(("c1", "A", "1.00")))
        with pytest.raises(RuntimeError), store.transaction() as cur:
            cur.execute("DELETE FROM ad_campaigns")
            store.upsert(cur, "ad_campaigns", _campaign_rows(("c9", "Z", "9.00")))
            raise RuntimeError("boom")
        assert store.query("SELECT campaign_id FROM ad_campaigns")["campaign_id"].tolist() == ["c1"]


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        run = store.start_run("demo")
    with Store(path) as store:
        row = store.query(f"SELECT status, error FROM ingest_runs WHERE run_id = {run}")
        assert row["status"][0] == "interrupted"
        assert "Run it again" in row["error"][0]


def test_second_process_gets_a_clear_busy_error(tmp_path):
    path = tmp_path / "s.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from insights.store.database import Store
            s = Store({str(path)!r}); print("open", flush=True); time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreBusyError) as info:
            Store(path)
        assert "open in another program" in str(info.value)
        assert str(holder.pid) in str(info.value)
    finally:
        holder.kill()
        holder.wait()


def test_lock_down_blocks_file_access_and_cannot_be_undone(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with Store(tmp_path / "s.duckdb") as store:
        store.lock_down()
        with store.cursor() as cur:
            with pytest.raises(duckdb.Error):
                cur.execute(f"SELECT * FROM read_csv('{secret}')")
            with pytest.raises(duckdb.Error):
                cur.execute("SET enable_external_access = true")
            assert cur.execute("SELECT count(*) FROM ad_insights_daily").fetchone() == (0,)
        # writes of staged Arrow data still work after lock-down (the ingest needs them)
        with store.transaction() as cur:
            store.upsert(cur, "ad_campaigns", _campaign_rows(("c1", "A", "1.00")))


def test_lock_down_keeps_a_memory_budget_that_a_write_lifts_while_it_runs(tmp_path):
    """The dashboard's store keeps at most its read budget between writes; a write whose key
    index is bigger than that budget still commits (it fails if the budget stays in force)."""
    with duckdb.connect() as other:  # how DuckDB itself shows such a budget
        other.execute("SET memory_limit = '16MB'")
        budget = other.execute("SELECT current_setting('memory_limit')").fetchone()
        other.execute("RESET memory_limit")
        default = other.execute("SELECT current_setting('memory_limit')").fetchone()
    assert budget != default
    rows = "INSERT INTO t SELECT 'key-number-' || i FROM range(1000000) r(i)"
    with Store(tmp_path / "s.duckdb") as store:
        store.lock_down(read_memory_mb=16)
        limit = "SELECT current_setting('memory_limit')"
        with store.cursor() as cur:
            assert cur.execute(limit).fetchone() == budget
            cur.execute("CREATE TABLE t (k VARCHAR PRIMARY KEY)")
            cur.execute("BEGIN TRANSACTION")
            with pytest.raises(duckdb.OutOfMemoryException):
                cur.execute(rows)  # within the budget, this write cannot be held
            cur.execute("ROLLBACK")
        with store.transaction() as cur:
            assert cur.execute(limit).fetchone() == default
            cur.execute(rows)
        with pytest.raises(RuntimeError), store.transaction() as cur:
            raise RuntimeError("a write that fails")
        with store.cursor() as cur:
            assert cur.execute(limit).fetchone() == budget  # set again after each write
            assert cur.execute("SELECT count(*) FROM t").fetchone() == (1_000_000,)
            with pytest.raises(duckdb.Error):
                cur.execute("SET enable_external_access = true")


def test_data_tables_are_known():
    assert set(DATA_TABLES) <= set(CONTRACT)


def test_data_version_changes_with_every_commit_whatever_the_run_ids(tmp_path):
    """An import that commits while a refresh is fetching has the higher run id but the older
    data: the cache key must change again when the refresh commits."""
    from insights.csv_import import importer
    from insights.demo.server import DemoApi
    from insights.ingest.run import IngestOptions, run_ingest
    from insights.settings import Settings
    from tests.ads_exports import ads_rows, write_ads

    export = write_ads(tmp_path / "ads.csv", ads_rows(days=3))
    with Store(tmp_path / "s.duckdb") as store, DemoApi() as api:
        versions: list[int] = []

        def import_while_fetching(event) -> None:
            if not versions:  # the first progress event: the refresh has started its run
                versions.append(store.data_version())
                importer.import_file(store, export)
                versions.append(store.data_version())

        settings = Settings(source="demo")
        last = date.fromisoformat(str(api.dataset.ad_insights_daily["date"].max())[:10])
        run_ingest(
            store,
            settings,
            options=IngestOptions(last - timedelta(days=3), last),
            progress=import_while_fetching,
        )
        versions.append(store.data_version())
        runs = store.query("SELECT run_id, source FROM ingest_runs ORDER BY run_id")
    assert len(set(versions)) == 3 and versions == sorted(versions)
    # the import's run id is above the refresh's, so the highest run id did not move
    assert runs["source"].tolist()[0] == "demo" and len(runs) == 2
