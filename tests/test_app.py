"""The dashboard through Streamlit's AppTest: every page runs, shows the right figures."""

from __future__ import annotations

import io
import json
import re
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import requests
from streamlit.testing.v1 import AppTest

from insights.demo.server import DEMO_TOKEN, DemoApi
from insights.settings import Settings
from tests.conftest import campaigns_in, currency_of
from tests.grid import grid_tables

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _exact(card) -> str:
    """A card's exact value: its value, or where that is a compact form ('$10.9K') the exact
    one its help gives (Markdown-escaped there)."""
    found = re.search(r"Exact value: (\S+)", card.proto.help.replace("\\", ""))
    return found.group(1) if found else card.value


def _metric(at: AppTest, label: str) -> str:
    found = [_exact(m) for m in at.metric if m.label == label]
    assert found, f"no KPI card {label!r}; have {[m.label for m in at.metric]}"
    return found[0]


def _spend(raw, since: date, until: date, campaigns: list[str] | None = None) -> Decimal:
    ads = raw["ad_insights_daily"]
    mask = (ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())
    if campaigns:
        mask &= ads["campaign_id"].isin(campaigns)
    return sum((Decimal(v) for v in ads.loc[mask, "spend"]), Decimal("0"))


def _spend_cards(raw, since: date, until: date) -> list[str]:
    """The Spend cards a view of these days shows: one per currency with delivery, in the
    order of the currency codes, each the sum of the raw rows of that currency."""
    symbols = {"EUR": "€", "USD": "$"}
    currency = currency_of(raw)
    cards = []
    for code in sorted(set(currency.values())):
        spend = _spend(raw, since, until, [c for c, v in currency.items() if v == code])
        if spend:
            cards.append(f"{symbols[code]}{spend:,.2f}")
    return cards


def _cards(at: AppTest, label: str) -> list[str]:
    return [_exact(m) for m in at.metric if m.label == label]


def test_overview_shows_last_28_days_of_the_data(app_env, raw, demo_range):
    at = _app()
    assert not at.exception, at.exception
    until = demo_range[1]
    since = until - timedelta(days=27)
    currency = currency_of(raw)
    objective = raw["ad_campaigns"].set_index("campaign_id")["objective"]
    ads = raw["ad_insights_daily"]
    window = ads[(ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())]
    # dollars and euros: one set of paid cards per currency (EUR first), never one sum
    symbols = {"EUR": "€", "USD": "$"}
    spends, roas, clicks_cards = [], [], []
    for code in ("EUR", "USD"):
        mine = window[window["campaign_id"].map(currency) == code]
        spend = sum(Decimal(v) for v in mine["spend"])
        spends.append(f"{symbols[code]}{spend:,.2f}")
        clicks_cards.append(f"{mine['clicks'].astype(int).sum():,}")
        sales = mine[mine["campaign_id"].map(objective) == "OUTCOME_SALES"]
        value = sum(Decimal(v) for v in sales["purchase_value"])
        roas.append(f"{float(value / sum(Decimal(v) for v in sales['spend'])):,.2f}x")
    assert _cards(at, "Spend") == spends
    assert _cards(at, "ROAS") == roas  # over the sales campaigns of each currency
    assert _cards(at, "Clicks") == clicks_cards
    subheaders = [h.value for h in at.subheader]
    assert "Paid (Meta ads) · EUR" in subheaders and "Paid (Meta ads) · USD" in subheaders
    media = raw["ig_media"]
    posted = media["timestamp"].str[:10]
    shown = media[(posted >= since.isoformat()) & (posted <= until.isoformat())]
    assert _metric(at, "Posts") == f"{len(shown):,}"
    # the change against the previous 28 days is shown on the dollar Spend card
    usd = [c for c, v in currency.items() if v == "USD"]
    spend = _spend(raw, since, until, usd)
    before = _spend(raw, since - timedelta(days=28), since - timedelta(days=1), usd)
    delta = [m.delta for m in at.metric if m.label == "Spend"][1]
    assert delta == f"{float((spend - before) / before):+.1%}"
    # the campaign table holds every campaign that delivered in the window, spend to the cent
    [(table, _)] = grid_tables(at)
    assert len(table) == window["campaign_id"].nunique()
    expected = window.groupby("campaign_id")["spend"].apply(
        lambda s: float(sum(Decimal(v) for v in s))
    )
    names = raw["ad_campaigns"].set_index("campaign_id")["name"]
    by_name = {names[cid]: round(v, 2) for cid, v in expected.items()}
    assert dict(zip(table["Campaign"], table["Spend"], strict=True)) == pytest.approx(by_name)
    in_currency = {names[cid]: currency[cid] for cid in expected.index}
    assert dict(zip(table["Campaign"], table["Currency"], strict=True)) == in_currency
    assert len(at.get("plotly_chart")) == 2  # the followers and the trend
    # the default paid trend metric is money and the view spans two currencies: the paid chart
    # draws one currency at a time, by default the one with the most spend, to the cent a day
    by_currency = window.assign(cur=window["campaign_id"].map(currency)).groupby("cur")["spend"]
    most = by_currency.apply(lambda s: sum(Decimal(v) for v in s)).idxmax()
    assert _trend_spend(at) == _daily_spend(window, currency, most, since, until)
    assert any(f"shows the campaigns in {most}" in c.value for c in at.caption)
    other = "EUR" if most == "USD" else "USD"
    at = _app(currency=other)
    assert not at.exception
    assert _trend_spend(at) == _daily_spend(window, currency, other, since, until)


