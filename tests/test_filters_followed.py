"""Each page computation says which filters it follows (figures.filters.follows), and the
page's cache keys it by those alone: a new comparison recomputes the KPIs only, a gender
filter leaves the organic figures as they are. Each mark is held to the code here: a filter a
computation does not follow, set to any value, must not change its result."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from insights.figures import (
    ad_drill,
    anomalies,
    campaigns,
    content,
    fatigue,
    overview,
    post_outliers,
    reach,
)
from insights.figures.filters import Filters, followed
from insights.store.database import Store

ROOT = Path(__file__).resolve().parent.parent

# every marked computation, with the arguments the pages give it
MARKED = {
    campaigns.campaign_table: [()],
    campaigns.daily: [("picked",)],
    campaigns.breakdown: [(), ("picked",)],
    anomalies.campaign_days: [("days",)],
    anomalies.provisional: [()],
    overview.trend: [("day",), ("week", overview.ALL_CURRENCIES), ("day", "USD")],
    overview.trend_view: [("day", 7), ("month", 0, "USD")],
    overview.follower_history: [()],
    post_outliers.unusual_posts: [("engagement", 8), ("engagement_rate", 8)],
    content.top_posts: [(), ("reach", 5)],
    content.formats: [()],
    content.best_time: [("UTC",), ("Europe/Berlin",)],
    content.hashtags: [()],
    content.recommendations: [("UTC",)],
    content.stories: [()],
    content.audience: [()],
    content.reels_watch_time: [()],
    ad_drill.campaign_level_table: [()],
    ad_drill.ad_set_table: [(), ("120200000000000001",)],
    ad_drill.ad_table: [(), ("120200000000000001", None)],
    ad_drill.placements: [(), ("120200000000000001", None, None)],
    ad_drill.creative_cards: [(("120200000000000001",),)],
    ad_drill.reach_note: [()],
    fatigue.ad_fatigue: [(), (4,), (6,)],
    reach.period_reach: [("campaign",), ("adset",), ("ad",)],
}


def _given(module: Path) -> set[str]:
    """The computations a module hands to a frame source: the first argument of its calls to
    frame(...), frames(...) or context.frame(...), as written ('campaigns.campaign_table')."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text("utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        called = node.func
        name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
        first = node.args[0]
        if name in ("frame", "frames") and isinstance(first, ast.Attribute | ast.Name):
            found.add(ast.unparse(first).rsplit(".", 1)[-1])
    return found


def test_every_computation_a_page_caches_is_held_here_or_follows_every_filter():
    held = {f.__name__ for f in MARKED}
    modules = (ad_drill, anomalies, campaigns, content, fatigue, overview, post_outliers, reach)
    narrowed = Filters(
        date(2026, 1, 1), date(2026, 1, 31), "last_year", ("1",), ("2",), ("OUTCOME_SALES",)
    )
    given = set().union(*(_given(m) for m in (ROOT / "insights").rglob("*.py")))
    assert {"campaign_table", "trend", "kpi_table", "recommendations"} <= given
    for name in given - held:
        for module in modules:
            if hasattr(module, name):  # not held here: it must follow every filter
                assert followed(getattr(module, name), narrowed) == narrowed, name


@pytest.fixture(scope="module")
def demo(demo_store_file, demo_range):
    with Store(demo_store_file, read_only=True) as store, store.cursor() as cur:
        picked = tuple(r[0] for r in cur.execute("SELECT campaign_id FROM ad_campaigns").fetchall())
        account = cur.execute("SELECT min(account_id) FROM ig_accounts").fetchone()[0]
        yield cur, picked, account, demo_range


def _variants(base: Filters, picked: tuple[str, ...], account: str) -> dict[str, Filters]:
    return {
        "compare": base.__class__(**{**base.__dict__, "compare": "last_year"}),
        "period_kind": base.__class__(**{**base.__dict__, "period_kind": "month"}),
        "campaign_ids": base.__class__(**{**base.__dict__, "campaign_ids": picked[:1]}),
        "objectives": base.__class__(**{**base.__dict__, "objectives": ("OUTCOME_LEADS",)}),
        "ages": base.__class__(**{**base.__dict__, "ages": ("25-34",)}),
        "genders": base.__class__(**{**base.__dict__, "genders": ("female",)}),
        "account_ids": base.__class__(**{**base.__dict__, "account_ids": (account,)}),
        "media_types": base.__class__(**{**base.__dict__, "media_types": ("VIDEO",)}),
    }


def _arguments(extra: tuple, picked: tuple[str, ...], base: Filters) -> tuple:
    out = []
    for value in extra:
        if value == "picked":
            out.append(picked[:3])
        elif value == "days":
            out.append(tuple(base.until - timedelta(days=7 * k) for k in range(4)))
        else:
            out.append(value)
    return tuple(out)


@pytest.mark.parametrize("compute", list(MARKED), ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_a_filter_a_computation_does_not_follow_does_not_change_it(demo, compute):
    cur, picked, account, (first, last) = demo
    base = Filters(last - timedelta(days=89), last)
    kept = followed(compute, base)
    assert kept == base  # the base view has every filter at its default
    for extra in MARKED[compute]:
        arguments = _arguments(extra, picked, base)
        expected = compute(cur, base, *arguments)
        for field, varied in _variants(base, picked, account).items():
            if followed(compute, varied) != base:
                continue  # a filter it follows: it may change the result
            # the computation run on the varied filters themselves, not on what it is given
            found = compute(cur, varied, *arguments)
            pd.testing.assert_frame_equal(found, expected, obj=f"{compute.__name__} {field}")
