"""The bundled demo data set: a fictional outdoor brand's Instagram accounts and ad account.

Deterministic (one seed, integer cents, gzip without timestamps) so `insights demo-data`
regenerates the committed files byte for byte. Built with real patterns so the dashboard has
something true to find: weekday/hour and seasonal effects, reels out-reaching images, a few
viral posts, hashtags that really help, and campaigns whose ROAS ranges from poor to great.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
DEFAULT_SEED = 20261122
FIRST_DAY = date(2024, 11, 25)
LAST_DAY = date(2026, 11, 22)
DAYS = (LAST_DAY - FIRST_DAY).days + 1

AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_WEIGHT = np.array([0.12, 0.30, 0.26, 0.17, 0.10, 0.05])
AGE_CTR = np.array([1.25, 1.15, 1.0, 0.9, 0.8, 0.7])
AGE_CVR = np.array([0.6, 1.0, 1.25, 1.2, 1.0, 0.8])
GENDERS = ("female", "male", "unknown")
GENDER_WEIGHT = np.array([0.53, 0.44, 0.03])

COUNT_COLUMNS = {
    "ig_accounts": ("followers_count",),
    "ig_media": (
        "like_count",
        "comments_count",
        "reach",
        "views",
        "saved",
        "shares",
        "total_interactions",
    ),
    "ig_account_daily": ("reach", "views", "follower_count", "profile_views", "website_clicks"),
    "ad_campaigns": (),
    "ad_accounts": (),
    "ad_insights_daily": ("impressions", "reach", "clicks", "link_clicks", "purchases"),
}
FILES = {
    "ig_accounts": "ig_accounts.csv",
    "ig_media": "ig_media.csv.gz",
    "ig_account_daily": "ig_account_daily.csv.gz",
    "ad_accounts": "ad_accounts.csv",
    "ad_campaigns": "ad_campaigns.csv",
    "ad_insights_daily": "ad_insights_daily.csv.gz",
}


@dataclass(frozen=True)
class DemoDataset:
    ig_accounts: pd.DataFrame
    ig_media: pd.DataFrame
    ig_account_daily: pd.DataFrame
    ad_accounts: pd.DataFrame
    ad_campaigns: pd.DataFrame
    ad_insights_daily: pd.DataFrame


@dataclass(frozen=True)
class _Account:
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
    _Account(
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
    _Account(
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
    _Account(
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


@dataclass(frozen=True)
class _Campaign:
    campaign_id: str
    name: str
    objective: str
    first: date
    last: date | None  # None: still running at the end of the data
    daily_cents: int | None
    lifetime_cents: int | None
    roas: float  # target return on ad spend
    ctr: float  # clicks per impression
    cpm: float  # USD per 1000 impressions
    aov: float  # average order value, USD
    paused: bool = False


CAMPAIGNS = (
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    ),
    _Campaign(
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
    _Campaign(
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
    ),
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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
    _Campaign(
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


def _season(day: date) -> float:
    """Outdoor-brand seasonality: summer and pre-Christmas peaks, a dull February."""
    doy = day.timetuple().tm_yday
    summer = 0.25 * np.exp(-(((doy - 190) / 35) ** 2))
    holiday = 0.35 * np.exp(-(((doy - 340) / 14) ** 2))
    winter = -0.12 * np.exp(-(((doy - 45) / 25) ** 2))
    return float(1.0 + summer + holiday + winter)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _days() -> list[date]:
    return [FIRST_DAY + timedelta(days=i) for i in range(DAYS)]


# -- Instagram ----------------------------------------------------------------------------------


def _instagram(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    accounts, media, daily = [], [], []
    media_counter = 0
    for account in ACCOUNTS:
        zone = ZoneInfo(account.time_zone)
        kind_p = np.array([k[2] for k in MEDIA_KINDS])
        post_reach_by_day: dict[date, int] = {}
        viral_days: set[date] = set()
        for index, day in enumerate(_days()):
            followers = account.followers_start * (1 + account.followers_growth * index / DAYS)
            posts_today = rng.poisson(account.posts_per_day)
            for _ in range(min(posts_today, 2)):
                media_counter += 1
                hour = int(rng.choice(24, p=HOUR_WEIGHT / HOUR_WEIGHT.sum()))
                local = datetime(
                    day.year,
                    day.month,
                    day.day,
                    hour,
                    int(rng.integers(0, 60)),
                    int(rng.integers(0, 60)),
                    tzinfo=zone,
                )
                kind = MEDIA_KINDS[int(rng.choice(len(MEDIA_KINDS), p=kind_p))]
                tag_idx = rng.choice(
                    len(account.hashtags), size=int(rng.integers(3, 7)), replace=False
                )
                tags = [account.hashtags[i] for i in sorted(tag_idx)]
                tag_lift = float(np.prod([lift for _, lift in tags]) ** (1 / len(tags)))
                viral = rng.random() < 0.012
                reach = (
                    followers
                    * 0.32
                    * kind[3]
                    * HOUR_LIFT[hour]
                    * WEEKDAY_LIFT[day.weekday()]
                    * _season(day)
                    * tag_lift
                    * rng.lognormal(0, 0.3)
                    * (rng.uniform(10, 30) if viral else 1.0)
                )
                reach = max(int(reach), 50)
                rate = 0.055 * kind[4] * HOUR_LIFT[hour] ** 0.5 * tag_lift * rng.lognormal(0, 0.2)
                engaged = reach * min(rate, 0.4)
                likes = int(rng.poisson(engaged * 0.78))
                comments = int(rng.poisson(engaged * 0.04))
                saved = int(rng.poisson(engaged * 0.11))
                shares = int(rng.poisson(engaged * 0.07 * (1.8 if kind[1] == "REELS" else 1)))
                views: int | None = None
                if kind[0] != "CAROUSEL_ALBUM":
                    views = int(
                        reach
                        * (rng.uniform(1.6, 2.4) if kind[0] == "VIDEO" else rng.uniform(1.15, 1.45))
                    )
                topic = account.topics[int(rng.integers(len(account.topics)))]
                caption = f"{topic[0].upper()}{topic[1:]}. " + " ".join(t for t, _ in tags)
                shortcode = f"NW{media_counter:05d}{account.account_id[-1]}x"
                media.append(
                    {
                        "media_id": f"1790000000{media_counter:08d}",
                        "account_id": account.account_id,
                        "timestamp": local.astimezone(ZoneInfo("UTC")).strftime(
                            "%Y-%m-%dT%H:%M:%S+0000"
                        ),
                        "media_type": kind[0],
                        "media_product_type": kind[1],
                        "caption": caption,
                        "permalink": (
                            f"https://www.instagram.com/"
                            f"{'reel' if kind[1] == 'REELS' else 'p'}/{shortcode}/"
                        ),
                        "like_count": likes,
                        "comments_count": comments,
                        "reach": reach,
                        "views": views,
                        "saved": saved,
                        "shares": shares,
                        "total_interactions": likes + comments + saved + shares,
                    }
                )
                post_reach_by_day[day] = post_reach_by_day.get(day, 0) + reach
                if viral:
                    viral_days.add(day)
            base = followers * 0.09 * _season(day) * WEEKDAY_LIFT[day.weekday()]
            reach_day = int(base * rng.lognormal(0, 0.12) + 0.55 * post_reach_by_day.get(day, 0))
            new_followers = int(
                rng.poisson(
                    followers * 0.0011 * _season(day)
                    + (reach_day * 0.004 if day in viral_days else 0)
                )
            )
            profile_views = int(rng.poisson(reach_day * 0.028))
            daily.append(
                {
                    "account_id": account.account_id,
                    "date": day.isoformat(),
                    "reach": reach_day,
                    "views": int(reach_day * rng.uniform(1.9, 2.4)),
                    "follower_count": new_followers,
                    "profile_views": profile_views,
                    "website_clicks": int(rng.binomial(profile_views, 0.09)),
                }
            )
        final_followers = account.followers_start * (1 + account.followers_growth)
        accounts.append(
            {
                "account_id": account.account_id,
                "username": account.username,
                "name": account.name,
                "followers_count": int(final_followers),
                "time_zone": account.time_zone,
            }
        )
    return pd.DataFrame(accounts), pd.DataFrame(media), pd.DataFrame(daily)


# -- Ads ----------------------------------------------------------------------------------------


def _campaign_days(campaign: _Campaign) -> list[date]:
    last = campaign.last or LAST_DAY
    return [d for d in _days() if campaign.first <= d <= last]


def _ads(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    campaigns, rows = [], []
    account_id = AD_ACCOUNT["ad_account_id"]
    segment_weight = np.outer(AGE_WEIGHT, GENDER_WEIGHT)
    for campaign in CAMPAIGNS:
        days = _campaign_days(campaign)
        tilt = rng.lognormal(0, 0.25, size=segment_weight.shape)  # each campaign's audience mix
        for day in days:
            budget = (
                campaign.daily_cents
                if campaign.daily_cents is not None
                else (campaign.lifetime_cents or 0) / len(days)
            )
            holiday_push = _season(day) if campaign.daily_cents else 1.0
            spend_day = budget * rng.uniform(0.82, 1.0) * AD_WEEKDAY[day.weekday()] * holiday_push
            weights = segment_weight * tilt * rng.lognormal(0, 0.2, size=segment_weight.shape)
            weights /= weights.sum()
            for a, age in enumerate(AGES):
                for g, gender in enumerate(GENDERS):
                    cents = int(spend_day * weights[a, g])
                    if (gender == "unknown" and rng.random() < 0.75) or (
                        cents < 20 and rng.random() < 0.6
                    ):
                        continue  # small segments often get no delivery that day: no row
                    cpm = campaign.cpm * (0.75 + 0.1 * a) * rng.lognormal(0, 0.08)
                    impressions = int(cents / 100 / cpm * 1000)
                    if impressions <= 0:
                        continue
                    reach = max(1, int(impressions / rng.uniform(1.05, 1.6)))
                    ctr = min(campaign.ctr * AGE_CTR[a] * rng.lognormal(0, 0.12), 0.5)
                    clicks = int(rng.binomial(impressions, ctr))
                    link_clicks = int(rng.binomial(clicks, rng.uniform(0.68, 0.86)))
                    link_per_dollar = 1000 / campaign.cpm * campaign.ctr * 0.77
                    cvr = min(
                        campaign.roas
                        / (campaign.aov * link_per_dollar)
                        * AGE_CVR[a]
                        * (1.1 if gender == "female" else 0.92),
                        0.6,
                    )
                    purchases = int(rng.binomial(link_clicks, cvr))
                    value_cents = int(
                        sum(
                            int(campaign.aov * 100 * rng.lognormal(0, 0.35))
                            for _ in range(purchases)
                        )
                    )
                    rows.append(
                        {
                            "ad_account_id": account_id,
                            "campaign_id": campaign.campaign_id,
                            "date": day.isoformat(),
                            "age": age,
                            "gender": gender,
                            "spend": _money(cents),
                            "impressions": impressions,
                            "reach": reach,
                            "clicks": clicks,
                            "link_clicks": link_clicks,
                            "purchases": purchases,
                            "purchase_value": _money(value_cents),
                        }
                    )
        campaigns.append(
            {
                "campaign_id": campaign.campaign_id,
                "ad_account_id": account_id,
                "name": campaign.name,
                "objective": campaign.objective,
                "status": "PAUSED" if campaign.paused else "ACTIVE",
                "start_time": f"{campaign.first.isoformat()}T08:00:00+0000",
                "stop_time": (
                    f"{(campaign.last + timedelta(days=1)).isoformat()}T07:59:59+0000"
                    if campaign.last
                    else ""
                ),
                "daily_budget": "" if campaign.daily_cents is None else str(campaign.daily_cents),
                "lifetime_budget": (
                    "" if campaign.lifetime_cents is None else str(campaign.lifetime_cents)
                ),
            }
        )
    return pd.DataFrame(campaigns), pd.DataFrame(rows)


# -- public -------------------------------------------------------------------------------------


def generate(seed: int = DEFAULT_SEED) -> DemoDataset:
    """Build the whole data set from one seed (same seed, same data)."""
    rng = np.random.default_rng(seed)
    ig_accounts, ig_media, ig_daily = _instagram(rng)
    campaigns, insights = _ads(rng)
    dataset = DemoDataset(
        ig_accounts=ig_accounts,
        ig_media=ig_media.sort_values(["account_id", "timestamp"], ignore_index=True),
        ig_account_daily=ig_daily,
        ad_accounts=pd.DataFrame([AD_ACCOUNT]),
        ad_campaigns=campaigns,
        ad_insights_daily=insights,
    )
    return _typed(dataset)


def _typed(dataset: DemoDataset) -> DemoDataset:
    """Text for ids, dates, times and money (exact); nullable integers for counts."""
    frames = {}
    for item in fields(dataset):
        frame = getattr(dataset, item.name).copy()
        counts = COUNT_COLUMNS[item.name]
        for column in frame.columns:
            if column in counts:
                frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
            else:
                frame[column] = frame[column].fillna("").astype(str)
        frames[item.name] = frame
    return DemoDataset(**frames)


def write(dataset: DemoDataset, out_dir: Path) -> list[Path]:
    """Write the data set's files (gzip without a timestamp, so output is reproducible)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, file_name in FILES.items():
        path = out_dir / file_name
        frame: pd.DataFrame = getattr(dataset, name)
        compression = {"method": "gzip", "mtime": 0} if file_name.endswith(".gz") else None
        frame.to_csv(path, index=False, compression=compression, lineterminator="\n")
        written.append(path)
    return written


