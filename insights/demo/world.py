"""The world the demo data set is drawn from: a fictional outdoor brand's three Instagram
accounts and its ad account's campaigns, with the patterns the dashboard should find in them
(weekday, hour and season effects, formats, hashtags that help, campaigns from poor to great
return). dataset.py draws the rows from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

FIRST_DAY = date(2024, 11, 25)
LAST_DAY = date(2026, 11, 22)
DAYS = (LAST_DAY - FIRST_DAY).days + 1

AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_WEIGHT = np.array([0.12, 0.30, 0.26, 0.17, 0.10, 0.05])
AGE_CTR = np.array([1.25, 1.15, 1.0, 0.9, 0.8, 0.7])
AGE_CVR = np.array([0.6, 1.0, 1.25, 1.2, 1.0, 0.8])
GENDERS = ("female", "male", "unknown")
GENDER_WEIGHT = np.array([0.53, 0.44, 0.03])


@dataclass(frozen=True)
class Account:
    account_id: str
    username: str
    name: str
    time_zone: str
    followers_start: int
    followers_growth: float  # share gained over the two years
    posts_per_day: float
    hashtags: tuple[tuple[str, float], ...]  # (tag, reach lift)
    topics: tuple[str, ...]


ACCOUNTS = (
    Account(
        "17841400000000001",
        "northwind.outdoor",
        "Northwind Outdoor",
        "America/Los_Angeles",
        48_000,
        0.55,
        0.92,
        (
            ("#northwindoutdoor", 1.0),
            ("#hiking", 1.15),
            ("#camping", 1.1),
            ("#outdoorgear", 0.95),
            ("#trailtested", 1.3),
            ("#getoutside", 1.05),
            ("#adventure", 0.9),
            ("#mountains", 1.2),
            ("#sale", 0.75),
            ("#newarrivals", 0.85),
            ("#optoutside", 1.1),
            ("#gearreview", 1.25),
        ),
        (
            "our new rain shell on a wet ridge",
            "the lightest tent we have made",
            "a sunrise hike with the team",
            "packing list for a weekend in the mountains",
            "how we test every seam",
            "five trails near the city",
            "winter layering 101",
            "behind the scenes at the workshop",
            "customer photo of the week",
            "the backpack that started it all",
        ),
    ),
    Account(
        "17841400000000002",
        "northwind.trailrun",
        "Northwind Trail Running",
        "America/Denver",
        12_500,
        0.9,
        0.55,
        (
            ("#trailrunning", 1.2),
            ("#ultrarunning", 1.3),
            ("#runnersofinstagram", 0.9),
            ("#trailrunner", 1.1),
            ("#mountainrunning", 1.25),
            ("#runningshoes", 1.0),
            ("#racetraining", 0.95),
            ("#northwindrun", 1.0),
            ("#vert", 1.15),
            ("#runcommunity", 0.85),
        ),
        (
            "long run Sunday in the foothills",
            "shoe rotation for race season",
            "how to fuel a 50k",
            "downhill technique drills",
            "race report from the canyon",
            "our new trail shoe in the mud",
            "recovery week routine",
            "sunrise miles above the clouds",
        ),
    ),
    Account(
        "17841400000000003",
        "northwind.kids",
        "Northwind Kids",
        "America/New_York",
        6_200,
        0.7,
        0.45,
        (
            ("#kidsoutdoors", 1.2),
            ("#familyhiking", 1.25),
            ("#northwindkids", 1.0),
            ("#raisingwildkids", 1.15),
            ("#campingwithkids", 1.2),
            ("#kidsgear", 0.9),
            ("#puddlejumping", 1.1),
            ("#schoolsout", 0.95),
        ),
        (
            "first camping trip with the little ones",
            "rain suits that survive puddles",
            "a family hike with snacks",
            "backyard camp-out ideas",
            "growing-room sizing explained",
            "school-run jackets for wet mornings",
        ),
    ),
)

AD_ACCOUNT = {
    "ad_account_id": "1029384756",
    "name": "Northwind Outdoor – Ads",
    "currency": "USD",
    "time_zone": "America/Los_Angeles",
}
# A second ad account in another currency, as a brand selling in Europe keeps: its money is
# in euros, so no page may add it to the dollars of the first.
EU_AD_ACCOUNT = {
    "ad_account_id": "5647382910",
    "name": "Northwind Europe – Ads",
    "currency": "EUR",
    "time_zone": "Europe/Berlin",
}
AD_ACCOUNTS = (AD_ACCOUNT, EU_AD_ACCOUNT)


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    objective: str
    first: date
    last: date | None  # None: still running at the end of the data
    daily_cents: int | None
    lifetime_cents: int | None
    roas: float  # target return on ad spend
    ctr: float  # clicks per impression
    cpm: float  # per 1000 impressions, in the account's currency
    aov: float  # average order value, in the account's currency
    paused: bool = False
    # ARCHIVED or DELETED: the API lists it only when asked for that effective_status, and
    # account-level insights leave a DELETED campaign out (its delivery still counts)
    status: str | None = None
    ad_account_id: str = AD_ACCOUNT["ad_account_id"]


CAMPAIGNS = (
    Campaign(
        "120200000000000001",
        "Prospecting – Broad audience",
        "OUTCOME_SALES",
        FIRST_DAY,
        None,
        15_000,
        None,
        2.2,
        0.011,
        11.0,
        84.0,
    ),
    Campaign(
        "120200000000000002",
        "Retargeting – Site visitors 30d",
        "OUTCOME_SALES",
        FIRST_DAY,
        None,
        6_000,
        None,
        5.6,
        0.021,
        14.5,
        92.0,
    ),
    Campaign(
        "120200000000000003",
        "Brand awareness – Reach",
        "OUTCOME_AWARENESS",
        FIRST_DAY,
        None,
        4_000,
        None,
        0.3,
        0.004,
        5.5,
        70.0,
    ),
    Campaign(
        "120200000000000004",
        "Traffic – Trail guides blog",
        "OUTCOME_TRAFFIC",
        FIRST_DAY,
        date(2026, 5, 31),
        2_500,
        None,
        0.6,
        0.018,
        8.0,
        65.0,
        paused=True,
    ),
    Campaign(
        "120200000000000005",
        "Catalog – Dynamic product ads",
        "OUTCOME_SALES",
        date(2025, 2, 3),
        None,
        9_000,
        None,
        3.9,
        0.014,
        12.0,
        78.0,
    ),
    Campaign(
        "120200000000000006",
        "Lead gen – Newsletter sign-ups",
        "OUTCOME_LEADS",
        date(2025, 4, 7),
        None,
        2_000,
        None,
        0.5,
        0.012,
        9.0,
        60.0,
    ),
    Campaign(
        "120200000000000007",
        "Black Friday 2024",
        "OUTCOME_SALES",
        FIRST_DAY,
        date(2024, 12, 2),
        None,
        600_000,
        4.3,
        0.017,
        16.0,
        96.0,
        paused=True,
        status="ARCHIVED",
    ),
    Campaign(
        "120200000000000008",
        "Holiday gifting 2024",
        "OUTCOME_SALES",
        date(2024, 12, 3),
        date(2024, 12, 24),
        None,
        900_000,
        3.1,
        0.015,
        15.0,
        88.0,
        paused=True,
    ),
    Campaign(
        "120200000000000009",
        "Spring launch 2025 – Trail shoes",
        "OUTCOME_SALES",
        date(2025, 3, 10),
        date(2025, 4, 20),
        12_000,
        None,
        1.6,
        0.012,
        12.5,
        135.0,
        paused=True,
        status="DELETED",
    ),
    Campaign(
        "120200000000000010",
        "Summer sale 2025",
        "OUTCOME_SALES",
        date(2025, 6, 20),
        date(2025, 7, 31),
        14_000,
        None,
        2.8,
        0.016,
        10.5,
        74.0,
        paused=True,
    ),
    Campaign(
        "120200000000000011",
        "Black Friday 2025",
        "OUTCOME_SALES",
        date(2025, 11, 20),
        date(2025, 12, 1),
        None,
        800_000,
        4.6,
        0.018,
        17.0,
        99.0,
        paused=True,
    ),
    Campaign(
        "120200000000000012",
        "Holiday gifting 2025",
        "OUTCOME_SALES",
        date(2025, 12, 2),
        date(2025, 12, 23),
        None,
        1_000_000,
        2.0,
        0.013,
        16.5,
        90.0,
        paused=True,
    ),
    Campaign(
        "120200000000000013",
        "Spring launch 2026 – Rain shells",
        "OUTCOME_SALES",
        date(2026, 3, 9),
        date(2026, 4, 26),
        13_000,
        None,
        0.8,
        0.009,
        13.0,
        160.0,
        paused=True,
    ),
    Campaign(
        "120200000000000014",
        "Reels engagement – Summer 2026",
        "OUTCOME_ENGAGEMENT",
        date(2026, 6, 1),
        date(2026, 8, 31),
        3_500,
        None,
        0.4,
        0.008,
        6.5,
        70.0,
        paused=True,
    ),
    Campaign(
        "120200000000000015",
        "Black Friday 2026 – Early access",
        "OUTCOME_SALES",
        date(2026, 11, 16),
        None,
        25_000,
        None,
        4.1,
        0.019,
        16.0,
        101.0,
    ),
    # the European account (EUR): budgets in euro cents, as the Marketing API gives them
    Campaign(
        "120200000000000016",
        "EU – Prospecting Germany",
        "OUTCOME_SALES",
        date(2025, 9, 1),
        None,
        9_000,
        None,
        2.6,
        0.012,
        9.5,
        72.0,
        ad_account_id=EU_AD_ACCOUNT["ad_account_id"],
    ),
    Campaign(
        "120200000000000017",
        "EU – Lead gen – Catalogue requests",
        "OUTCOME_LEADS",
        date(2025, 10, 6),
        None,
        2_500,
        None,
        0.5,
        0.012,
        8.0,
        55.0,
        ad_account_id=EU_AD_ACCOUNT["ad_account_id"],
    ),
)

# media_type, media_product_type, share of posts, reach multiplier, engagement multiplier
MEDIA_KINDS = (
    ("IMAGE", "FEED", 0.38, 1.0, 1.0),
    ("CAROUSEL_ALBUM", "FEED", 0.30, 1.35, 1.25),
    ("VIDEO", "REELS", 0.27, 2.4, 0.9),
    ("VIDEO", "FEED", 0.05, 1.1, 0.8),
)
HOUR_WEIGHT = np.array(
    [0, 0, 0, 0, 0, 0, 1, 3, 4, 3, 2, 3, 5, 4, 2, 2, 3, 5, 8, 9, 8, 5, 2, 1], dtype=float
)
HOUR_LIFT = np.array(
    [
        1,
        1,
        1,
        1,
        1,
        1,
        0.8,
        0.9,
        1.0,
        0.95,
        0.9,
        1.0,
        1.1,
        1.0,
        0.9,
        0.9,
        0.95,
        1.05,
        1.25,
        1.35,
        1.3,
        1.1,
        0.9,
        0.8,
    ]
)
WEEKDAY_LIFT = np.array([0.95, 0.95, 1.0, 1.05, 0.9, 1.1, 1.2])  # Monday .. Sunday
AD_WEEKDAY = np.array([1.0, 1.02, 1.03, 1.0, 0.95, 0.92, 0.98])


def season(day: date) -> float:
    """Outdoor-brand seasonality: summer and pre-Christmas peaks, a dull February."""
    doy = day.timetuple().tm_yday
    summer = 0.25 * np.exp(-(((doy - 190) / 35) ** 2))
    holiday = 0.35 * np.exp(-(((doy - 340) / 14) ** 2))
    winter = -0.12 * np.exp(-(((doy - 45) / 25) ** 2))
    return float(1.0 + summer + holiday + winter)
