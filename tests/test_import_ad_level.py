"""An Ads Manager export by ad (by day and age x gender, or by day and placement) keeps its ad
sets and ads: the ad-level tables hold the file's rows to the cent, the campaign level is the
sum of its ads, names are kept, a re-import doubles nothing, a removal restores the store, a
bad file writes nothing; the API's rows win as at the campaign level.

Expected figures come from pandas over the rows the test wrote (or over the public file)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from insights.csv_import import importer
from insights.store.database import ROLLUPS, Store
from tests import rollups
from tests.ads_exports import (
    AD_TREE,
    PLACEMENT_KEYS_STORED,
    ad_rows,
    snapshot,
    write_ad_export,
)
from tests.test_importer import KAG, _cents

FIGURES = {"spend": "spend", "impressions": "impressions", "link_clicks": "link_clicks",
           "conversions": "purchases", "conversion_value": "value"}  # fmt: skip
NAMES = ["campaign", "adset", "ad"]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.duckdb") as s:
        yield s


def _named(store: Store, table: str, keys: list[str]) -> pd.DataFrame:
    """An ad-level table's figures by the campaign, ad set and ad names and `keys`."""
    got = store.query(
        f"SELECT c.name AS campaign, s.name AS adset, a.name AS ad, t.date AS day, "
        f"{', '.join('t.' + k for k in keys)}, {', '.join('t.' + f for f in FIGURES)} "
        f"FROM {table} t JOIN ads a USING (ad_id) JOIN ad_sets s ON s.adset_id = t.adset_id "
        "JOIN ad_campaigns c ON c.campaign_id = t.campaign_id"
    )
    got["day"] = pd.to_datetime(got["day"]).dt.date
    return got.set_index([*NAMES, "day", *keys]).sort_index()