def load(directory: Path = SAMPLE_DIR) -> DemoDataset:
    """Read the data set's files back with the same types as `generate`."""
    frames = {
        name: pd.read_csv(directory / file_name, dtype=str, keep_default_na=False)
        for name, file_name in FILES.items()
    }
    return _typed(DemoDataset(**frames))


def restate(dataset: DemoDataset, epoch: int, days: int = 28) -> DemoDataset:
    """The data set as the API reports it after `epoch` rounds of late attribution: in the
    last `days` days of ad insights some rows gain conversions and value, as Meta restates
    recent days. Epoch 0 is the data set itself."""
    if epoch <= 0:
        return dataset
    ads = dataset.ad_insights_daily.copy()
    last = date.fromisoformat(ads["date"].max())
    recent = ads["date"] >= (last - timedelta(days=days - 1)).isoformat()
    chosen = recent & (np.arange(len(ads)) % 3 == epoch % 3)
    ads.loc[chosen, "purchases"] = ads.loc[chosen, "purchases"] + epoch
    extra_cents = 1234 * epoch
    ads.loc[chosen, "purchase_value"] = [
        _money(int(Decimal(v) * 100) + extra_cents) for v in ads.loc[chosen, "purchase_value"]
    ]
    return DemoDataset(
        **{**{f.name: getattr(dataset, f.name) for f in fields(dataset)}, "ad_insights_daily": ads}
    )
