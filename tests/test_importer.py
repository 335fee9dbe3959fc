"""CSV import into a store: the real public data sets, re-imports and removal, overlaps with
the API, batches, the command line and the Data page (files refused: test_import_files).

Expected figures come from pandas over the same files (or over the rows the test wrote)."""

from __future__ import annotations

import csv
import io
import os
import random
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from insights.cli import main
from insights.csv_import import importer
from insights.csv_import import reader as import_reader
from insights.store.database import ROLLUPS, Store
from tests import rollups
from tests.ads_exports import (
    HEADER,
    ads_rows,
    assert_ads_match,
    bad_file,
    good_csv_text,
    replace_cell,
    snapshot,
    write_ads,
)
from tests.shown import shown


def _datasets() -> Path:
    """The public data sets: $INSIGHTS_DATASETS, else a shared/datasets folder beside the
    project or beside one of its parent folders (a checkout may be cloned anywhere)."""
    if os.environ.get("INSIGHTS_DATASETS"):
        return Path(os.environ["INSIGHTS_DATASETS"])
    for folder in Path(__file__).resolve().parents[1:]:
        if (folder / "shared" / "datasets").is_dir():
            return folder / "shared" / "datasets"
    return Path(__file__).resolve().parents[2] / "shared" / "datasets"


DATASETS = _datasets()
KAG = DATASETS / "kag_conversion_data.csv"
POSTS = DATASETS / "instagram_posts.csv"
CENT = Decimal("0.01")


def _cents(text: str) -> Decimal:
    return Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.duckdb") as s:
        yield s


# -- the public data sets --------------------------------------------------------------------


@pytest.mark.skipif(not KAG.exists(), reason="the public data set is not beside the project")
def test_the_facebook_ads_data_set_imports_with_the_figures_pandas_gives(store):
    raw = pd.read_csv(KAG, dtype=str, encoding="utf-8-sig")
    result = importer.import_file(store, KAG, on_day=date(2017, 8, 17))
    assert result.kind == "ads-manager" and result.rows_read == len(raw) == 1143
    raw["spend"] = raw["Spent"].map(_cents)  # float32 noise in the file: cents per ad
    for column in ("Impressions", "Clicks", "Approved_Conversion"):
        raw[column] = raw[column].astype(int)
    expected = raw.groupby("xyz_campaign_id").agg(
        spend=("spend", "sum"),
        impressions=("Impressions", "sum"),
        clicks=("Clicks", "sum"),
        conversions=("Approved_Conversion", "sum"),
    )
    got = store.query(
        "SELECT campaign_id, sum(spend) AS spend, sum(impressions) AS impressions, "
        "sum(clicks) AS clicks, sum(conversions) AS conversions FROM ad_insights_daily "
        "GROUP BY campaign_id"
    ).set_index("campaign_id")
    assert sorted(got.index) == sorted(expected.index)
    for campaign, row in expected.iterrows():
        assert Decimal(str(got.loc[campaign, "spend"])) == row["spend"]
        assert got.loc[campaign, "impressions"] == row["impressions"]
        assert got.loc[campaign, "clicks"] == row["clicks"]
        assert got.loc[campaign, "conversions"] == row["conversions"]
    # by age and gender too (the file's M/F are the API's male/female)
    by_cell = raw.groupby(["xyz_campaign_id", "age", "gender"])["Impressions"].sum()
    cells = store.query("SELECT campaign_id, age, gender, impressions FROM ad_insights_daily")
    assert len(cells) == len(by_cell)
    letter = {"male": "M", "female": "F"}
    for row in cells.itertuples():
        assert row.impressions == by_cell[(row.campaign_id, row.age, letter[row.gender])]
    # the rollup the pages read agrees with the detail
    rollup = store.query("SELECT sum(spend) AS s FROM ad_campaign_daily")["s"].iloc[0]
    assert Decimal(str(rollup)) == raw["spend"].sum()


