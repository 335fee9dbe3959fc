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


def _organic_store(path, posts: pd.DataFrame, snapshots: dict[date, int] | None = None) -> Store:
    """A store with one Instagram account, the given posts (likes, comments, saves, shares
    per post; Meta's total_interactions left empty, so engagement is their sum) and
    follower snapshots."""
    store = Store(path)
    with store.transaction() as cur:
        cur.execute("INSERT INTO ig_accounts (account_id, username) VALUES ('a1', 'shop')")
        cur.register("posts", posts)
        cur.execute(
            "INSERT INTO ig_media (media_id, account_id, posted_at, media_type, "
            "media_product_type, reach, like_count, comments_count, saved, shares) "
            "SELECT media_id, 'a1', posted_at, 'IMAGE', 'FEED', reach, likes, comments, "
            "saves, shares FROM posts"
        )
        for day, followers in (snapshots or {}).items():
            cur.execute(
                "INSERT INTO ig_follower_snapshots VALUES ('a1', $d, $n, $t)",
                {"d": day, "n": followers, "t": datetime.combine(day, datetime.min.time(), UTC)},
            )
    return store


def _organic_posts(rng: np.random.Generator, per_day: int, engagement: dict[bool, float]):
    """`per_day` posts a day over both periods; each post's reach ~ 1000 and its interactions
    drawn around `engagement[current]` (a Poisson count split into likes, comments, saves,
    shares)."""
    rows = []
    for d in range(56):
        day = SINCE - timedelta(days=28) + timedelta(days=d)
        current = day >= SINCE
        for n in range(per_day):
            total = int(rng.poisson(engagement[current]))
            comments, saves, shares = total // 10, total // 20, total // 25
            rows.append(
                {
                    "media_id": f"m{d}-{n}",
                    "posted_at": datetime.combine(day, datetime.min.time(), UTC)
                    + timedelta(hours=9 + 3 * n),
                    "reach": int(rng.poisson(1000 if current else 1750)),
                    "likes": total - comments - saves - shares,
                    "comments": comments,
                    "saves": saves,
                    "shares": shares,
                    "current": current,
                }
            )
    return pd.DataFrame(rows)


def test_an_organic_drop_gets_a_sentence_ranked_with_the_paid_ones(tmp_path):
    """Engagement per post planted 45% lower this period and reach per post 43% lower:
    both get a sentence with the percentages pandas finds over the rows written, and they
    rank among the paid movers by the size of the change (the module's one score)."""
    rng = np.random.default_rng(7)
    posts = _organic_posts(rng, 2, {False: 120.0, True: 66.0})
    cvr = {(c, now): 0.05 for c in CAMPAIGNS for now in (False, True)}
    cvr[("c2", True)] = 0.02
    ads = _ads(rng, 400, cvr)
    path = tmp_path / "s.duckdb"
    with _store(path, ads) as store, store.transaction() as cur:
        cur.execute("INSERT INTO ig_accounts (account_id, username) VALUES ('a1', 'shop')")
        cur.register("posts", posts.drop(columns=["current"]))
        cur.execute(
            "INSERT INTO ig_media (media_id, account_id, posted_at, media_type, "
            "media_product_type, reach, like_count, comments_count, saved, shares) "
            "SELECT media_id, 'a1', posted_at, 'IMAGE', 'FEED', reach, likes, comments, "
            "saves, shares FROM posts"
        )
    with Store(path) as store, store.cursor() as cur:
        found = narratives.overview(Frames(cur), FILTERS)
    now, before = posts[posts["current"]], posts[~posts["current"]]
    engagement = now[["likes", "comments", "saves", "shares"]].sum().sum()
    engagement_before = before[["likes", "comments", "saves", "shares"]].sum().sum()
    change = engagement / engagement_before - 1
    assert change < -0.4
    sentence = next(i for i in found if i.text.startswith("Engagement down"))
    assert sentence.text.startswith(
        f"Engagement down {abs(change):.0%} against the comparison period "
        f"({engagement_before:,} → {engagement:,}), over {len(now)} posts ({len(before)} before)"
    )
    assert f"Based on {engagement:,} interactions this period." in sentence.text
    reach_change = now["reach"].sum() / before["reach"].sum() - 1
    reach = next(i for i in found if i.text.startswith("Post reach (sum) down"))
    assert reach.text.startswith(f"Post reach (sum) down {abs(reach_change):.0%}")
    # the engagement rate moved less than chance allows: no sentence
    rate_change = (engagement / now["reach"].sum()) / (engagement_before / before["reach"].sum())
    assert abs(rate_change - 1) < narratives.MIN_CHANGE
    assert not any(i.text.startswith("Engagement rate") for i in found)
    cpa = next(i for i in found if i.text.startswith("CPA"))
    assert [i.score for i in found] == sorted((i.score for i in found), reverse=True)
    ranked = [i.text for i in found]
    by_size = sorted([(abs(change), sentence.text), (abs(_cpa_change(ads)), cpa.text)])
    assert ranked.index(by_size[1][1]) < ranked.index(by_size[0][1])


