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


def test_plain_numbers_and_handles_in_text_columns_are_left_as_written():
    shown = ["-5", "+3.5", "-5%", "-1,234.50", "@brand.shop", "@brand(1)", "-5% growth"]
    text = to_csv_bytes(pd.DataFrame({"Note": shown})).decode("utf-8")
    back = pd.read_csv(io.StringIO(text), dtype=str)
    assert back["Note"].tolist() == [*shown[:5], "'@brand(1)", "'-5% growth"]


def test_a_cr_or_lf_inside_a_cell_is_quoted_so_no_row_starts():
    text = to_csv_bytes(pd.DataFrame({"Name": ["a\r=1+1", "b\n=2"], "n": [1, 2]})).decode()
    assert text.split("\r\n") == ["Name,n", '"a\r=1+1",1', '"b\n=2",2', ""]