@pytest.mark.skipif(not POSTS.exists(), reason="the public data set is not beside the project")
def test_the_instagram_data_set_imports_with_the_figures_pandas_gives(store):
    raw = pd.read_csv(POSTS, dtype=str, keep_default_na=False)
    result = importer.import_file(store, POSTS, account="amankharwal")
    assert result.kind == "instagram-posts" and result.rows_written == len(raw) == 176
    got = store.query(
        "SELECT strftime(posted_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS day, like_count, "
        "comments_count, saved, shares, views, caption, account_id FROM ig_media"
    ).set_index("day")
    for row in raw.itertuples():
        post = got.loc[row.Date]
        assert post["like_count"] == int(row.Likes)
        assert post["comments_count"] == int(row.Comments)
        assert post["saved"] == int(row.Saves)
        assert post["shares"] == int(row.Shares)
        assert post["views"] == int(row.Impressions)
        assert post["account_id"] == "amankharwal"
        # hashtags join the caption, split by ordinary spaces (the file uses U+00A0)
        for tag in row.Hashtags.replace("\xa0", " ").split():
            assert tag in post["caption"].split()


# -- Ads Manager exports, generated ----------------------------------------------------------


def test_importing_the_same_file_twice_doubles_nothing(store, tmp_path):
    rows = ads_rows()
    path = write_ads(tmp_path / "export.csv", rows)
    importer.import_file(store, path)
    first = snapshot(store)
    again = importer.import_file(store, path)
    assert again.replaced
    assert_ads_match(store, rows)
    second = snapshot(store)
    for table in ("ad_insights_daily", *ROLLUPS):
        assert len(second[table]) == len(first[table])
    assert len(importer.list_imports(store)) == 1
    with store.cursor() as cur:
        assert rollups.mismatches(cur) == dict.fromkeys(ROLLUPS, 0)


def test_an_import_can_be_removed_and_leaves_the_store_as_before(store, tmp_path):
    before = snapshot(store)
    result = importer.import_file(store, write_ads(tmp_path / "e.csv", ads_rows()))
    assert result.rows_written > 0
    with store.cursor() as cur:
        # a campaign-level export fills the campaign rollups (the ad level's stay empty)
        campaign_level = [t for t, (detail, *_) in ROLLUPS.items() if detail == "ad_insights_daily"]
        assert all(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in campaign_level)
        assert rollups.mismatches(cur) == dict.fromkeys(ROLLUPS, 0)
    importer.remove_import(store, result.import_id)
    assert snapshot(store) == before


# -- API and imports together ----------------------------------------------------------------


def test_the_api_wins_where_an_import_overlaps_it(demo_store_copy, tmp_path, raw):
    ads = raw["ad_insights_daily"]
    api_row = ads.iloc[0]
    campaign = raw["ad_campaigns"].set_index("campaign_id").loc[api_row["campaign_id"]]
    header = ["Campaign ID", "Campaign name", "Day", "Age", "Gender", "Amount spent (USD)",
              "Impressions", "Link clicks", "Purchases"]  # fmt: skip
    new_day = date.fromisoformat(ads["date"].max()) + timedelta(days=1)
    lines = [
        header,
        [api_row["campaign_id"], campaign["name"], api_row["date"], api_row["age"],
         api_row["gender"], "99999.99", "1", "1", "1"],
        [api_row["campaign_id"], campaign["name"], new_day.isoformat(), api_row["age"],
         api_row["gender"], "12.34", "100", "5", "1"],
    ]  # fmt: skip
    path = tmp_path / "overlap.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)
    with Store(demo_store_copy) as store:
        result = importer.import_file(store, path)
        assert result.rows_read == 2 and result.rows_written == 1
        kept = store.query(
            "SELECT spend, import_id FROM ad_insights_daily WHERE campaign_id = $c "
            "AND date = $d AND age = $a AND gender = $g",
            {"c": api_row["campaign_id"], "d": api_row["date"], "a": api_row["age"],
             "g": api_row["gender"]},
        )  # fmt: skip
        assert Decimal(str(kept["spend"].iloc[0])) == Decimal(api_row["spend"])
        assert pd.isna(kept["import_id"].iloc[0])
        name = store.query(
            "SELECT name, import_id FROM ad_campaigns WHERE campaign_id = $c",
            {"c": api_row["campaign_id"]},
        )
        assert name["name"].iloc[0] == campaign["name"] and pd.isna(name["import_id"].iloc[0])
        added = store.query("SELECT spend FROM ad_insights_daily WHERE date = $d", {"d": new_day})
        assert [Decimal(str(v)) for v in added["spend"]] == [Decimal("12.34")]
        importer.remove_import(store, result.import_id)
        assert (
            store.query(
                "SELECT count(*) AS n FROM ad_insights_daily WHERE date = $d", {"d": new_day}
            )["n"].iloc[0]
            == 0
        )
        assert len(store.query("SELECT * FROM ad_insights_daily")) == len(ads)


