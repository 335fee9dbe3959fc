"""CSV export: header, UTF-8, formula injection neutralised in text columns only."""

from __future__ import annotations

import io

import pandas as pd

from insights.render.csv_export import to_csv_bytes


def test_formula_cells_are_neutralised_and_numbers_kept():
    frame = pd.DataFrame(
        {
            "Campaign": ['=HYPERLINK("http://x")', "+1+1", "-2-A1", "@SUM(A1)", "Normal – café"],
            "Spend": [-1.5, 2.0, 3.0, 4.0, 5.0],
        }
    )
    text = to_csv_bytes(frame).decode("utf-8")
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == ["Campaign", "Spend"]
    assert back["Campaign"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+1+1",
        "'-2-A1",
        "'@SUM(A1)",
        "Normal – café",
    ]
    assert back["Spend"].tolist() == [-1.5, 2.0, 3.0, 4.0, 5.0]
    assert frame["Campaign"][0].startswith("=")  # the shown frame is not altered


def test_plain_numbers_handles_and_words_in_text_columns_are_left_as_written():
    plain = ["-5", "+3.5", "-5%", "-1,234.50", "@brand.shop", "-5% growth", "- summer sale"]
    plain += ["@handle's picks", "+33 6 12 34 56", "@northwind, @brand"]
    shown = [*plain, "@brand(1)", "-2-A1", "+1+1", "@a|b"]
    text = to_csv_bytes(pd.DataFrame({"Note": shown})).decode("utf-8")
    back = pd.read_csv(io.StringIO(text), dtype=str)
    assert back["Note"].tolist() == [*plain, "'@brand(1)", "'-2-A1", "'+1+1", "'@a|b"]


def test_every_text_field_is_quoted_and_numbers_are_bare():
    frame = pd.DataFrame(
        {
            "Campaign": ["@handle", 'say "hi"', None],
            "Clicks": pd.array([103, 7, None], dtype="Int64"),
            "CTR (%)": [1.15, 0.5, float("nan")],
            "day": pd.to_datetime(["2026-11-01", "2026-11-02", None]),
        }
    )
    text = to_csv_bytes(frame).decode("utf-8")
    assert text.split("\r\n") == [
        "Campaign,Clicks,CTR (%),day",
        '"@handle",103,1.15,2026-11-01',
        '"say ""hi""",7,0.5,2026-11-02',
        ",,,",  # empty: neither text nor a number
        "",
    ]


def test_a_cr_or_lf_inside_a_cell_is_quoted_so_no_row_starts():
    text = to_csv_bytes(pd.DataFrame({"Name": ["a\r=1+1", "b\n=2"], "n": [1, 2]})).decode()
    assert text.split("\r\n") == ["Name,n", '"a\r=1+1",1', '"b\n=2",2', ""]