def _equal(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every row of `expected` (file column names) in `got` (store names), to the cent."""
    assert list(got.index) == list(expected.index)
    for key, row in expected.iterrows():
        for stored, written in FIGURES.items():
            value = got.loc[key, stored]
            if written in ("spend", "value"):
                assert Decimal(str(value)) == row[written], (key, stored)
            else:
                assert value == row[written], (key, stored)


def _campaigns_are_their_ads(store: Store, expected: pd.DataFrame, keys: list[str]) -> None:
    """ad_insights_daily by campaign, day and `keys` (age, gender) = the sums of the file's ads."""
    by = expected.groupby(["campaign", "day", *keys])[list(FIGURES.values())].sum()
    got = store.query(
        f"SELECT c.name AS campaign, d.date AS day, {', '.join('d.' + k for k in keys)}, "
        f"{', '.join('d.' + f for f in FIGURES)} "
        "FROM ad_insights_daily d JOIN ad_campaigns c USING (campaign_id)"
    )
    got["day"] = pd.to_datetime(got["day"]).dt.date
    got = got.set_index(["campaign", "day", *keys]).sort_index()
    assert list(got.index) == list(by.index)
    for key, row in by.iterrows():
        assert Decimal(str(got.loc[key, "spend"])) == row["spend"], key
        assert Decimal(str(got.loc[key, "conversion_value"])) == row["value"], key
        assert got.loc[key, "impressions"] == row["impressions"], key
        assert got.loc[key, "conversions"] == row["purchases"], key
    with store.cursor() as cur:
        assert rollups.mismatches(cur) == dict.fromkeys(ROLLUPS, 0)


def _tree(store: Store) -> set[tuple[str, str, str]]:
    return set(
        store.query(
            "SELECT c.name, s.name, a.name FROM ads a JOIN ad_sets s USING (adset_id) "
            "JOIN ad_campaigns c ON c.campaign_id = a.campaign_id"
        ).itertuples(index=False, name=None)
    )


WRITTEN_TREE = {(c, s, a) for c, sets in AD_TREE.items() for s, ads in sets.items() for a in ads}


def test_an_export_by_ad_age_and_gender_keeps_its_ads(store, tmp_path):
    rows = ad_rows()
    frame = pd.DataFrame(rows)
    before = snapshot(store)
    path = write_ad_export(tmp_path / "ads.csv", rows)
    result = importer.import_file(store, path)
    assert result.rows_read == len(rows) and result.skipped_totals == 1
    assert (result.ads, result.ad_sets) == (len(WRITTEN_TREE), 4)
    assert _tree(store) == WRITTEN_TREE  # names kept; same names in other parents stay apart
    by_cell = frame.set_index([*NAMES, "day", "age", "gender"]).sort_index()
    _equal(_named(store, "ad_level_daily", ["age", "gender"]), by_cell)
    _campaigns_are_their_ads(store, frame, ["age", "gender"])
    # no placement in the file: each ad's day counts as unknown placement, the same sums
    assert any("unknown in the placement breakdown" in n for n in result.notes)
    placed = _named(store, "ad_level_placement_daily", PLACEMENT_KEYS_STORED)
    assert set(placed.index.droplevel([0, 1, 2, 3])) == {("unknown", "unknown", "unknown")}
    _equal(placed.droplevel(PLACEMENT_KEYS_STORED), frame.groupby([*NAMES, "day"]).sum())

    # again: nothing doubles; then removed: the store is as before
    figures = _named(store, "ad_level_daily", ["age", "gender"])
    again = importer.import_file(store, path)
    assert again.replaced and len(importer.list_imports(store)) == 1
    pd.testing.assert_frame_equal(_named(store, "ad_level_daily", ["age", "gender"]), figures)
    _campaigns_are_their_ads(store, frame, ["age", "gender"])
    importer.remove_import(store, again.import_id)
    assert snapshot(store) == before


def test_an_export_by_placement_keeps_its_ads_by_placement(store, tmp_path):
    rows = ad_rows(seed=5, by="placement")
    frame = pd.DataFrame(rows)
    for i, key in enumerate(PLACEMENT_KEYS_STORED):  # Meta's values, written by the test
        frame[key] = frame["values"].map(lambda v, i=i: v[i])
    before = snapshot(store)
    result = importer.import_file(store, write_ad_export(tmp_path / "p.csv", rows, "placement"))
    assert result.rows_read == len(rows) and _tree(store) == WRITTEN_TREE
    placed = _named(store, "ad_level_placement_daily", PLACEMENT_KEYS_STORED)
    _equal(placed, frame.set_index([*NAMES, "day", *PLACEMENT_KEYS_STORED]).sort_index())
    # no age or gender in the file: as at the campaign level, they count as unknown
    assert any(n.startswith("No Age or Gender column") for n in result.notes)
    by_day = frame.drop(columns=["labels", "values"]).groupby([*NAMES, "day"]).sum()
    by_day = by_day.assign(age="unknown", gender="unknown")
    by_day = by_day.set_index(["age", "gender"], append=True)
    _equal(_named(store, "ad_level_daily", ["age", "gender"]), by_day)
    _campaigns_are_their_ads(
        store, frame.assign(age="unknown", gender="unknown"), ["age", "gender"]
    )
    importer.remove_import(store, result.import_id)
    assert snapshot(store) == before


def test_an_export_by_ad_set_keeps_each_ad_set_under_one_ad(store, tmp_path):
    rows = ad_rows(seed=6)
    frame = pd.DataFrame(rows).drop(columns=["ad"])
    frame["Day"] = frame["day"].astype(str)
    path = tmp_path / "adsets.csv"
    frame.rename(columns={"campaign": "Campaign name", "adset": "Ad set name", "age": "Age",
                          "gender": "Gender", "spend": "Amount spent (USD)",
                          "impressions": "Impressions", "link_clicks": "Link clicks",
                          "purchases": "Purchases", "value": "Purchases conversion value"}
                 ).drop(columns=["day"]).to_csv(path, index=False)  # fmt: skip
    result = importer.import_file(store, path)
    assert any("by ad set" in n for n in result.notes)
    sets = {(c, s) for c, sets in AD_TREE.items() for s in sets}
    assert _tree(store) == {(c, s, f"All ads of {s}") for c, s in sets}
    got = _named(store, "ad_level_daily", ["age", "gender"]).droplevel("ad")
    _equal(got, frame.groupby(["campaign", "adset", "day", "age", "gender"]).sum())


# -- bad files ---------------------------------------------------------------------------------


def _refused(store: Store, path: Path, *expected: str) -> None:
    before = snapshot(store)
    with pytest.raises(importer.ImportFileError) as raised:
        importer.import_file(store, path)
    for part in (path.name, *expected):
        assert part in str(raised.value), str(raised.value)
    assert snapshot(store) == before


def _edited(tmp_path: Path, name: str, rows, by: str, line: int, column: str, value: str) -> Path:
    text = write_ad_export(tmp_path / name, rows, by).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[line - 1]]))
    cells[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[line - 1] = out.getvalue()
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / name


def test_a_row_without_its_ad_or_an_unknown_placement_writes_nothing(store, tmp_path):
    importer.import_file(store, write_ad_export(tmp_path / "first.csv", ad_rows(seed=2)))
    rows = ad_rows(seed=3, by="placement")
    _refused(
        store,
        _edited(tmp_path, "noad.csv", ad_rows(seed=4), "age_gender", 9, "Ad name", ""),
        "line 9",
        "column 'Ad name'",
        "the ad is empty",
    )
    _refused(
        store,
        _edited(tmp_path, "where.csv", rows, "placement", 7, "Placement", "Side panel"),
        "line 7",
        "column 'Placement'",
        "'Side panel' is not a placement",
        "Instagram Stories",
    )
    _refused(
        store,
        _edited(tmp_path, "device.csv", rows, "placement", 4, "Impression device", "Fridge"),
        "line 4",
        "column 'Impression device'",
        "'Fridge'",
    )


def test_an_ad_under_two_ad_sets_is_refused(store, tmp_path):
    text = (
        "Campaign ID,Campaign name,Ad set ID,Ad set name,Ad ID,Ad name,Day,Amount spent (USD),"
        "Impressions\n"
        "11,Spring,21,Broad,31,Carousel,2025-06-01,10.00,100\n"
        "11,Spring,22,Narrow,31,Carousel,2025-06-02,10.00,100\n"
    )
    path = tmp_path / "tree.csv"
    path.write_text(text, encoding="utf-8")
    _refused(store, path, "line 3", "column 'Ad ID'", "the ad 31 was under 21")


# -- the API and imports ------------------------------------------------------------------------


def test_the_api_wins_at_the_ad_level(demo_store_copy, tmp_path):
    with Store(demo_store_copy) as store:
        api = store.query(
            "SELECT l.*, a.name AS ad_name, s.name AS adset_name, c.name AS campaign_name "
            "FROM ad_level_daily l JOIN ads a USING (ad_id) JOIN ad_sets s "
            "ON s.adset_id = l.adset_id JOIN ad_campaigns c ON c.campaign_id = l.campaign_id "
            "ORDER BY l.date DESC, l.ad_id, l.age, l.gender LIMIT 1"
        ).iloc[0]
        later = (pd.Timestamp(api["date"]) + pd.Timedelta(days=1)).date()
        stored = snapshot(store)["ad_level_daily"]
        header = ["Campaign ID", "Campaign name", "Ad set ID", "Ad set name", "Ad ID", "Ad name",
                  "Day", "Age", "Gender", "Amount spent (USD)", "Impressions"]  # fmt: skip
        ids = [api["campaign_id"], "Renamed", api["adset_id"], "Renamed", api["ad_id"], "Renamed"]
        path = tmp_path / "overlap.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([
                header,
                [*ids, pd.Timestamp(api["date"]).date(), api["age"], api["gender"], "9999.99", 1],
                [*ids, later, api["age"], api["gender"], "12.34", 100],
            ])  # fmt: skip
        result = importer.import_file(store, path)
        kept = store.query(
            "SELECT spend, import_id FROM ad_level_daily WHERE ad_id = $a AND date = $d "
            "AND age = $g1 AND gender = $g2",
            {"a": api["ad_id"], "d": api["date"], "g1": api["age"], "g2": api["gender"]},
        )
        assert Decimal(str(kept["spend"].iloc[0])) == Decimal(str(api["spend"]))
        assert pd.isna(kept["import_id"].iloc[0])
        names = store.query(
            "SELECT a.name, a.import_id, s.name AS s FROM ads a JOIN ad_sets s USING (adset_id) "
            "WHERE ad_id = $a",
            {"a": api["ad_id"]},
        ).iloc[0]
        assert (names["name"], names["s"]) == (api["ad_name"], api["adset_name"])
        assert pd.isna(names["import_id"])
        added = store.query("SELECT spend FROM ad_level_daily WHERE import_id = $i",
                            {"i": result.import_id})  # fmt: skip
        assert [Decimal(str(v)) for v in added["spend"]] == [Decimal("12.34")]
        importer.remove_import(store, result.import_id)
        assert snapshot(store)["ad_level_daily"] == stored


