"""A flaky, rate-limited, restating API over real HTTP: the store always ends equal to what
the API says now, or exactly as it was before the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from insights.api.client import RetryPolicy
from insights.demo.server import DemoApi, Faults
from insights.errors import IngestError
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import ROLLUPS, Store
from tests import rollups
from tests.conftest import served_ads

TOKEN = "EAAB-fault-test-token"
FAST = RetryPolicy(
    max_retries=10, backoff_base_s=0.001, backoff_max_s=0.01, rate_limit_max_wait_s=5.0
)


def _settings(api: DemoApi, **extra) -> Settings:
    return Settings(
        source="graph",
        base_url=api.base_url,
        access_token=TOKEN,
        ig_user_ids=tuple(api.ig_user_ids),
        ad_account_ids=tuple(api.ad_account_ids),
        **extra,
    )


def _served_totals(api: DemoApi, since: str) -> tuple:
    """Totals computed with pandas over the rows the API serves (its data set)."""
    ads = served_ads(api.dataset.ad_insights_daily.astype(str), api.dataset.ad_campaigns)
    ads = ads[ads["date"] >= since]
    money = lambda col: sum((Decimal(v) for v in ads[col]), Decimal("0"))  # noqa: E731
    return (
        len(ads),
        money("spend"),
        int(ads["purchases"].astype(int).sum()),
        money("purchase_value"),
    )


def _stored_totals(cur: duckdb.DuckDBPyConnection, since: str) -> tuple:
    return cur.execute(
        "SELECT count(*), sum(spend), sum(conversions), sum(conversion_value) "
        "FROM ad_insights_daily WHERE date >= $since",
        {"since": since},
    ).fetchone()


def test_totals_are_exact_under_twenty_percent_faults(tmp_path, demo_range):
    faults = Faults(server_error=0.06, transient=0.05, rate_limit=0.05, malformed=0.04, seed=5)
    since = demo_range[1] - timedelta(days=90)
    with DemoApi(access_token=TOKEN, faults=faults) as api, Store(tmp_path / "s.duckdb") as store:
        result = run_ingest(
            store, _settings(api), retry=FAST, options=IngestOptions(since, demo_range[1])
        )
        with store.cursor() as cur:
            stored = _stored_totals(cur, since.isoformat())
            posts = cur.execute("SELECT count(*), sum(reach) FROM ig_media").fetchone()
        served = _served_totals(api, since.isoformat())
        media = api.dataset.ig_media
        media = media[media["timestamp"].str[:10] >= since.isoformat()]
        requests, injected = api.request_count, api.faults_injected
    assert stored == served
    assert posts == (len(media), int(media["reach"].sum()))
    assert requests == result.requests_made > 250
    assert 0.12 < injected / requests < 0.28  # about a fifth of the answers were faults


def test_restated_days_replace_instead_of_adding(tmp_path, demo_range):
    path = tmp_path / "s.duckdb"
    first = (demo_range[1] - timedelta(days=120)).isoformat()
    with Store(path) as store:
        for epoch in (0, 1, 2):
            with DemoApi(access_token=TOKEN, restatement_epoch=epoch) as api:
                options = (
                    IngestOptions(since=demo_range[1] - timedelta(days=120), until=demo_range[1])
                    if epoch == 0
                    else IngestOptions(until=demo_range[1])
                )  # later runs: incremental, lookback window only; until the demo's last day,
                # so the Instagram days the demo world does not have yet are not asked for
                run_ingest(store, _settings(api), retry=FAST, options=options)
                with store.cursor() as cur:
                    assert _stored_totals(cur, first) == _served_totals(api, first), epoch
                    assert rollups.mismatches(cur) == dict.fromkeys(ROLLUPS, 0), epoch  # restated
        assert (
            store.query("SELECT count(*) AS n FROM ingest_runs WHERE status = 'succeeded'")["n"][0]
            == 3
        )
    with DemoApi(restatement_epoch=0) as plain, DemoApi(restatement_epoch=1) as restated:
        assert _served_totals(plain, first) != _served_totals(restated, first)  # really changed


def test_token_expiring_mid_run_keeps_the_store_and_the_secret(demo_store_copy):
    with Store(demo_store_copy) as store:
        with store.cursor() as cur:
            before = cur.execute("SELECT count(*), sum(spend) FROM ad_insights_daily").fetchone()
        with (
            DemoApi(access_token=TOKEN, faults=Faults(expire_token_after=60)) as api,
            pytest.raises(IngestError, match="expired") as info,
        ):
            run_ingest(store, _settings(api), retry=FAST)
        assert TOKEN not in str(info.value)
        with store.cursor() as cur:
            assert (
                cur.execute("SELECT count(*), sum(spend) FROM ad_insights_daily").fetchone()
                == before
            )
            status, error = cur.execute(
                "SELECT status, error FROM ingest_runs ORDER BY run_id DESC LIMIT 1"
            ).fetchone()
    assert status == "failed" and "expired" in error
    assert TOKEN.encode() not in Path(demo_store_copy).read_bytes()


def _table_state(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [
            con.execute(f"SELECT count(*), {agg} FROM {table}").fetchone()
            for table, agg in (
                ("ad_insights_daily", "sum(spend)"),
                ("ig_media", "sum(reach)"),
                ("ig_account_daily", "sum(reach)"),
            )
        ]
    finally:
        con.close()


@pytest.mark.parametrize("moment", ["fetching", "saving"])
def test_sigkill_leaves_the_previous_or_the_new_state(tmp_path, demo_range, moment):
    """Kill -9 the CLI ingest while it fetches, or just after it starts writing: the store
    opens and holds a whole state, the previous one (or the new one if the commit won)."""
    path = tmp_path / "s.duckdb"
    start = demo_range[1] - timedelta(days=60)
    env = {**os.environ, "INSIGHTS_ACCESS_TOKEN": TOKEN}
    with DemoApi(access_token=TOKEN) as api:
        ids = ["--ig-user-id", api.ig_user_ids[0], "--ad-account-id", api.ad_account_ids[0]]
        base = [
            sys.executable,
            "-m",
            "insights",
            "ingest",
            "--db",
            str(path),
            "--source",
            "graph",
            "--base-url",
            api.base_url,
            *ids,
        ]
        ok = subprocess.run(
            [
                *base,
                "--since",
                start.isoformat(),
                "--until",
                (demo_range[1] - timedelta(days=30)).isoformat(),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ok.returncode == 0, ok.stderr
        previous = _table_state(path)
        child = subprocess.Popen(
            [*base, "--since", start.isoformat(), "--until", demo_range[1].isoformat()],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        assert child.stderr is not None
        seen = b""
        deadline = time.monotonic() + 120
        trigger = b"Saving" if moment == "saving" else b"insights to"
        while trigger not in seen and time.monotonic() < deadline and child.poll() is None:
            seen += child.stderr.read1(256)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    after = _table_state(path)
    with Store(path) as store:
        status = store.query("SELECT status FROM ingest_runs ORDER BY run_id")["status"].tolist()
    assert status[0] == "succeeded"
    if after == previous:
        assert status[-1] == "interrupted"
    else:  # the kill came after the commit: then the whole new run is there
        assert status[-1] == "succeeded" and after[0][0] > previous[0][0]


def test_progress_reports_rise_to_done_with_rows(tmp_path, demo_range):
    events = []
    since = demo_range[1] - timedelta(days=40)
    with DemoApi(access_token=TOKEN) as api, Store(tmp_path / "s.duckdb") as store:
        result = run_ingest(
            store,
            _settings(api),
            retry=FAST,
            progress=events.append,
            options=IngestOptions(since, demo_range[1]),
        )
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] < 0.2
    assert events[-1].rows == result.total_rows
    assert any("Instagram" in e.message for e in events)
    assert any("Ads" in e.message for e in events)
    assert any(e.message == "Saving to the store" for e in events)


def test_a_second_process_is_refused_clearly_while_the_store_is_open(demo_store_copy):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom insights.store.database import Store\n"
            f"s = Store({str(demo_store_copy)!r}); print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        done = subprocess.run(
            [sys.executable, "-m", "insights", "ingest", "--db", str(demo_store_copy)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert "open in another program" in done.stderr and "Refresh" in done.stderr
    assert _table_state(Path(demo_store_copy))[0][0] > 0  # still opens, data intact


def test_backfills_use_async_reports_and_short_runs_do_not(tmp_path, demo_range):
    with DemoApi(access_token=TOKEN) as api, Store(tmp_path / "s.duckdb") as store:
        settings = _settings(api).with_(ig_user_ids=())
        run_ingest(
            store,
            settings,
            retry=FAST,
            options=IngestOptions(demo_range[1] - timedelta(days=200), demo_range[1]),
        )
        backfill_reports = api.reports_started
        run_ingest(store, settings, retry=FAST, options=IngestOptions(until=demo_range[1]))
        incremental_reports = api.reports_started - backfill_reports
        first = (demo_range[1] - timedelta(days=200)).isoformat()
        with store.cursor() as cur:
            assert _stored_totals(cur, first) == _served_totals(api, first)
    # 201 days in windows of at most 93, for each of the demo's two ad accounts, and each of
    # the three insights queries (campaign level; ad level by age and gender, by placement);
    # and each run, per account, the reach of the six preset periods ending 22 Nov (last 7,
    # 28, 30 and 90 days, November to date, October) at the three levels
    periods = 6 * 3 * len(api.ad_account_ids)
    assert backfill_reports == 3 * 3 * len(api.ad_account_ids) + periods
    assert incremental_reports == periods  # the lookback window is read synchronously


def test_the_rollups_are_built_for_an_existing_store_and_kept_in_step(demo_store_copy):
    with Store(demo_store_copy) as store, store.cursor() as cur:
        assert rollups.mismatches(cur) == dict.fromkeys(ROLLUPS, 0)
        for table in ROLLUPS:
            assert cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
        # as a store from before the rollups: their migrations undone
        cur.execute("DELETE FROM schema_migrations WHERE version IN (3, 6, 36, 37, 38)")
        for view in (
            "ad_campaign_daily_all",
            "ad_campaign_gender_daily_all",
            "ad_level_daily_all",
            "ad_level_ad_daily_all",
            "ad_level_ad_gender_daily_all",
            "ad_level_placement_daily_all",
            "ad_placement_campaign_daily_all",
        ):
            cur.execute(f"DROP VIEW {view}")
        for table in ROLLUPS:
            cur.execute(f"DROP TABLE {table}")
    with Store(demo_store_copy) as store, store.cursor() as cur:  # migrated again on open
        assert rollups.mismatches(cur) == dict.fromkeys(ROLLUPS, 0)


def test_a_refresh_lists_the_past_figures_it_changed(tmp_path, demo_range):
    from insights.ingest import restatements

    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        with DemoApi(access_token=TOKEN) as api:
            start = demo_range[1] - timedelta(days=60)
            run_ingest(store, _settings(api), retry=FAST, options=IngestOptions(since=start))
            before = api.dataset.ad_insights_daily
        with DemoApi(access_token=TOKEN, restatement_epoch=1) as api:
            result = run_ingest(store, _settings(api), retry=FAST)
            after = api.dataset.ad_insights_daily
        with store.cursor() as cur:
            stored = cur.execute(
                "SELECT date, currency, before, after FROM figure_changes WHERE run_id = $r "
                "AND metric = 'conversions' ORDER BY date, currency",
                {"r": result.run_id},
            ).fetchall()
            listed = restatements.last_changes(cur)

    def per_day(frame):
        frame = served_ads(frame.astype(str), api.dataset.ad_campaigns)
        frame = frame[frame["date"] >= start.isoformat()]
        accounts = api.dataset.ad_accounts.set_index("ad_account_id")["currency"]
        return (  # per day and currency: two accounts' figures are never one figure
            frame.assign(
                purchases=frame["purchases"].astype(int),
                currency=frame["ad_account_id"].map(accounts),
            )
            .groupby(["date", "currency"])["purchases"]
            .sum()
        )

    old, new = per_day(before), per_day(after)
    moved = new[(new != old.reindex(new.index))].index
    assert len(moved) > 0  # the demo API restates the last weeks
    assert [(d.isoformat(), c, b, a) for d, c, b, a in stored] == [
        (day, code, float(old[(day, code)]), float(new[(day, code)])) for day, code in sorted(moved)
    ]
    assert (listed["run_id"] == result.run_id).all()
    day_text, code = sorted(moved)[-1]
    day = date.fromisoformat(day_text)
    assert (
        f"Conversions ({code}) of {day:%d %b %Y} moved from {old[(day_text, code)]:,} to "
        in " ".join(listed["sentence"])
    )