def _chart(at: AppTest, title: str) -> dict:
    """The chart whose title (or a subplot's) begins with `title`, as the page sends it."""
    found = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec["layout"]
        titles = [a.get("text", "") for a in layout.get("annotations", [])]
        titles.append(layout.get("title", {}).get("text", ""))
        titles.append(layout.get("yaxis", {}).get("title", {}).get("text", ""))
        if any(t.startswith(title) for t in titles):
            found.append(spec)
    assert len(found) == 1, (title, len(found))
    return found[0]


def _trend_spend(at: AppTest, name: str = "Spend", places: int = 2) -> list[float]:
    """The daily line `name` of the trend chart, as the page sends it to the browser."""
    spec = _chart(at, "Paid: ")
    line = next(t for t in spec["data"] if t.get("name") == name)
    return [round(float(v), places) for v in _values(line["y"])]


def test_a_ratio_over_money_is_charted_one_currency_at_a_time(app_env, raw, demo_range):
    # ROAS over two currencies has no value: the chart draws the main currency's ROAS
    until = demo_range[1]
    since = until - timedelta(days=27)
    at = _app(paid_metric="roas")
    assert not at.exception
    currency = currency_of(raw)
    ads = raw["ad_insights_daily"]
    window = ads[(ads["date"] >= since.isoformat()) & (ads["date"] <= until.isoformat())]
    by_currency = window.assign(cur=window["campaign_id"].map(currency)).groupby("cur")["spend"]
    most = by_currency.apply(lambda s: sum(Decimal(v) for v in s)).idxmax()
    objective = raw["ad_campaigns"].set_index("campaign_id")["objective"]
    sales = window[
        (window["campaign_id"].map(currency) == most)
        & (window["campaign_id"].map(objective) == "OUTCOME_SALES")
    ]
    daily = sales.groupby("date").apply(
        lambda d: (
            float(sum(Decimal(v) for v in d["purchase_value"]))
            / float(sum(Decimal(v) for v in d["spend"]))
        )
    )
    days = pd.date_range(since, until).strftime("%Y-%m-%d")
    assert _trend_spend(at, "ROAS", 4) == [round(v, 4) for v in daily.reindex(days)]
    assert any(f"shows the campaigns in {most}" in c.value for c in at.caption)


def _values(y: object) -> list[float]:
    if isinstance(y, dict):  # plotly's typed array: base64 of the numbers
        import base64

        import numpy as np

        return list(np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]))
    return list(y)  # type: ignore[call-overload]