def _cpa_change(ads: pd.DataFrame) -> float:
    return _cpa(ads[ads["current"]]) / _cpa(ads[~ads["current"]]) - 1


def test_followers_that_grew_get_a_sentence(tmp_path):
    rng = np.random.default_rng(3)
    posts = _organic_posts(rng, 1, {False: 100.0, True: 100.0})
    snapshots = {
        SINCE - timedelta(days=28): 8000,
        SINCE: 10_000,  # the morning after the comparison period
        UNTIL + timedelta(days=1): 12_600,
    }
    path = tmp_path / "s.duckdb"
    with _organic_store(path, posts.drop(columns=["current"]), snapshots) as s, s.cursor() as cur:
        found = narratives.organic_movers(Frames(cur), FILTERS)
    change = 12_600 / 10_000 - 1
    assert [i.text for i in found if i.text.startswith("Followers")] == [
        f"Followers up {change:.0%} against the comparison period (10,000 → 12,600). "
        "Based on 12,600 followers this period."
    ]


@pytest.mark.parametrize("seed", range(6))
def test_organic_noise_makes_no_claim(tmp_path, seed):
    """Few posts with the same expected engagement and reach in both periods: no sentence."""
    rng = np.random.default_rng(seed)
    posts = _organic_posts(rng, 1, {False: 3.0, True: 3.0})
    posts["reach"] = rng.poisson(40, len(posts))
    path = tmp_path / "s.duckdb"
    with _organic_store(path, posts.drop(columns=["current"])) as store, store.cursor() as cur:
        assert narratives.organic_movers(Frames(cur), FILTERS) == []


def test_a_new_campaign_behind_a_change_of_mix_is_named(tmp_path):
    """CPA rises because budget moved from the cheap Prospecting to a new, dearer Launch
    campaign (and Retargeting's own CPA rose a little): no campaign's own numbers explain
    most of the change, the mix does, and the new campaign most of the mix."""
    before = {"c1": (100.0, 10), "c2": (100.0, 5), "c3": (100.0, 5)}  # spend, conversions/day
    now = {"c1": (20.0, 2), "c2": (100.0, 3), "c3": (100.0, 5), "c4": (120.0, 4)}
    rows = []
    for d in range(56):
        day = SINCE - timedelta(days=28) + timedelta(days=d)
        current = day >= SINCE
        for campaign, (spend, conversions) in (now if current else before).items():
            clicks = int(spend / 0.8)
            rows.append(
                {
                    "ad_account_id": "1",
                    "campaign_id": campaign,
                    "date": day,
                    "age": "25-34",
                    "gender": "female",
                    "spend": spend,
                    "impressions": clicks * 80,
                    "clicks": clicks,
                    "link_clicks": clicks,
                    "conversions": conversions,
                    "conversion_value": conversions * 40.0,
                    "current": current,
                }
            )
    ads = pd.DataFrame(rows)
    path = tmp_path / "s.duckdb"
    with _store(path) as store, store.transaction() as cur:
        cur.execute(
            "INSERT INTO ad_campaigns (campaign_id, ad_account_id, name, objective, status) "
            "VALUES ('c4', '1', 'Launch', 'OUTCOME_SALES', 'ACTIVE')"
        )
        cur.register("rows", ads.drop(columns=["current"]))
        cur.execute(
            "INSERT INTO ad_insights_daily (ad_account_id, campaign_id, date, age, gender, "
            "spend, impressions, clicks, link_clicks, conversions, conversion_value) "
            "SELECT ad_account_id, campaign_id, date, age, gender, spend, impressions, "
            "clicks, link_clicks, conversions, conversion_value FROM rows"
        )
        store.refresh_rollups(cur)
    with Store(path) as store, store.cursor() as cur:
        found = narratives.movers(Frames(cur), FILTERS)
    current = ads[ads["current"]]
    change = _cpa_change(ads)
    sentence = next(i.text for i in found if i.text.startswith("CPA"))
    assert sentence.startswith(f"CPA up {change:.0%}")
    launch = current[current["campaign_id"] == "c4"]
    share = launch["conversions"].sum() / current["conversions"].sum()
    assert "spread across campaigns" not in sentence
    assert (
        f"mostly a change of mix: Launch (new in this period) took {share:.0%} of the "
        f"conversions, at a CPA of ${_cpa(launch):,.2f}"
    ) in sentence
