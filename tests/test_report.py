"""The stakeholder report: one self-contained HTML file with the page's figures."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

from insights.figures.filters import Filters
from insights.render import report
from insights.store.database import Store
from tests.conftest import currency_of


def test_the_report_holds_the_figures_escaped_and_offline(demo_store_copy, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=27)
    hostile = "<script>alert('x')</script> & Co"
    ads = raw["ad_insights_daily"]
    window = ads[(ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())]
    campaign = window["campaign_id"].iloc[0]  # a campaign the report lists
    with Store(demo_store_copy) as store, store.cursor() as cur:
        cur.execute(
            "UPDATE ad_campaigns SET name = $n WHERE campaign_id = $c",
            {"n": hostile, "c": campaign},
        )
        page = report.html_report(cur, Filters(since=since, until=until), "Q3 <review>")
    assert page.startswith("<!doctype html>")
    assert "<title>Q3 &lt;review&gt;</title>" in page
    currency = currency_of(raw)
    in_currency = window["campaign_id"].map(currency)
    symbols = {"USD": "$", "EUR": "€"}
    for code, symbol in symbols.items():  # per currency: the Spend card and its total row
        spend = sum((Decimal(v) for v in window.loc[in_currency == code, "spend"]), Decimal("0"))
        assert spend > 0 and page.count(f"{symbol}{spend:,.2f}") >= 2, code
    everything = sum((Decimal(v) for v in window["spend"]), Decimal("0"))
    assert f"{everything:,.2f}" not in page  # dollars and euros are never added up
    assert "<h2>Paid (Meta ads) · EUR</h2>" in page and "<h2>Paid (Meta ads) · USD</h2>" in page
    # results named by what each campaign's objective seeks
    leads = window[
        window["campaign_id"].map(raw["ad_campaigns"].set_index("campaign_id")["objective"])
        == "OUTCOME_LEADS"
    ]
    for cid, rows in leads.groupby("campaign_id"):
        count = rows["leads"].astype(int).sum()
        assert f"<td>{count:,} leads</td>" in page, cid
    names = raw["ad_campaigns"].set_index("campaign_id")["name"].to_dict()
    names[campaign] = hostile
    for cid in window["campaign_id"].unique():
        assert f"<td>{html.escape(names[cid])}</td>" in page
    assert "<script>alert" not in page
    # plotly.js is inside the file: it opens without a network
    assert 'src="http' not in page and "Plotly.newPlot" in page
    assert len(page) > 1_000_000  # the library itself, not a link to it