def _daily_spend(window, currency, code: str, since: date, until: date) -> list[float]:
    mine = window[window["campaign_id"].map(currency) == code]
    daily = mine.groupby("date")["spend"].apply(lambda s: float(sum(Decimal(v) for v in s)))
    days = pd.date_range(since, until).strftime("%Y-%m-%d")
    return [round(v, 2) for v in daily.reindex(days, fill_value=0.0)]


def test_custom_range_and_campaign_filter_from_the_url(app_env, raw):
    campaign = raw["ad_campaigns"]["campaign_id"].iloc[0]
    ads = raw["ad_insights_daily"]
    days = sorted(ads.loc[ads["campaign_id"] == campaign, "date"].unique())
    since, until = date.fromisoformat(days[0]), date.fromisoformat(days[min(20, len(days) - 1)])
    at = _app(
        range="custom",
        since=since.isoformat(),
        until=until.isoformat(),
        campaigns=campaign,
        compare="none",
    )
    assert not at.exception
    assert _metric(at, "Spend") == f"${_spend(raw, since, until, [campaign]):,.2f}"
    assert all(not m.delta for m in at.metric)  # no comparison: no change shown
    assert len(grid_tables(at)[0][0]) == 1
    assert at.query_params["campaigns"] in (campaign, [campaign])  # the URL keeps the filter


def test_hostile_url_values_fall_back_with_a_notice(app_env, raw, demo_range):
    at = _app(range="'; DROP TABLE ad_campaigns; --", compare="<script>", campaigns="nope,1")
    assert not at.exception
    notices = " ".join(t.value for t in at.toast)
    assert "Unknown date range" in notices and "Unknown comparison" in notices
    until = demo_range[1]
    eur = list(campaigns_in(raw, "EUR"))  # the first Spend card: the euro account's
    assert _metric(at, "Spend") == f"€{_spend(raw, until - timedelta(days=27), until, eur):,.2f}"


def test_empty_filter_result_shows_a_sentence(app_env, undelivered_link):
    at = _app(**undelivered_link)
    assert not at.exception
    assert any("No campaign delivered" in i.value for i in at.info)
    assert _metric(at, "Spend") == "0.00"  # no delivery: no account, so no currency to write
    assert _metric(at, "CTR") == "–"


def test_a_link_to_dates_outside_the_data_says_which_dates_exist(app_env, raw, demo_range):
    at = _app(range="custom", since="2001-01-01", until="2001-01-31")
    assert not at.exception
    notices = " ".join(t.value for t in at.toast)
    assert "hold no data" in notices
    assert f"{demo_range[0]:%d %b %Y} – {demo_range[1]:%d %b %Y}" in notices
    until = demo_range[1]
    assert _cards(at, "Spend") == _spend_cards(raw, until - timedelta(days=27), until)
    # a range reaching past the data keeps the part the store holds
    at = _app(
        range="custom",
        since=(demo_range[1] - timedelta(days=9)).isoformat(),
        until=(demo_range[1] + timedelta(days=30)).isoformat(),
    )
    assert not at.exception
    assert "the part the store holds" in " ".join(t.value for t in at.toast)
    since = demo_range[1] - timedelta(days=9)
    assert _cards(at, "Spend") == _spend_cards(raw, since, demo_range[1])