# -- the public data set ------------------------------------------------------------------------


@pytest.mark.skipif(not KAG.exists(), reason="the public data set is not beside the project")
def test_the_facebook_ads_data_set_keeps_its_ad_sets_and_ads(store):
    """Its README: ad_id is the ad, fb_campaign_id the id Facebook uses for the ad set (each
    holds one age, gender and interest: one ad set's targeting), xyz_campaign_id the campaign."""
    raw = pd.read_csv(KAG, dtype=str, encoding="utf-8-sig")
    result = importer.import_file(store, KAG, on_day=date(2017, 8, 17))
    assert (
        result.ads == raw["ad_id"].nunique() and result.ad_sets == raw["fb_campaign_id"].nunique()
    )
    raw["spend"] = raw["Spent"].map(_cents)
    got = store.query(
        "SELECT ad_id, adset_id, campaign_id, age, gender, spend, impressions, clicks, "
        "conversions FROM ad_level_daily"
    ).set_index("ad_id")
    assert len(got) == len(raw)
    letter = {"male": "M", "female": "F"}
    for row in raw.itertuples():
        ad = got.loc[row.ad_id]
        assert (ad["adset_id"], ad["campaign_id"]) == (row.fb_campaign_id, row.xyz_campaign_id)
        assert (ad["age"], letter[ad["gender"]]) == (row.age, row.gender)
        assert Decimal(str(ad["spend"])) == row.spend
        assert ad["impressions"] == int(row.Impressions) and ad["clicks"] == int(row.Clicks)
        assert ad["conversions"] == int(row.Approved_Conversion)
    # the campaigns are the sums of their ads
    by_campaign = raw.groupby("xyz_campaign_id")["spend"].sum()
    stored = store.query("SELECT campaign_id, sum(spend) AS s FROM ad_insights_daily GROUP BY 1")
    assert {r.campaign_id: Decimal(str(r.s)) for r in stored.itertuples()} == by_campaign.to_dict()
    tree = store.query("SELECT adset_id, campaign_id FROM ad_sets").set_index("adset_id")
    parents = raw.drop_duplicates("fb_campaign_id").set_index("fb_campaign_id")["xyz_campaign_id"]
    assert tree["campaign_id"].sort_index().to_dict() == parents.sort_index().to_dict()