def test_a_large_file_streams_in_batches(store, tmp_path):
    rows = ads_rows(seed=3, days=1)
    path = tmp_path / "large.csv"
    count = import_reader.BATCH_ROWS * 2 + 17
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(count):
            r = rows[i % len(rows)]
            day = date(2024, 1, 1) + timedelta(days=i // 50)  # all in the past
            writer.writerow([day, day, r["campaign"], day, r["age"], r["gender"], r["spend"],
                             r["impressions"], "", r["link_clicks"], "", "", r["purchases"],
                             r["value"], ""])  # fmt: skip
    frame = pd.read_csv(path, dtype=str)
    result = importer.import_file(store, path)
    assert result.rows_read == count
    got = store.query("SELECT sum(spend) AS s, sum(impressions) AS i FROM ad_insights_daily")
    assert Decimal(str(got["s"].iloc[0])) == sum(map(Decimal, frame["Amount spent (EUR)"]))
    assert got["i"].iloc[0] == frame["Impressions"].astype(int).sum()


def _by_key(store: Store) -> pd.DataFrame:
    """The stored ad rows by (campaign name, day, age, gender)."""
    got = store.query(
        "SELECT c.name AS campaign, a.date AS day, a.age, a.gender, a.spend, a.impressions, "
        "a.reach, a.link_clicks, a.conversions, a.conversion_value AS value "
        "FROM ad_insights_daily a JOIN ad_campaigns c USING (campaign_id)"
    )
    got["day"] = pd.to_datetime(got["day"]).dt.date
    return got.set_index(["campaign", "day", "age", "gender"]).sort_index()


def test_rows_of_one_key_in_different_batches_add_up_and_a_newer_import_wins(
    store, tmp_path, monkeypatch
):
    monkeypatch.setattr(import_reader, "BATCH_ROWS", 5)
    # every key twice, 36 rows apart (so in another batch), with other figures
    rows = ads_rows(seed=11, days=3) + ads_rows(seed=12, days=3)
    importer.import_file(store, write_ads(tmp_path / "split.csv", rows))
    keys = ["campaign", "day", "age", "gender"]
    figures = ["spend", "impressions", "link_clicks", "purchases", "value"]
    expected = pd.DataFrame(rows).groupby(keys)[figures].sum()
    assert (pd.DataFrame(rows).groupby(keys).size() == 2).all()
    got = _by_key(store)
    assert list(got.index) == list(expected.index)
    for key, row in expected.iterrows():
        assert Decimal(str(got.loc[key, "spend"])) == row["spend"], key
        assert Decimal(str(got.loc[key, "value"])) == row["value"], key
        assert got.loc[key, "impressions"] == row["impressions"], key
        assert got.loc[key, "link_clicks"] == row["link_clicks"], key
        assert got.loc[key, "conversions"] == row["purchases"], key
        assert pd.isna(got.loc[key, "reach"]), key  # reach of two rows does not add up

    # a newer file with the middle day replaces those keys and leaves the others
    newer = [r for r in ads_rows(seed=13, days=3) if r["day"] == date(2025, 5, 2)]
    importer.import_file(store, write_ads(tmp_path / "newer.csv", newer))
    replaced = pd.DataFrame(newer).set_index(keys)
    got = _by_key(store)
    assert list(got.index) == list(expected.index)
    for key in expected.index:
        source = replaced if key in replaced.index else expected
        assert Decimal(str(got.loc[key, "spend"])) == source.loc[key, "spend"], key
        assert got.loc[key, "impressions"] == source.loc[key, "impressions"], key
        if key in replaced.index:
            assert got.loc[key, "reach"] == replaced.loc[key, "reach"], key


def test_a_bad_value_after_many_batches_writes_nothing_on_the_apps_locked_store(
    store, tmp_path, monkeypatch
):
    importer.import_file(store, write_ads(tmp_path / "earlier.csv", ads_rows(seed=9)))
    store.lock_down()  # as the app opens it
    before = snapshot(store)
    monkeypatch.setattr(import_reader, "BATCH_ROWS", 7)
    merged = []
    read = importer.read_batches

    def counted(*args, **kwargs):
        for batch in read(*args, **kwargs):
            merged.append(len(batch))
            yield batch

    monkeypatch.setattr(importer, "read_batches", counted)
    rows = ads_rows(seed=5, days=10)  # 120 rows on lines 2 to 121
    text = write_ads(tmp_path / "late.csv", rows, totals=False).read_text()
    path = bad_file(tmp_path, "late.csv", replace_cell(text, 118, "Impressions", "n/a").encode())
    with pytest.raises(importer.ImportFileError, match="late.csv, line 118, column 'Impressions'"):
        importer.import_file(store, path)
    assert sum(merged) == 112  # 16 batches were merged before the bad line was read
    assert snapshot(store) == before
    # and the same file, corrected, imports on that store
    result = importer.import_file(store, write_ads(tmp_path / "late.csv", rows, totals=False))
    assert result.rows_written == len(rows)


# -- the command line ------------------------------------------------------------------------


def test_the_cli_imports_good_files_and_names_the_bad_one(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    good = write_ads(tmp_path / "good.csv", ads_rows())
    bad = bad_file(tmp_path, "bad.csv", replace_cell(good_csv_text(), 4, "Reach", "n/a").encode())
    assert main(["import-csv", str(good), str(bad), "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    assert "Imported good.csv as ads-manager" in out
    assert "bad.csv, line 4, column 'Reach'" in err
    with Store(db) as store:
        assert_ads_match(store, ads_rows())
        assert len(importer.list_imports(store)) == 1


# -- the Data page ---------------------------------------------------------------------------


def _data_page() -> None:
    from insights.ui import data_page

    data_page.render()


def test_the_data_page_imports_uploaded_files_and_removes_them(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "page.duckdb"
    Store(db).close()
    monkeypatch.setenv("INSIGHTS_DB", str(db))
    monkeypatch.setenv("INSIGHTS_SOURCE", "demo")
    monkeypatch.setenv("INSIGHTS_AUTOLOAD", "0")
    rows = ads_rows()
    good = write_ads(tmp_path / "good.csv", rows).read_bytes()
    bad = replace_cell(good_csv_text(), 3, "Impressions", "x").encode()
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    assert not at.exception
    at.file_uploader[0].set_value(
        [("spring.csv", good, "text/csv"), ("broken.csv", bad, "text/csv")]
    )
    next(b for b in at.button if b.label == "Import").click()
    at.run()
    assert not at.exception
    assert any("Imported spring.csv" in shown(s.value) for s in at.success)
    errors = [shown(e.value) for e in at.error]
    assert any("broken.csv, line 3, column 'Impressions'" in e for e in errors), errors
    listed = next(d.value for d in at.dataframe if "file_name" in d.value.columns)
    assert listed["file_name"].tolist() == ["spring.csv"]
    with Store(db) as store:
        assert_ads_match(store, rows)
    at.selectbox(key="csv_remove_choice").set_value(int(listed["import_id"].iloc[0])).run()
    at.button(key="csv_remove").click().run()
    at.button(key="csv_remove_confirm").click().run()
    assert not at.exception
    with Store(db) as store:
        assert store.query("SELECT count(*) AS n FROM ad_insights_daily")["n"].iloc[0] == 0


def test_an_instagram_post_export_imports_with_the_figures_pandas_gives(store, tmp_path):
    header = ["Post ID", "Account username", "Description", "Permalink", "Publish time",
              "Post type", "Reach", "Views", "Likes", "Comments", "Saves", "Shares",
              "Follows"]  # fmt: skip
    rng = random.Random(4)
    rows = []
    for i in range(40):
        kind = ("IG reel", "IG carousel", "IG image")[i % 3]
        rows.append(
            [f"1790{i:06d}", "shop.north", f"Post {i} #spring, \"quoted\"",
             f"https://www.instagram.com/p/x{i}/", f"05/{1 + i % 28:02d}/2025 {8 + i % 12}:15",
             kind, f"{rng.randrange(100, 90_000):,}", rng.randrange(100, 200_000),
             rng.randrange(0, 900), rng.randrange(0, 90), rng.randrange(0, 50),
             rng.randrange(0, 40), 0]
        )  # fmt: skip
    path = tmp_path / "posts.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows([header, *rows])
    result = importer.import_file(store, path)
    assert result.kind == "instagram-posts" and result.rows_written == 40
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, thousands=",")
    got = store.query(
        "SELECT media_id, account_id, media_type, media_product_type, reach, like_count, "
        "permalink, epoch(posted_at) AS t, hashtags FROM ig_media"
    ).set_index("media_id")
    for row in frame.itertuples():
        post = got.loc[row[1]]
        assert list(post["hashtags"]) == sorted(set(re.findall(r"#\w+", row.Description.lower())))
        assert post["account_id"] == "shop.north"
        assert post["reach"] == int(row.Reach.replace(",", ""))
        assert post["like_count"] == int(row.Likes)
        assert post["permalink"] == row.Permalink
        when = pd.to_datetime(row[5], format="%m/%d/%Y %H:%M", utc=True)
        assert post["t"] == when.timestamp()
    types = got.groupby(["media_type", "media_product_type"]).size().to_dict()
    assert types == {("VIDEO", "REELS"): 14, ("CAROUSEL_ALBUM", "FEED"): 13, ("IMAGE", "FEED"): 13}


def test_a_post_export_spans_utc_days_on_a_machine_in_another_time_zone(tmp_path, monkeypatch):
    """A post published at 03:00 UTC belongs to that UTC day even where it is still the day
    before (Los Angeles): the import's first and last day are UTC days, like the pages'."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    path = tmp_path / "posts.csv"
    path.write_text(
        "Post ID,Account username,Description,Permalink,Publish time,Post type,Reach,Likes\n"
        "1790000001,shop.north,Early #one,https://www.instagram.com/p/a/,03/02/2026 03:00,"
        "IG image,100,5\n"
        "1790000002,shop.north,Late #two,https://www.instagram.com/p/b/,03/05/2026 23:30,"
        "IG image,100,5\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "s.duckdb") as store:
        assert store.query("SELECT current_setting('TimeZone') AS tz")["tz"][0] == (
            "America/Los_Angeles"
        )
        importer.import_file(store, path)
        span = store.query("SELECT first_day, last_day FROM imports").iloc[0]
    got = (pd.Timestamp(span["first_day"]).date(), pd.Timestamp(span["last_day"]).date())
    assert got == (date(2026, 3, 2), date(2026, 3, 5))


def test_an_import_is_not_counted_as_a_refresh(demo_store_copy, tmp_path):
    from insights.store import queries

    with Store(demo_store_copy) as store:
        before = store.query("SELECT max(finished_at) AS t FROM ingest_runs")["t"].iloc[0]
        importer.import_file(store, write_ads(tmp_path / "spring.csv", ads_rows()))
        with store.cursor() as cur:
            last = queries.run(cur, "last_success")["finished_at"].iloc[0]
        runs = store.query("SELECT source, finished_at FROM ingest_runs ORDER BY run_id")
    assert runs["source"].iloc[-1].startswith("import ")  # the import is logged among the runs
    assert runs["finished_at"].iloc[-1] > before
    assert last == before  # but the sidebar's "Last refreshed" stays the refresh's time


# -- what a file lacks -----------------------------------------------------------------------

# an Instagram export as the public data set writes it: Impressions, no Reach, no account, no
# post type (instagram_posts.csv); built here so the tests need no data set
LACKING_HEADER = ["Date", "Impressions", "Saves", "Comments", "Shares", "Likes", "Caption"]
NO_REACH = "No Reach column: engagement rate cannot be computed for these posts."


def _posts_without_reach(path: Path, count: int = 12) -> Path:
    rng = random.Random(7)
    start = date(2025, 3, 1)
    rows = [
        [(start + timedelta(days=i)).isoformat(), rng.randrange(500, 9000), rng.randrange(0, 90),
         rng.randrange(0, 20), rng.randrange(0, 30), rng.randrange(50, 400), f"Post {i} #data"]
        for i in range(count)
    ]  # fmt: skip
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([LACKING_HEADER, *rows])
    return path


def test_a_post_export_without_reach_says_so_and_keeps_reach_missing(store, tmp_path):
    path = _posts_without_reach(tmp_path / "posts.csv")
    result = importer.import_file(store, path, account="data.shop")
    assert NO_REACH in result.notes
    # kept with the import, for the Data page to say it later
    listed = importer.list_imports(store)
    assert NO_REACH in listed["notes"].iloc[0].splitlines()
    frame = pd.read_csv(path, dtype=str)
    got = store.query(
        "SELECT strftime(posted_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS day, reach, views "
        "FROM ig_media ORDER BY day"
    )
    assert len(got) == len(frame)
    assert got["reach"].isna().all()  # missing, not 0
    assert got["views"].tolist() == frame["Impressions"].astype(int).tolist()
    # a file that has Reach lacks nothing of it
    with_reach = frame.assign(Reach="120")
    with_reach.to_csv(tmp_path / "full.csv", index=False)
    assert NO_REACH not in importer.import_file(store, tmp_path / "full.csv", account="x").notes


def test_a_post_export_without_an_account_needs_one_where_asked(store, tmp_path):
    path = _posts_without_reach(tmp_path / "posts.csv")
    with pytest.raises(importer.ImportNeedsInputError, match="posts.csv: .*Instagram account"):
        importer.import_file(store, path, ask_account=True)
    assert importer.list_imports(store).empty
    # the command line files them under 'imported' and says so
    result = importer.import_file(store, path)
    assert any("'imported'" in note for note in result.notes)
    assert store.query("SELECT DISTINCT account_id FROM ig_media")["account_id"].tolist() == [
        "imported"
    ]


def test_the_cli_says_what_a_file_lacks_and_how_to_give_a_day(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    posts = _posts_without_reach(tmp_path / "posts.csv")
    period = pd.read_csv(io.StringIO(good_csv_text()), dtype=str).drop(columns=["Day"])
    period["Reporting ends"] = "2025-05-31"
    period.to_csv(tmp_path / "period.csv", index=False)
    assert main(["import-csv", str(posts), str(tmp_path / "period.csv"), "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    assert "Imported posts.csv as instagram-posts" in out and NO_REACH in out
    assert "period.csv, line 2: the row has no single day" in err and "with --date" in err


def _page_on(db: Path, monkeypatch) -> Any:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("INSIGHTS_DB", str(db))
    monkeypatch.setenv("INSIGHTS_SOURCE", "demo")
    monkeypatch.setenv("INSIGHTS_AUTOLOAD", "0")
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    assert not at.exception
    return at


def _upload(at: Any, *files: tuple[str, bytes]) -> None:
    at.file_uploader[0].set_value([(n, b, "text/csv") for n, b in files])
    next(b for b in at.button if b.label == "Import").click()
    at.run()
    assert not at.exception, at.exception


def _table(at: Any, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_after_an_upload_every_section_reads_the_new_store(monkeypatch, tmp_path):
    db = tmp_path / "page.duckdb"
    Store(db).close()
    rows = ads_rows()
    good = write_ads(tmp_path / "good.csv", rows)
    keys = pd.read_csv(good, dtype=str)[["Campaign name", "Day", "Age", "Gender"]].dropna()
    at = _page_on(db, monkeypatch)
    _upload(at, ("spring.csv", good.read_bytes()))
    tables = _table(at, "table_name").set_index("table_name")["row_count"]
    assert tables["ad_insights_daily"] == len(keys.drop_duplicates())
    runs = _table(at, "run_id")
    assert runs["source"].iloc[0] == "import spring.csv"
    assert any("Imported spring.csv" in shown(s.value) for s in at.success)


def test_removing_an_import_asks_first_and_says_what_it_removed(monkeypatch, tmp_path):
    db = tmp_path / "page.duckdb"
    Store(db).close()
    rows = ads_rows()
    good = write_ads(tmp_path / "good.csv", rows)
    at = _page_on(db, monkeypatch)
    _upload(at, ("spring.csv", good.read_bytes()))
    listed = _table(at, "file_name")
    written = int(listed["rows_written"].iloc[0])
    at.selectbox(key="csv_remove_choice").set_value(int(listed["import_id"].iloc[0])).run()
    at.button(key="csv_remove").click().run()
    question = [shown(w.value) for w in at.warning]
    assert f"Remove spring.csv ({written:,} rows)? This cannot be undone." in question
    with Store(db) as store:
        assert_ads_match(store, rows)  # nothing removed yet
    at.button(key="csv_remove_cancel").click().run()
    assert not any("cannot be undone" in shown(w.value) for w in at.warning)
    with Store(db) as store:
        assert_ads_match(store, rows)
    at.button(key="csv_remove").click().run()  # the choice stays after a cancel
    at.button(key="csv_remove_confirm").click().run()
    assert not at.exception
    # the message stays after the page's rerun, and the tables are read again
    assert any(f"spring.csv, {written:,} rows" in shown(s.value) for s in at.success)
    tables = _table(at, "table_name").set_index("table_name")["row_count"]
    assert tables["ad_insights_daily"] == 0
    with Store(db) as store:
        assert store.query("SELECT count(*) AS n FROM ad_insights_daily")["n"].iloc[0] == 0


def test_the_form_says_which_of_its_fields_gives_a_missing_day(monkeypatch, tmp_path):
    db = tmp_path / "page.duckdb"
    Store(db).close()
    period = pd.read_csv(io.StringIO(good_csv_text()), dtype=str).drop(columns=["Day"])
    period["Reporting ends"] = "2025-05-31"
    at = _page_on(db, monkeypatch)
    _upload(at, ("period.csv", period.to_csv(index=False).encode()))
    errors = [shown(e.value) for e in at.error]
    assert any("period.csv, line 2: the row has no single day" in e for e in errors), errors
    assert any("'Day for ads exports without a day column'" in e for e in errors), errors
    assert not any("--date" in e for e in errors), errors


def test_the_form_asks_whose_posts_and_says_what_the_file_lacks(monkeypatch, tmp_path):
    db = tmp_path / "page.duckdb"
    with Store(db) as store:  # an account the store knows already, from an earlier export
        (tmp_path / "named.csv").write_text(
            "Post ID,Account username,Publish time,Reach,Likes\n"
            "1790000001,shop.north,2025-02-01 10:00,100,5\n",
            encoding="utf-8",
        )
        importer.import_file(store, tmp_path / "named.csv")
    posts = _posts_without_reach(tmp_path / "posts.csv").read_bytes()
    at = _page_on(db, monkeypatch)
    assert at.selectbox(key="csv_account").options == ["shop.north"]
    _upload(at, ("posts.csv", posts))
    errors = [shown(e.value) for e in at.error]
    assert any("posts.csv: the file does not say which Instagram account" in e for e in errors)
    assert any("'Instagram account'" in e for e in errors), errors
    assert len(_table(at, "file_name")) == 1  # nothing imported
    at.selectbox(key="csv_account").set_value("shop.north")
    _upload(at, ("posts.csv", posts))
    assert any(shown(w.value).startswith(f"posts.csv: {NO_REACH}") for w in at.warning)
    notes = _table(at, "file_name").set_index("file_name")["notes"]
    assert NO_REACH in notes["posts.csv"]
    with Store(db) as store:
        got = store.query("SELECT account_id, count(*) AS n, count(reach) AS r FROM ig_media "
                          "WHERE media_id <> '1790000001' GROUP BY ALL")  # fmt: skip
    assert got.to_dict("records") == [{"account_id": "shop.north", "n": 12, "r": 0}]
    # the note is kept with the import: a new session still reads it
    later = _page_on(db, monkeypatch)
    assert NO_REACH in _table(later, "file_name").set_index("file_name")["notes"]["posts.csv"]


def test_an_ads_export_without_age_and_gender_says_where_its_rows_go(store, tmp_path):
    frame = pd.read_csv(io.StringIO(good_csv_text()), dtype=str).drop(columns=["Age", "Gender"])
    frame.to_csv(tmp_path / "flat.csv", index=False)
    result = importer.import_file(store, tmp_path / "flat.csv")
    assert any(note.startswith("No Age or Gender column") for note in result.notes)
    cells = store.query("SELECT DISTINCT age, gender FROM ad_insights_daily")
    assert cells.to_dict("records") == [{"age": "unknown", "gender": "unknown"}]
    # a full export lacks nothing
    assert importer.import_file(store, write_ads(tmp_path / "full.csv", ads_rows())).notes == ()