def test_data_page_lists_runs_and_tables(app_env, raw, downloads):
    # pages are callables in st.navigation, so the Data page is run as its own script
    at = AppTest.from_function(_data_page_script, default_timeout=60).run()
    assert not at.exception
    tables = at.dataframe[0].value
    counts = dict(zip(tables["table_name"], tables["row_count"], strict=True))
    for name, frame in raw.items():  # the demo files, read with pandas
        if name == "ig_account_daily":  # the API keeps the last 90 days of them
            last = date.fromisoformat(frame["date"].max())
            frame = frame[frame["date"] >= (last - timedelta(days=89)).isoformat()]
        assert counts[name] == len(frame), name
    runs = at.dataframe[1].value
    assert runs["status"].iloc[0] == "succeeded"
    buttons = {b.label: b for b in at.get("download_button")}
    for label, shown in (
        ("Download table summary (CSV)", tables),
        ("Download refresh log (CSV)", runs),
    ):
        sent = pd.read_csv(io.BytesIO(downloads(buttons[label])), dtype=str, keep_default_na=False)
        assert list(sent.columns) == list(shown.columns)
        assert len(sent) == len(shown)
        assert sent.iloc[:, 0].tolist() == shown.iloc[:, 0].astype(str).tolist()
    assert sent["status"].tolist() == runs["status"].tolist()


def _data_page_script() -> None:
    from insights.ui import data_page

    data_page.render()


def test_first_start_on_an_empty_store_loads_the_demo(monkeypatch, tmp_path, raw):
    db = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("INSIGHTS_DB", str(db))
    monkeypatch.setenv("INSIGHTS_SOURCE", "demo")
    at = _app()
    assert not at.exception
    assert any("store is empty" in i.value for i in at.info)
    from insights.ui.context import _open

    _, job = _open(str(db), Settings().read_memory_mb)  # the app's own, from its cache
    snap = job.wait(timeout=120)
    assert snap.error is None and snap.result is not None
    at = _app()
    assert not at.exception
    assert [v[0] for v in _cards(at, "Spend")] == ["€", "$"]
    assert _metric(at, "Spend") != "€0.00"


def test_refresh_button_runs_an_ingest_in_the_background(app_env):
    at = _app()
    at.button(key="refresh").click().run()
    assert not at.exception
    from insights.ui.context import _open

    _, job = _open(str(app_env), Settings().read_memory_mb)  # the app's own
    deadline = time.monotonic() + 120
    while job.snapshot().running and time.monotonic() < deadline:
        time.sleep(0.2)
    snap = job.snapshot()
    assert snap.error is None and snap.result is not None
    at.run()
    assert any("Refreshed" in s.value for s in at.success)


def test_the_kpi_download_carries_the_cards_and_their_comparison(app_env, raw, downloads):
    at = _app(range="last_28", compare="previous")
    assert not at.exception
    button = [b for b in at.get("download_button") if b.label == "Download KPIs (CSV)"][0]
    sent = pd.read_csv(io.BytesIO(downloads(button)), dtype=str, keep_default_na=False)
    assert len(sent) == len(at.metric)  # one row per card
    assert list(sent.loc[sent["KPI"] == "Spend", "Currency"]) == ["EUR", "USD"]
    spend = sent[sent["KPI"] == "Spend"].iloc[0]  # the euro account's
    eur = list(campaigns_in(raw, "EUR"))
    since, until = date.fromisoformat(spend["Since"]), date.fromisoformat(spend["Until"])
    before = (
        date.fromisoformat(spend["Comparison since"]),
        date.fromisoformat(spend["Comparison until"]),
    )
    assert (until - since) == (before[1] - before[0]) and before[1] == since - timedelta(days=1)
    now, then = _spend(raw, since, until, eur), _spend(raw, *before, eur)
    # as the card shows them: to the cent, the change in percent to one decimal
    assert spend["Value"] == str(now) and spend["Comparison value"] == str(then)
    assert spend["Unit"] == "EUR"
    assert spend["Change (%)"] == f"{(now - then) / then * 100:.1f}"
    assert _metric(at, "Spend") == f"€{now:,.2f}"  # the card shows the same figure


