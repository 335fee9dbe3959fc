"""The synthetic large store used by the speed benchmarks: sizes, sanity, no overwrite."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from insights.demo import scale as scale_data
from insights.errors import StoreError
from insights.figures import overview
from insights.figures.filters import Filters
from insights.store.database import Store
from tests import rollups


def test_sizes_shapes_and_the_dashboard_on_it(tmp_path):
    path = tmp_path / "big.duckdb"
    counts = scale_data.generate(path, 30_000, 3_000)
    assert counts["ad_insights_daily"] >= 30_000
    assert counts["ig_media"] == 3_000
    con = duckdb.connect(str(path), read_only=True)
    first, last, bad, cells = con.execute(
        "SELECT min(date), max(date), count(*) FILTER (clicks > impressions OR spend < 0), "
        "count(DISTINCT (age, gender)) FROM ad_insights_daily"
    ).fetchone()
    assert last <= scale_data.LAST_DAY and (last - first).days < scale_data.DAYS
    assert bad == 0 and cells == scale_data.CELLS
    since = scale_data.LAST_DAY - timedelta(days=27)
    spend = con.execute(
        "SELECT sum(spend) FROM ad_insights_daily WHERE date >= ?", [since]
    ).fetchone()[0]
    con.close()
    with Store(path, read_only=True) as store, store.cursor() as cur:
        kpis = overview.kpi_table(cur, Filters(since, scale_data.LAST_DAY))
        assert rollups.in_step(cur)
    shown = kpis.set_index("metric")["value"]["spend"]
    assert shown == pytest.approx(float(spend), abs=0.005)


def test_it_never_replaces_an_existing_file(tmp_path):
    path = tmp_path / "mine.duckdb"
    path.write_bytes(b"precious")
    with pytest.raises(StoreError, match="exists"):
        scale_data.generate(path, 1_000, 100)
    assert path.read_bytes() == b"precious"
