"""The bundled demo data set: a fictional outdoor brand's Instagram accounts and ad account.

Deterministic (one seed, integer cents, gzip without timestamps) so `insights demo-data`
regenerates the committed files byte for byte. Built with real patterns so the dashboard has
something true to find: weekday/hour and seasonal effects, reels out-reaching images, a few
viral posts, hashtags that really help, and campaigns whose ROAS ranges from poor to great
(declared in demo_world; this module draws the rows and writes and reads the files).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from insights.demo.ad_objects import creative_ids, thumbnail_seed
from insights.demo.thumbnails import thumbnail_png
from insights.demo.world import (
    ACCOUNTS,
    AD_ACCOUNTS,
    AD_WEEKDAY,
    AGE_CTR,
    AGE_CVR,
    AGE_WEIGHT,
    AGES,
    CAMPAIGNS,
    DAYS,
    FIRST_DAY,
    GENDER_WEIGHT,
    GENDERS,
    HOUR_LIFT,
    HOUR_WEIGHT,
    LAST_DAY,
    MEDIA_KINDS,
    WEEKDAY_LIFT,
    Campaign,
    season,
)

# the bundled files ship inside the package and are read as resources; `insights demo-data`
# writes a regenerated copy elsewhere (never into the installed package)
SAMPLE_DIR: Traversable = resources.files("insights.demo") / "sample_data"
DEFAULT_SEED = 20261122
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
THUMBNAILS = "thumbnails"  # the ad creatives' pictures: <creative id>.png


@dataclass(frozen=True)
class DemoDataset:
    ig_accounts: pd.DataFrame
    ig_media: pd.DataFrame
    ig_account_daily: pd.DataFrame
    ad_accounts: pd.DataFrame
    ad_campaigns: pd.DataFrame
    ad_insights_daily: pd.DataFrame


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
                    * season(day)
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
            base = followers * 0.09 * season(day) * WEEKDAY_LIFT[day.weekday()]
            reach_day = int(base * rng.lognormal(0, 0.12) + 0.55 * post_reach_by_day.get(day, 0))
            new_followers = int(
                rng.poisson(
                    followers * 0.0011 * season(day)
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


def _campaign_days(campaign: Campaign) -> list[date]:
    last = campaign.last or LAST_DAY
    return [d for d in _days() if campaign.first <= d <= last]


def _ads(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    campaigns, rows = [], []
    segment_weight = np.outer(AGE_WEIGHT, GENDER_WEIGHT)
    for campaign in CAMPAIGNS:
        account_id = campaign.ad_account_id
        days = _campaign_days(campaign)
        tilt = rng.lognormal(0, 0.25, size=segment_weight.shape)  # each campaign's audience mix
        for day in days:
            budget = (
                campaign.daily_cents
                if campaign.daily_cents is not None
                else (campaign.lifetime_cents or 0) / len(days)
            )
            holiday_push = season(day) if campaign.daily_cents else 1.0
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
                "status": campaign.status or ("PAUSED" if campaign.paused else "ACTIVE"),
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
        ad_accounts=pd.DataFrame(list(AD_ACCOUNTS)),
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
    pictures = out_dir / THUMBNAILS
    pictures.mkdir(exist_ok=True)
    for creative in creative_ids(dataset.ad_campaigns.to_dict("records")):
        path = pictures / f"{creative}.png"
        path.write_bytes(thumbnail_png(thumbnail_seed(creative)))
        written.append(path)
    return written


def thumbnail_bytes(creative: str) -> bytes:
    """A creative's bundled picture (drawn afresh for a data set without one)."""
    bundled = SAMPLE_DIR / THUMBNAILS / f"{creative}.png"
    if bundled.is_file():
        return bundled.read_bytes()
    return thumbnail_png(thumbnail_seed(creative))


def load(directory: Traversable | Path = SAMPLE_DIR) -> DemoDataset:
    """Read the data set's files back with the same types as `generate`."""
    frames = {}
    for name, file_name in FILES.items():
        compression = "gzip" if file_name.endswith(".gz") else None
        with (directory / file_name).open("rb") as file:
            frames[name] = pd.read_csv(
                file, dtype=str, keep_default_na=False, compression=compression
            )
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