def test_the_insight_sentences_quote_the_cards(app_env):
    at = _app(range="last_90", compare="previous")
    assert not at.exception
    assert any(h.value == "In plain words" for h in at.subheader)
    bullets = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert bullets, "no insight sentences on the demo data"
    # read as Markdown shows it: a backslash before punctuation stands for that character
    lines = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", bullets[0]).splitlines()
    assert 1 <= len(lines) <= 7
    pattern = r"- (?:In [A-Z]{3}: )?(\w+) (?:up|down) \d+% .*?\((.+?) → (.+?)\)"
    movers = [re.match(pattern, line) for line in lines]
    checked = 0
    for found in filter(None, movers):
        assert found.group(3) in _cards(at, found.group(1))  # a card shows the same value
        checked += 1
    assert checked >= 1


def test_plain_words_say_what_the_organic_figures_did(app_env, raw, demo_range):
    """At the default 28 days the demo's engagement fell by more than chance allows: the
    Overview says so, with the change pandas finds over the raw demo posts."""
    at = _app()
    assert not at.exception
    media = raw["ig_media"]
    day = pd.to_datetime(media["timestamp"], utc=True).dt.date
    engagement = pd.to_numeric(media["total_interactions"])
    until = demo_range[1]
    since, before = until - timedelta(days=27), until - timedelta(days=55)
    now = engagement[(day >= since) & (day <= until)].sum()
    then = engagement[(day >= before) & (day < since)].sum()
    change = now / then - 1
    assert abs(change) > 0.1
    bullets = "\n".join(m.value for m in at.markdown if m.value.startswith("- "))
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", bullets)
    direction = "up" if change > 0 else "down"
    assert f"Engagement {direction} {abs(change):.0%} against the comparison period " in text
    assert f"({then:,} → {now:,})" in text


def test_the_report_download_is_the_view_as_html(app_env, raw, demo_range, downloads):
    at = _app(range="last_28")
    assert not at.exception
    button = next(b for b in at.get("download_button") if "report" in b.label)
    page = downloads(button).decode("utf-8")
    assert page.startswith("<!doctype html>")
    until = demo_range[1]
    since = until - timedelta(days=27)
    for code, symbol in (("USD", "$"), ("EUR", "€")):
        spend = _spend(raw, since, until, list(campaigns_in(raw, code)))
        assert f"{symbol}{spend:,.2f}" in page
    assert _metric(at, "Spend") in page  # the card's figure, written the same way


def test_data_page_warns_before_the_token_or_a_version_runs_out(app_env, monkeypatch):
    expires = datetime.now(UTC) + timedelta(days=2, hours=3)
    with duckdb.connect(str(app_env)) as con:
        con.execute(
            "INSERT OR REPLACE INTO sync_state VALUES ('token', 'expires_at', $v, now())",
            {"v": expires.isoformat()},
        )
    monkeypatch.setenv("INSIGHTS_SOURCE", "graph")
    monkeypatch.setenv("INSIGHTS_ADS_API_VERSION", "v24.0")  # ended on 2026-11-10
    at = AppTest.from_function(_data_page_script, default_timeout=60).run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert f"expires on {expires:%d %b %Y}" in warnings and "in 2 days" in warnings
    assert "Marketing API version v24.0 has ended" in warnings
    assert "INSIGHTS_ADS_API_VERSION=" in warnings


