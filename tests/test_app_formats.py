"""How every page writes its figures, through AppTest: one number of decimals per column,
percents with their % sign (and no '(%)' left in the heading), thousands separated, money
headings without the unit a value already shows, and one style per kind of date."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import campaigns_in


def _overview() -> None:
    from insights.ui import overview

    overview.render()


def _campaigns() -> None:
    from insights.ui import campaigns_page

    campaigns_page.render()


def _content() -> None:
    from insights.ui import content_page

    content_page.render()


def _data() -> None:
    from insights.ui import data_page

    data_page.render()


PAGES = {"overview": _overview, "campaigns": _campaigns, "content": _content, "data": _data}
FIXED = re.compile(r"%\.\d+f")  # a printf format with a fixed number of decimals
PRESETS = {"dollar": "USD", "euro": "EUR", "yen": "JPY"}
DAY_PATTERN = "D MMM YYYY"
MOMENT_PATTERN = "D MMM YYYY, HH:mm"


def _open(page: str, **query: str) -> AppTest:
    at = AppTest.from_function(PAGES[page], default_timeout=60)
    at.query_params.update({"range": "last_90", **query})
    return at.run()


def _problems(name: str, values: pd.Series, config: dict) -> list[str]:
    """What is wrong with how one column of a grid is written."""
    kind = config.get("type_config", {})
    form = kind.get("format") or ""
    label = config.get("label") or name
    found = []
    numbers = pd.to_numeric(values, errors="coerce").dropna() if values.dtype != object else None
    if numbers is not None and len(numbers) and pd.api.types.is_numeric_dtype(values):
        fractional = bool((numbers != numbers.round()).any())
        fixed = FIXED.search(form) or form in PRESETS or (form == "localized" and kind.get("step"))
        if fractional and not fixed:
            found.append("decimals vary from row to row")
        if numbers.abs().max() >= 1000 and form not in ("localized", *PRESETS):
            found.append("thousands not separated")
    rate = "rate" in label.lower() and pd.api.types.is_numeric_dtype(values)
    if "(%)" in name or rate:
        if not form.endswith("%%"):
            found.append("percent values without a % sign")
        if "(%)" in label:
            found.append("the heading repeats the % the values show")
    if form in PRESETS and f"({PRESETS[form]})" in label:
        found.append("the heading repeats the currency the values show")
    sample = values.dropna()
    first = sample.iloc[0] if len(sample) else None
    if pd.api.types.is_datetime64_any_dtype(values) or isinstance(first, datetime):
        if (kind.get("type"), form) != ("datetime", MOMENT_PATTERN):
            found.append(f"a date-time not written as {MOMENT_PATTERN!r}")
    elif isinstance(first, date):
        if (kind.get("type"), form) != ("date", DAY_PATTERN):
            found.append(f"a day not written as {DAY_PATTERN!r}")
    elif isinstance(first, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", first):
        found.append("a date written as text")
    return found


@pytest.mark.parametrize(
    ("page", "currency"), [*((p, None) for p in PAGES), ("overview", "USD"), ("campaigns", "EUR")]
)
def test_every_grid_writes_its_numbers_and_dates_one_way(app_env, raw, page, currency):
    # a view of one currency writes its money with the symbol; several: beside a Currency column
    query = {"campaigns": ",".join(campaigns_in(raw, currency))} if currency else {}
    at = _open(page, **query)
    assert not at.exception
    problems = {}
    # the campaign grid is its own component (tests/e2e/test_campaign_grid.py reads it); every
    # other page has Streamlit grids
    assert len(at.dataframe) >= (0 if page == "overview" else 1)
    for number, grid in enumerate(at.dataframe):
        config = json.loads(grid.proto.columns or "{}")
        frame = grid.value
        shown = list(grid.proto.column_order) or list(frame.columns)
        for name in shown:
            found = _problems(name, frame[name], config.get(name, {}))
            if found:
                problems[f"grid {number}: {name}"] = found
    assert problems == {}


OTHER_DAYS = (
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO days
    re.compile(r"\b0\d [A-Z][a-z]{2}\b"),  # '02 Dec': a leading zero
    re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}\b"),  # 'Sat 10 Oct'
    re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b(?! \d{4})"),
)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_text_writes_a_day_as_2_dec_2026(app_env, page):
    at = _open(page)
    texts = [e.value for e in (*at.caption, *at.markdown, *at.info, *at.sidebar.caption)]
    assert texts
    wrong = [(t[:120], p.pattern) for t in texts for p in OTHER_DAYS if p.search(str(t))]
    assert wrong == []
    if page == "data":  # the last refresh: a date-time in the viewer's zone (UTC here)
        refreshed = [t for t in texts if str(t).startswith("Last refreshed")]
        assert refreshed and re.match(
            r"Last refreshed \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC ", refreshed[0]
        ), refreshed
