"""Crafted import files that must be refused with the file, line and column named, leaving the
store exactly as it was; on the CLI each file succeeds or fails on its own."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from insights.cli import main
from insights.csv_import import importer
from insights.store.database import Store
from tests.ads_exports import HEADER, ads_rows, good_csv_text, replace_cell, snapshot, write_ads

GOOD_LINES = good_csv_text().splitlines()


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "insights.duckdb") as opened:
        importer.import_file(opened, write_ads(tmp_path / "before.csv", ads_rows(seed=9)))
        yield opened


def _refused(store: Store, tmp_path, name: str, text: str, *expected: str) -> str:
    before = snapshot(store)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(importer.ImportFileError) as raised:
        importer.import_file(store, path)
    message = str(raised.value)
    for part in (name, *expected):
        assert part in message, message
    assert snapshot(store) == before  # nothing written
    return message


@pytest.mark.parametrize(
    "column", ["Amount spent (EUR)", "Impressions", "Link clicks", "Purchases", "Reach"]
)
def test_a_negative_figure_is_refused(store, tmp_path, column):
    text = replace_cell(good_csv_text(), 5, column, "-3")
    _refused(store, tmp_path, "neg.csv", text, "line 5", f"column '{column}'", "negative")


@pytest.mark.parametrize("value", ["99999999999999999999999", "1e17", "1E+30"])
@pytest.mark.parametrize("column", ["Amount spent (EUR)", "Impressions"])
def test_a_number_too_large_for_the_columns_is_refused(store, tmp_path, value, column):
    text = replace_cell(good_csv_text(), 4, column, value)
    _refused(store, tmp_path, "huge.csv", text, "line 4", f"column '{column}'", "too large")


def test_a_truncated_last_line_is_refused(store, tmp_path):
    last = GOOD_LINES[-1]
    cut = last[: last.index(",female") + len(",fem")] if ",female" in last else last[:-30]
    text = "\n".join([*GOOD_LINES[:-1], cut]) + "\n"
    line = len(GOOD_LINES)
    message = _refused(store, tmp_path, "cut.csv", text, f"line {line}", "fields")
    assert f"header has {len(HEADER)}" in message


def test_values_beyond_the_header_are_refused(store, tmp_path):
    lines = [*GOOD_LINES]
    lines[2] += ",surprise"
    _refused(store, tmp_path, "wide.csv", "\n".join(lines) + "\n", "line 3")


def test_an_unclosed_quote_is_named_as_such(store, tmp_path):
    lines = [line for line in GOOD_LINES if '"' not in line]  # no later quote closes it
    lines[3] = lines[3].replace("Spring sale", '"Spring sale')
    message = _refused(
        store, tmp_path, "quote.csv", "\n".join(lines) + "\n", "line 4", "never closed"
    )
    assert "single day" not in message


def test_duplicate_headers_are_refused_naming_both_columns(store, tmp_path):
    header = [*HEADER]
    spend = header.index("Amount spent (EUR)")
    header[header.index("Extra column")] = "Amount spent (EUR)"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(header)
    text = "\n".join([out.getvalue(), *GOOD_LINES[1:]]) + "\n"
    _refused(store, tmp_path, "dup.csv", text, "line 1", f"columns {spend + 1} and {len(header)}")


def _with_totals(rows, spend: Decimal, where: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    data = [
        [r["day"], r["day"], r["campaign"], r["day"], r["age"], r["gender"], r["spend"],
         r["impressions"], "", r["link_clicks"], "", "", r["purchases"], r["value"], ""]
        for r in rows
    ]  # fmt: skip
    total = ["", "", "", "", "", "", spend, *[""] * 8]
    for row in [total, *data] if where == "first" else [*data, total]:
        writer.writerow(row)
    return out.getvalue()


@pytest.mark.parametrize("where", ["first", "last"])
def test_a_row_without_campaign_is_a_totals_row_only_if_it_holds_the_totals(store, tmp_path, where):
    rows = ads_rows(seed=4, days=2)
    total = sum((r["spend"] for r in rows), Decimal(0))
    line = 2 if where == "first" else len(rows) + 2
    wrong = _with_totals(rows, total + Decimal("1.00"), where)
    _refused(store, tmp_path, "nototal.csv", wrong, f"line {line}", "campaign is empty")
    path = tmp_path / "total.csv"
    path.write_text(_with_totals(rows, total, where), encoding="utf-8")
    result = importer.import_file(store, path)
    assert result.skipped_totals == 1 and result.rows_read == len(rows)


def test_a_day_in_the_future_or_before_facebook_ads_is_refused(store, tmp_path):
    tomorrow_everywhere = (datetime.now(UTC) + timedelta(hours=14)).date() + timedelta(days=1)
    for day, why in ((tomorrow_everywhere, "future"), (date(2007, 11, 5), "before")):
        text = replace_cell(good_csv_text(), 3, "Day", day.isoformat())
        _refused(store, tmp_path, "when.csv", text, "line 3", "column 'Day'", why)


def test_the_cli_imports_each_file_on_its_own(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    huge = tmp_path / "huge.csv"
    huge.write_text(replace_cell(good_csv_text(), 4, "Impressions", "1e17"), encoding="utf-8")
    neg = tmp_path / "neg.csv"
    neg.write_text(replace_cell(good_csv_text(), 6, "Purchases", "-1"), encoding="utf-8")
    good = write_ads(tmp_path / "good.csv", ads_rows(seed=2))
    code = main(["import-csv", str(huge), str(neg), str(good), "--db", str(db)])
    err = capsys.readouterr().err
    assert code != 0
    assert "huge.csv, line 4, column 'Impressions'" in err
    assert "neg.csv, line 6, column 'Purchases'" in err
    assert "Traceback" not in err
    with Store(db) as store:
        files = store.query("SELECT file_name FROM imports")["file_name"].tolist()
    assert files == ["good.csv"]


def test_an_upload_with_a_huge_number_is_a_message_not_a_crash(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from tests.shown import shown
    from tests.test_importer import _data_page

    db = tmp_path / "page.duckdb"
    Store(db).close()
    monkeypatch.setenv("INSIGHTS_DB", str(db))
    monkeypatch.setenv("INSIGHTS_SOURCE", "demo")
    monkeypatch.setenv("INSIGHTS_AUTOLOAD", "0")
    huge = replace_cell(good_csv_text(), 7, "Amount spent (EUR)", "99999999999999999999999")
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    at.file_uploader[0].set_value([("huge.csv", huge.encode(), "text/csv")])
    next(b for b in at.button if b.label == "Import").click()
    at.run()
    assert not at.exception, at.exception
    errors = [shown(e.value) for e in at.error]
    assert any("huge.csv, line 7, column 'Amount spent (EUR)'" in e for e in errors), errors
