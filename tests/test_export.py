"""CSV export: header, UTF-8, formula injection neutralised in text columns only."""

from __future__ import annotations

import io

import pandas as pd

from insights.export import to_csv_bytes


def test_formula_cells_are_neutralised_and_numbers_kept():
    frame = pd.DataFrame(
        {
            "Campaign": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Normal – café"],
            "Spend": [-1.5, 2.0, 3.0, 4.0, 5.0],
        }
    )
    text = to_csv_bytes(frame).decode("utf-8")
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == ["Campaign", "Spend"]
    assert back["Campaign"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "Normal – café",
    ]
    assert back["Spend"].tolist() == [-1.5, 2.0, 3.0, 4.0, 5.0]
    assert frame["Campaign"][0].startswith("=")  # the shown frame is not altered
