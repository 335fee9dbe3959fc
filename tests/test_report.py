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
    # small and self-contained: no script, no link to fetch; the chart is inline SVG
    assert "<script" not in page and 'src="http' not in page and "<link" not in page
    assert len(page.encode()) < 150_000, len(page.encode())
    assert page.count("<svg ") == 2 and '<meta name="viewport"' in page
    # it says whose figures these are and in which currencies
    usernames = sorted("@" + u for u in raw["ig_accounts"]["username"])
    assert f"<b>Instagram:</b> {', '.join(usernames)}" in page
    accounts = raw["ad_accounts"].sort_values("name")
    for row in accounts.itertuples():
        assert f"{html.escape(row.name)} ({row.currency})" in page
    assert "never added up" in page  # two currencies in the view
    period = f"{since.day} {since:%b %Y} – {until.day} {until:%b %Y}"  # '2 Nov 2026 – ...'
    assert f"<b>View:</b> {period}" in page


def test_the_report_states_the_filters_as_the_page_does(demo_store_copy, raw, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=27)
    usd = [c for c, code in currency_of(raw).items() if code == "USD"][:2]
    filters = Filters(since=since, until=until, campaign_ids=tuple(usd))
    line = ["Last 28 days: 1 Nov – 28 Nov", "Campaigns: <A> & B"]
    with Store(demo_store_copy) as store, store.cursor() as cur:
        page = report.html_report(cur, filters, "Report", line)
        own = report.html_report(cur, filters, "Report")
    assert "<b>View:</b> Last 28 days: 1 Nov – 28 Nov · Campaigns: &lt;A&gt; &amp; B" in page
    assert f"2 campaigns: {', '.join(usd)}" in own  # its own words without the page's line
    # one currency in view: it says which, and lists only the ad accounts of those campaigns
    assert "<b>Currency:</b> every amount is in USD" in page
    names = raw["ad_accounts"].set_index("currency")["name"]
    assert names["USD"] in page and names["EUR"] not in page
