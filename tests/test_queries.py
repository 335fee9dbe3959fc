"""The SQL files: well formed, named parameters only, misuse fails clearly."""

from __future__ import annotations

import duckdb
import pytest

from insights.errors import QueryError
from insights.store import queries


def test_every_query_file_loads_with_a_docstring():
    loaded = queries.load_all()
    assert {"paid_totals", "campaign_comparison", "paid_trend", "organic_trend"} <= set(loaded)
    for query in loaded.values():
        assert query.doc, query.name


def test_name_header_must_match_file(tmp_path):
    with pytest.raises(QueryError, match="must start with"):
        queries.parse("-- name: other\nSELECT 1", "mine")
    with pytest.raises(QueryError, match="no statement"):
        queries.parse("-- name: mine\n-- just a comment", "mine")


def test_parameters_are_checked_exactly():
    query = queries.parse("-- name: q\n-- doc\nSELECT $a + $b AS s -- not $c\n", "q")
    assert query.params == {"a", "b"}
    con = duckdb.connect()
    assert query.run(con, a=1, b=2)["s"][0] == 3
    with pytest.raises(QueryError, match="missing"):
        query.run(con, a=1)
    with pytest.raises(QueryError, match="unexpected"):
        query.run(con, a=1, b=2, c=3)


def test_hostile_values_stay_values(tmp_path):
    from insights.store.database import Store

    with Store(tmp_path / "s.duckdb") as store, store.cursor() as cur:
        frame = queries.run(
            cur,
            "paid_totals",
            paid_source="ad_insights_daily",
            since="2025-01-01",
            until="2025-01-31",
            campaign_ids=["x'); DROP TABLE ad_campaigns; --"],
            objectives=["' OR 1=1 --"],
            ages=None,
            genders=["female' OR '1'='1"],
            prev_since=None,
            prev_until=None,
        )
        assert frame.empty  # nothing matched: no period row
        assert cur.execute("SELECT count(*) FROM ad_campaigns").fetchone() == (0,)


def test_a_table_slot_takes_only_its_allow_list(tmp_path):
    from insights.store.database import Store

    params = {
        "since": "2025-01-01",
        "until": "2025-01-31",
        "prev_since": None,
        "prev_until": None,
        "campaign_ids": None,
        "objectives": None,
        "ages": None,
        "genders": None,
    }
    with Store(tmp_path / "s.duckdb") as store, store.cursor() as cur:
        for table in ("ad_insights_daily", "ad_campaign_daily_all"):
            assert queries.run(cur, "paid_totals", paid_source=table, **params).empty
        for hostile in ("ig_media", "ad_insights_daily; DROP TABLE ad_campaigns", ""):
            with pytest.raises(QueryError, match="not allowed"):
                queries.run(cur, "paid_totals", paid_source=hostile, **params)
        with pytest.raises(QueryError, match="missing"):
            queries.run(cur, "paid_totals", **params)
    with pytest.raises(QueryError, match="unknown table slots"):
        queries.parse("-- name: q\nSELECT * FROM {{anything}}", "q")


def test_the_filters_and_engagement_are_written_once():
    # the paid filters, the sales sums and a post's engagement live in stored macros
    # (migration 0032); a query that writes one of them out again would drift from the rest
    texts = {name: query.sql for name, query in queries.load_all().items()}
    for name, sql in texts.items():
        for clause in (
            "list_contains($ages",
            "list_contains($objectives",
            "sells IS NOT FALSE",
            "post_engagement(",
        ):
            assert clause not in sql, (name, clause)
    paid = {n for n, sql in texts.items() if "$campaign_ids" in sql}
    assert len(paid) >= 6
    # (the placement and period-reach rows have no age or gender: NULL stands for them)
    assert all("paid_selected(" in texts[n] for n in paid), paid
    organic = {n for n, sql in texts.items() if "$media_types" in sql}
    assert len(organic) >= 8
    assert all("organic_posts(" in texts[n] and "FROM ig_media" not in texts[n] for n in organic)
