"""Files read right in every encoding and number style, or refused with one message that
names the file, line and column, writing nothing."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from insights.csv_import import importer
from insights.store.database import Store
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


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.duckdb") as s:
        yield s


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"encoding": "utf-8-sig"},
        {"encoding": "utf-16", "delimiter": "\t"},
        {"delimiter": ";", "decimal_comma": True},
        {"delimiter": ";", "decimal_comma": True, "thousands": True},
        {"thousands": True},
        {"delimiter": "\t"},
        {"totals": False},
    ],
    ids=lambda v: "-".join(f"{k}={v[k]}" for k in v) or "plain",
)
def test_an_ads_manager_export_imports_in_every_encoding_and_number_style(store, tmp_path, variant):
    rows = ads_rows()
    path = write_ads(tmp_path / "export.csv", rows, **variant)
    result = importer.import_file(store, path)
    assert result.kind == "ads-manager" and result.currency == "EUR"
    assert result.rows_read == len(rows)
    assert result.skipped_totals == (0 if variant.get("totals") is False else 1)
    assert_ads_match(store, rows)


# -- bad files: one message naming file, line and column; nothing written ---------------------


BAD_FILES = {
    "empty": (b"", ["empty.csv", "empty"]),
    "header only": (",".join(HEADER).encode() + b"\n", ["no data rows"]),
    "missing column": (
        good_csv_text().replace("Amount spent (EUR)", "Budget").encode(),
        ["missing.csv", "Amount spent", "missing"],
    ),
    "not a number": (
        replace_cell(good_csv_text(), 5, "Impressions", "lots").encode(),
        ["not a number.csv", "line 5", "'Impressions'", "'lots'", "whole number"],
    ),
    "fraction of a count": (
        replace_cell(good_csv_text(), 7, "Purchases", "2.5").encode(),
        ["line 7", "'Purchases'", "whole number"],
    ),
    "date in the wrong format": (
        replace_cell(good_csv_text(), 9, "Day", "31/05/2025").encode(),
        ["line 9", "'Day'", "31/05/2025", "2025-05-31"],
    ),
    "empty campaign inside the file": (
        replace_cell(good_csv_text(), 6, "Campaign name", "").encode(),
        ["line 6", "Campaign name", "empty"],
    ),
    "not text": (
        good_csv_text().encode()[:200] + b"\xff\xfe\x00\x81" + good_csv_text().encode()[200:],
        ["not UTF-8"],
    ),
    "another format": (b"name,colour\nsky,blue\n", ["not those of an Ads Manager export"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gets_one_clear_message_and_writes_nothing(store, tmp_path, case):
    importer.import_file(store, write_ads(tmp_path / "earlier.csv", ads_rows(seed=9)))
    before = snapshot(store)
    content, expected = BAD_FILES[case]
    file_name = {"missing column": "missing.csv", "empty": "empty.csv"}.get(case, f"{case}.csv")
    with pytest.raises(importer.ImportFileError) as caught:
        importer.import_file(store, bad_file(tmp_path, file_name, content))
    message = str(caught.value)
    for part in expected:
        assert part in message, (part, message)
    assert snapshot(store) == before


def test_a_row_without_a_day_needs_the_day_given(store, tmp_path):
    text = good_csv_text()
    lines = text.splitlines()
    # a period export: no Day column, starts and ends differ
    frame = pd.read_csv(io.StringIO(text), dtype=str).drop(columns=["Day"])
    frame["Reporting ends"] = "2025-05-31"
    path = tmp_path / "period.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(importer.ImportNeedsInputError, match="line 2.*no single day") as caught:
        importer.import_file(store, path)
    # how to give the day is each caller's to say (the command line: --date; the form: its field)
    assert "--date" not in str(caught.value) and caught.value.needs == "day"
    assert "give the day the figures belong to with --date)" in caught.value.explain("with --date")
    result = importer.import_file(store, path, on_day=date(2025, 5, 31))
    assert result.rows_read == len(lines) - 1
    assert store.query("SELECT DISTINCT date FROM ad_insights_daily")["date"].tolist() == [
        pd.Timestamp("2025-05-31")
    ]
