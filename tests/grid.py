"""The campaign grid as AppTest holds it: the rows and totals the page hands the grid."""

from __future__ import annotations

import json

import pandas as pd
from streamlit.testing.v1 import AppTest


def grid_tables(at: AppTest, written: bool = False) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each campaign grid of the page as (campaigns, totals), one column per heading shown:
    the numbers the grid sorts on, or with `written` the text each cell shows."""
    out = []
    for element in at.get("component_instance"):
        args = json.loads(element.proto.json_args)
        options = args.get("gridOptions", {})
        if "pinnedBottomRowData" not in options:
            continue
        rows = options["rowData"]
        rows = json.loads(rows) if isinstance(rows, str) else rows
        headings = {c["field"]: c["headerName"] for c in options["columnDefs"]}
        # a metric's written text stands beside its number; a text column is shown as it is
        texts = {f for record in rows[:1] for f in record if f.endswith("__text")}
        fields = [f"{k}__text" if written and f"{k}__text" in texts else k for k in headings]

        shown = list(headings.values())
        out.append(
            tuple(
                pd.DataFrame(records, columns=fields).set_axis(shown, axis=1)
                for records in (rows, options["pinnedBottomRowData"])
            )
        )
    return out
