"""The bundled demo data set: regenerable byte for byte, realistic, internally consistent."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from insights.demo import dataset as demo_data
from tests.conftest import SAMPLE, read_raw


def test_committed_files_are_exactly_what_the_generator_writes(tmp_path):
    written = demo_data.write(demo_data.generate(), tmp_path)
    bundled = [*SAMPLE.glob("*.csv*"), *SAMPLE.glob(f"{demo_data.THUMBNAILS}/*.png")]
    assert {p.relative_to(tmp_path) for p in written} == {p.relative_to(SAMPLE) for p in bundled}
    for path in written:
        name = path.relative_to(tmp_path)
        assert path.read_bytes() == (SAMPLE / name).read_bytes(), name


def test_another_seed_gives_other_data():
    other = demo_data.generate(seed=1)
    base = demo_data.load()
    assert not other.ad_insights_daily["spend"].equals(base.ad_insights_daily["spend"])


def test_size_and_shape(raw):
    assert len(raw["ig_accounts"]) == 3
    assert 1000 <= len(raw["ig_media"]) <= 1800
    assert 30_000 <= len(raw["ad_insights_daily"]) <= 75_000  # two ad accounts
    assert 10 <= len(raw["ad_campaigns"]) <= 20
    assert sum(p.stat().st_size for p in SAMPLE.glob("*.csv*")) < 3_000_000
    media = raw["ig_media"]
    assert set(media["media_type"]) == {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"}
    assert set(media["media_product_type"]) == {"FEED", "REELS"}
    assert media.groupby("account_id").size().min() >= 250  # hundreds of posts each
    days = pd.to_datetime(raw["ig_account_daily"]["date"])
    assert (days.max() - days.min()).days >= 700  # about two years
    assert set(raw["ad_campaigns"]["objective"]) >= {
        "OUTCOME_SALES",
        "OUTCOME_TRAFFIC",
        "OUTCOME_AWARENESS",
        "OUTCOME_LEADS",
    }


def test_invariants(raw):
    media = raw["ig_media"]
    parts = media[["like_count", "comments_count", "saved", "shares"]].astype(int).sum(axis=1)
    assert (parts == media["total_interactions"].astype(int)).all()
    assert ((media["views"] == "") == (media["media_type"] == "CAROUSEL_ALBUM")).all()
    assert media["timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000").all()
    assert media["caption"].str.contains("#").all()
    ads = raw["ad_insights_daily"]
    numbers = ads[["impressions", "reach", "clicks", "link_clicks", "purchases"]].astype(int)
    assert (numbers["impressions"] > 0).all()  # no row without delivery
    assert (numbers["reach"] <= numbers["impressions"]).all()
    assert (numbers["link_clicks"] <= numbers["clicks"]).all()
    assert ads["spend"].str.fullmatch(r"\d+\.\d\d").all()
    assert ads["purchase_value"].str.fullmatch(r"\d+\.\d\d").all()
    assert not ads.duplicated(["campaign_id", "date", "age", "gender"]).any()


def test_campaigns_differ_clearly_in_return(raw):
    ads = raw["ad_insights_daily"]
    roas = ads.groupby("campaign_id").apply(
        lambda g: sum(map(Decimal, g["purchase_value"])) / sum(map(Decimal, g["spend"]))
    )
    assert roas.max() > 4 and roas.min() < 1


def test_reels_reach_more_and_viral_outliers_exist(raw):
    media = raw["ig_media"].assign(reach=lambda f: f["reach"].astype(int))
    by_type = media.groupby("media_product_type")["reach"].median()
    assert by_type["REELS"] > 1.5 * by_type["FEED"]
    per_account = media.groupby("account_id")["reach"]
    ratio = media["reach"] / per_account.transform("median")
    assert (ratio > 8).sum() >= 3


def test_load_types(raw):
    dataset = demo_data.load()
    assert (
        dataset.ad_insights_daily["spend"].tolist()
        == read_raw("ad_insights_daily.csv.gz")["spend"].tolist()
    )
    assert str(dataset.ig_media["reach"].dtype) == "Int64"
    assert dataset.ig_media["views"].isna().sum() == (raw["ig_media"]["views"] == "").sum()
