"""Insight sentences: planted effects are found with the page's figures; noise says nothing.

Each test writes rows with known effects into a fresh store; expected figures come from pandas
over the rows written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from insights.figures import narratives
from insights.figures.filters import Filters
from insights.figures.frames import Frames
from insights.store.database import Store

UNTIL = date(2026, 6, 30)
SINCE = UNTIL - timedelta(days=27)
FILTERS = Filters(since=SINCE, until=UNTIL, compare="previous")
CAMPAIGNS = {"c1": "Prospecting", "c2": "Retargeting", "c3": "Catalog"}


def _ads(rng: np.random.Generator, clicks_per_day: float, cvr: dict[tuple[str, bool], float]):
    """Daily rows for 56 days (the comparison period, then the period): clicks and
    conversions drawn from Poisson counts, cost per click $0.80, order value $40."""
    rows = []
    for d in range(56):
        day = SINCE - timedelta(days=28) + timedelta(days=d)
        current = day >= SINCE
        for campaign in CAMPAIGNS:
            clicks = int(rng.poisson(clicks_per_day))
            conversions = int(rng.poisson(clicks * cvr[(campaign, current)]))
            rows.append(
                {
                    "ad_account_id": "1",
                    "campaign_id": campaign,
                    "date": day,
                    "age": "25-34",
                    "gender": "female",
                    "spend": round(clicks * 0.80, 2),
                    "impressions": clicks * 80,
                    "clicks": clicks,
                    "link_clicks": clicks,
                    "conversions": conversions,
                    "conversion_value": conversions * 40.0,
                    "current": current,
                }
            )
    return pd.DataFrame(rows)


def _store(path, ads: pd.DataFrame | None = None, posts: pd.DataFrame | None = None) -> Store:
    store = Store(path)
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO ad_accounts (ad_account_id, name, currency) VALUES ('1', 'a', 'USD')"
        )
        for cid, name in CAMPAIGNS.items():
            cur.execute(
                "INSERT INTO ad_campaigns (campaign_id, ad_account_id, name, objective, status) "
                "VALUES ($c, '1', $n, 'OUTCOME_SALES', 'ACTIVE')",
                {"c": cid, "n": name},
            )
        if ads is not None:
            cur.register("rows", ads.drop(columns=["current"]))
            cur.execute(
                "INSERT INTO ad_insights_daily (ad_account_id, campaign_id, date, age, gender, "
                "spend, impressions, clicks, link_clicks, conversions, conversion_value) "
                "SELECT ad_account_id, campaign_id, date, age, gender, spend, impressions, "
                "clicks, link_clicks, conversions, conversion_value FROM rows"
            )
            store.refresh_rollups(cur)
        if posts is not None:
            cur.register("posts", posts)
            cur.execute(
                "INSERT INTO ig_media (media_id, account_id, posted_at, media_type, "
                "media_product_type, reach, like_count, comments_count, saved, shares) "
                "SELECT media_id, 'a1', posted_at, media_type, 'FEED', reach, 10, 1, 1, 1 "
                "FROM posts"
            )
    return store


def _cpa(frame: pd.DataFrame) -> float:
    return frame["spend"].sum() / frame["conversions"].sum()


def test_a_campaign_whose_cpa_doubled_is_named_with_the_page_figures(tmp_path):
    rng = np.random.default_rng(4)
    cvr = {(c, now): 0.05 for c in CAMPAIGNS for now in (False, True)}
    cvr[("c2", True)] = 0.02  # Retargeting converts far less this period
    ads = _ads(rng, 400, cvr)
    with _store(tmp_path / "s.duckdb", ads) as store, store.cursor() as cur:
        found = narratives.movers(Frames(cur), FILTERS)
    now, before = ads[ads["current"]], ads[~ads["current"]]
    cpa_now, cpa_before = _cpa(now), _cpa(before)
    change = cpa_now / cpa_before - 1
    sentence = next(i.text for i in found if i.text.startswith("CPA"))
    assert sentence.startswith(f"CPA up {change:.0%}")
    assert f"(${cpa_before:,.2f} → ${cpa_now:,.2f})" in sentence
    c2_now, c2_before = now[now["campaign_id"] == "c2"], before[before["campaign_id"] == "c2"]
    cvr_now = c2_now["conversions"].sum() / c2_now["clicks"].sum()
    cvr_before = c2_before["conversions"].sum() / c2_before["clicks"].sum()
    assert f"driven by Retargeting, whose CVR fell from {cvr_before:.2%} to {cvr_now:.2%}" in (
        sentence
    )
    assert f"Based on {now['conversions'].sum():,} conversions" in sentence


@pytest.mark.parametrize("seed", range(12))
def test_noise_makes_no_claim_about_a_mover(tmp_path, seed):
    """Same rates in both periods and few conversions: changes of 20% and more happen by
    chance here, and none may be reported."""
    rng = np.random.default_rng(seed)
    cvr = {(c, now): 0.02 for c in CAMPAIGNS for now in (False, True)}
    ads = _ads(rng, 3, cvr)
    with _store(tmp_path / "s.duckdb", ads) as store, store.cursor() as cur:
        moved = narratives.movers(Frames(cur), FILTERS)
    found = [i for i in moved if not i.text.startswith("Spend")]
    assert found == []


def test_best_and_weakest_return_need_enough_spend(tmp_path):
    rng = np.random.default_rng(2)
    rates = dict(zip(CAMPAIGNS, (0.02, 0.08, 0.04), strict=True))
    cvr = {(c, now): rates[c] for c in CAMPAIGNS for now in (False, True)}
    ads = _ads(rng, 200, cvr)
    with _store(tmp_path / "s.duckdb", ads) as store, store.cursor() as cur:
        found = narratives.campaign_returns(Frames(cur), FILTERS)
    now = ads[ads["current"]]
    roas = now.groupby("campaign_id").apply(
        lambda f: f["conversion_value"].sum() / f["spend"].sum(), include_groups=False
    )
    best, worst = roas.idxmax(), roas.idxmin()
    assert (best, worst) == ("c2", "c1")
    assert found[0].text.startswith(
        f"Best return: Retargeting at {roas[best]:,.2f}x ROAS on "
        f"${now[now['campaign_id'] == best]['spend'].sum():,.2f} of spend; weakest: "
        f"Prospecting at {roas[worst]:,.2f}x"
    )


def _posts(video_reach: int, image_reach: int, each: int) -> pd.DataFrame:
    rows = []
    for i in range(each * 2):
        video = i % 2 == 0
        rows.append(
            {
                "media_id": f"m{i}",
                "posted_at": datetime(2026, 6, 5, tzinfo=UTC) + timedelta(hours=7 * i),
                "media_type": "VIDEO" if video else "IMAGE",
                "reach": (video_reach if video else image_reach) + i,
            }
        )
    return pd.DataFrame(rows)


def test_a_format_that_reaches_more_is_reported_over_enough_posts(tmp_path):
    posts = _posts(3000, 1000, 12)
    with _store(tmp_path / "s.duckdb", posts=posts) as store, store.cursor() as cur:
        found = narratives.formats(Frames(cur), FILTERS)
    per_post = posts.groupby("media_type")["reach"].mean()
    ratio = per_post["VIDEO"] / per_post["IMAGE"]
    assert found[0].text == (
        f"Video posts reached {ratio:.1f}x more accounts per post than image posts "
        f"({per_post['VIDEO']:,.0f} vs {per_post['IMAGE']:,.0f}), over 24 posts (12 and 12)."
    )


def test_too_few_posts_say_nothing(tmp_path):
    with _store(tmp_path / "s.duckdb", posts=_posts(3000, 1000, 4)) as store, store.cursor() as cur:
        assert narratives.formats(Frames(cur), FILTERS) == []