def test_organic_cards_followers_unique_reach_and_stories(app_env, raw, demo_range):
    followers = raw["ig_accounts"]["followers_count"].astype(int).sum()
    last7 = _app(range="last_7")
    assert not last7.exception
    assert _metric(last7, "Followers") == f"{followers:,}"
    assert _metric(last7, "Net follower growth") == "–"  # one snapshot: no growth known yet
    # the followers chart: the one snapshot the refresh kept, from the day it was taken on
    [line] = _chart(last7, "Followers")["data"]
    assert set(_values(line["y"])) == {followers}
    # the unique reach of the last 7 days, as Meta answers for that whole window
    daily = raw["ig_account_daily"]
    since = (demo_range[1] - timedelta(days=6)).isoformat()
    window = daily[daily["date"] >= since]
    with DemoApi() as api:  # the unique reach Meta answers for that whole window
        start = datetime.combine(date.fromisoformat(since), datetime.min.time(), tzinfo=UTC)
        served = [
            requests.get(
                f"{api.base_url}/{account}/insights",
                params={
                    "metric": "reach",
                    "metric_type": "total_value",
                    "period": "day",
                    "since": int(start.timestamp()),
                    "until": int((start + timedelta(days=7)).timestamp()),
                },
                headers={"Authorization": f"Bearer {DEMO_TOKEN}"},
                timeout=10,
            ).json()["data"][0]["total_value"]["value"]
            for account in api.ig_user_ids
        ]
    assert _metric(last7, "Reach") == f"{sum(served):,}"
    for label, column in (
        ("Views", "views"),
        ("Profile views", "profile_views"),
        ("Website clicks", "website_clicks"),
    ):  # Meta's one-day total_value figures, summed over the days
        assert _metric(last7, label) == f"{window[column].astype(int).sum():,}", label
    daily_sum = window["reach"].astype(int).sum()
    assert _metric(last7, "Daily reach (sum of days)") == f"{daily_sum:,}"
    assert sum(served) < daily_sum
    other = _app(range="custom", since=since, until=(demo_range[1] - timedelta(days=1)).isoformat())
    assert _metric(other, "Reach") == "–"  # Meta was not asked for that window: no sum shown


def test_a_partial_refresh_says_what_it_could_not_get(app_env):
    from insights.api.client import RetryPolicy
    from insights.ingest.run import run_ingest
    from insights.settings import Settings
    from insights.store.database import Store
    from tests.scripted_server import ScriptedServer

    def ok(body):
        return 200, body, {}

    server = ScriptedServer()
    server.script("/v21.0/7", ok({"id": "7", "username": "quiet", "followers_count": 40}))
    for edge in ("media", "stories", "insights"):
        server.script(f"/v21.0/7/{edge}", ok({"data": []}))
    with server.running(), Store(app_env) as store:
        settings = Settings(
            source="graph", base_url=server.base_url, access_token="t", ig_user_ids=("7",)
        )
        run_ingest(store, settings, retry=RetryPolicy(max_retries=1, backoff_base_s=0.001))
    at = AppTest.from_function(_data_page_script, default_timeout=60).run()
    assert not at.exception
    assert any("partial" in w.value and "no account insights" in w.value for w in at.warning)
    notes = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert (notes["kind"] == "incomplete").any()
    assert any("12 hours" in i.value for i in at.info)  # how often to refresh for stories


def test_the_view_controls_come_from_the_link_and_go_back_into_it(app_env, raw):
    at = _app(range="last_90", paid_metric="cpa", organic_metric="post_reach", grain="week")
    assert not at.exception
    assert at.selectbox(key="trend_paid").value == "cpa"
    assert at.selectbox(key="trend_organic").value == "post_reach"
    assert at.session_state["trend_grain"] == "week"
    at.selectbox(key="trend_paid").set_value("ctr").run()
    assert at.query_params["paid_metric"] == "ctr"
    assert at.query_params["grain"] == "week" and at.query_params["range"] == "last_90"
    at.selectbox(key="trend_paid").set_value("spend").run()  # the default leaves the link short
    assert "paid_metric" not in at.query_params
    bad = _app(paid_metric="<img src=x>", grain="decade", avg="maybe")
    assert not bad.exception
    notices = " ".join(t.value for t in bad.toast)
    assert "Unknown metric" in notices and "Unknown grain" in notices
    assert bad.selectbox(key="trend_paid").value == "spend"


def test_the_filters_in_force_are_stated_above_the_page(app_env, raw):
    campaign = raw["ad_campaigns"].iloc[0]
    at = _app(range="last_90", campaigns=campaign["campaign_id"], ages="25-34")
    assert not at.exception
    line = at.caption[0].value
    # written as plain text: names are escaped, so Markdown cannot turn them into links
    shown = line.replace("\\", "")
    assert shown.startswith("Last 90 days: ")
    assert f"Campaigns: {campaign['name']}" in shown and "Age groups: 25-34" in shown
    assert "vs " in shown