def test_ads_without_their_ad_sets_stay_at_the_campaign_level(store, tmp_path, capsys):
    from insights.cli import main

    rows = ad_rows(seed=8)
    text = write_ad_export(tmp_path / "x.csv", rows).read_text(encoding="utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), dtype=str).drop(columns=["Ad set name"])
    frame.to_csv(tmp_path / "noset.csv", index=False)
    result = importer.import_file(store, tmp_path / "noset.csv")
    assert any("kept at the campaign level only" in n for n in result.notes)
    assert result.ads == 0
    assert store.query("SELECT count(*) AS n FROM ad_level_daily")["n"].iloc[0] == 0
    _campaigns_are_their_ads(store, pd.DataFrame(rows), ["age", "gender"])
    # the command line says how many ads an export by ad kept
    path = write_ad_export(tmp_path / "ads.csv", rows)
    assert main(["import-csv", str(path), "--db", str(tmp_path / "cli.duckdb")]) == 0
    assert f"its {len(WRITTEN_TREE)} ads in 4 ad sets kept" in capsys.readouterr().out


def test_an_ad_row_the_api_writes_later_replaces_the_imported_one(demo_store_copy, demo_range):
    from insights.demo.server import DemoApi
    from insights.ingest.run import IngestOptions, run_ingest
    from tests.test_ingest_ad_level import FAST, TOKEN, _settings

    day = demo_range[1] - timedelta(days=1)
    key = "ad_id = $a AND date = $d AND age = $g1 AND gender = $g2"
    with Store(demo_store_copy) as store:
        api = store.query(
            "SELECT * FROM ad_level_daily WHERE date = $d ORDER BY spend DESC LIMIT 1", {"d": day}
        ).iloc[0]
        where = {"a": api["ad_id"], "d": day, "g1": api["age"], "g2": api["gender"]}
        with store.transaction() as cur:  # as if the API had not served that row yet
            cur.execute(f"DELETE FROM ad_level_daily WHERE {key}", where)
        path = demo_store_copy.parent / "later.csv"
        path.write_text(
            "Campaign ID,Campaign name,Ad set ID,Ad set name,Ad ID,Ad name,Day,Age,Gender,"
            "Amount spent (USD),Impressions\n"
            f"{api['campaign_id']},C,{api['adset_id']},S,{api['ad_id']},A,{day:%Y-%m-%d},"
            f"{api['age']},{api['gender']},9999.99,1\n",
            encoding="utf-8",
        )
        result = importer.import_file(store, path)
        imported = store.query(f"SELECT spend, import_id FROM ad_level_daily WHERE {key}", where)
        assert Decimal(str(imported["spend"].iloc[0])) == Decimal("9999.99")
        assert imported["import_id"].iloc[0] == result.import_id
        with DemoApi(access_token=TOKEN) as served:
            run_ingest(store, _settings(served), retry=FAST, options=IngestOptions(until=day))
        after = store.query(f"SELECT spend, import_id FROM ad_level_daily WHERE {key}", where)
        assert Decimal(str(after["spend"].iloc[0])) == Decimal(str(api["spend"]))
        assert pd.isna(after["import_id"].iloc[0])
        importer.remove_import(store, result.import_id)  # the API's row stays
        kept = store.query(f"SELECT spend FROM ad_level_daily WHERE {key}", where)
        assert Decimal(str(kept["spend"].iloc[0])) == Decimal(str(api["spend"]))
