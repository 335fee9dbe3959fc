"""The global filters in the sidebar, mirrored into the URL so a link reproduces the view.

URL keys: range (a preset or 'custom'), since/until (ISO dates, with 'custom'), compare,
campaigns and accounts (comma-separated ids). Invalid values fall back to defaults with a notice.
"""

from __future__ import annotations

from datetime import date
from typing import cast

import streamlit as st

from insights import dashboard
from insights.ui import context

DEFAULT_PRESET = "last_28"


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _init_from_url(anchor: date, campaign_ids: list[str], account_ids: list[str]) -> list[str]:
    """Seed the widgets' session state from the URL once per session; return notices."""
    params = st.query_params
    notices: list[str] = []
    preset = params.get("range", DEFAULT_PRESET)
    if preset not in dashboard.PRESETS:
        notices.append(f"Unknown date range '{preset}' in the link; showing the last 28 days.")
        preset = DEFAULT_PRESET
    since, until = _parse_date(params.get("since")), _parse_date(params.get("until"))
    if preset == "custom" and (since is None or until is None or since > until):
        notices.append("The link's custom dates are not valid; showing the last 28 days.")
        preset = DEFAULT_PRESET
    if preset != "custom":
        since, until = dashboard.preset_range(preset, anchor)
    compare = params.get("compare", "previous")
    if compare not in dashboard.COMPARISONS:
        notices.append(
            f"Unknown comparison '{compare}' in the link; comparing with the previous period."
        )
        compare = "previous"
    state = st.session_state
    state["f_preset"] = preset
    state["f_dates"] = (since, until)
    state["f_compare"] = compare
    for key, url_key, known, what in (
        ("f_campaigns", "campaigns", campaign_ids, "campaign"),
        ("f_accounts", "accounts", account_ids, "account"),
    ):
        wanted = [v for v in params.get(url_key, "").split(",") if v]
        kept = [v for v in wanted if v in known]
        if len(kept) < len(wanted):
            notices.append(
                f"{len(wanted) - len(kept)} {what}(s) in the link are not in the "
                "store and were left out."
            )
        state[key] = kept
    return notices


def sidebar_filters() -> dashboard.Filters:
    """Draw the filters and return them; keeps the URL in step."""
    opts = context.options()
    bounds = opts["bounds"]
    anchor = bounds[1] if bounds else date.today()
    campaigns = opts["campaigns"]
    accounts = opts["accounts"]
    campaign_names = dict(zip(campaigns["campaign_id"], campaigns["campaign_name"], strict=True))
    account_labels = dict(zip(accounts["account_id"], accounts["label"], strict=True))

    if "f_preset" not in st.session_state:
        st.session_state["f_notices"] = _init_from_url(
            anchor, list(campaign_names), list(account_labels)
        )
    for notice in st.session_state.pop("f_notices", []):
        st.toast(notice)

    side = st.sidebar
    side.header("Filters")
    preset = side.selectbox(
        "Date range",
        list(dashboard.PRESETS),
        key="f_preset",
        format_func=dashboard.PRESETS.__getitem__,
    )
    if preset == "custom":
        picked = side.date_input("Custom range", key="f_dates", format="YYYY-MM-DD")
        since, until = (
            picked
            if isinstance(picked, tuple) and len(picked) == 2
            else st.session_state.get(
                "f_last_range", dashboard.preset_range(DEFAULT_PRESET, anchor)
            )
        )
    else:
        since, until = dashboard.preset_range(preset, anchor)
        side.caption(
            f"{since:%d %b %Y} – {until:%d %b %Y}"
            + (" (latest data)" if bounds and anchor < date.today() else "")
        )
    st.session_state["f_last_range"] = (since, until)
    compare = side.selectbox(
        "Compare with",
        list(dashboard.COMPARISONS),
        key="f_compare",
        format_func=dashboard.COMPARISONS.__getitem__,
    )
    chosen_campaigns = side.multiselect(
        "Campaigns",
        list(campaign_names),
        key="f_campaigns",
        format_func=lambda cid: campaign_names.get(cid, cid),
        placeholder="All campaigns",
    )
    chosen_accounts = side.multiselect(
        "Instagram accounts",
        list(account_labels),
        key="f_accounts",
        format_func=lambda aid: account_labels.get(aid, aid),
        placeholder="All accounts",
    )

    filters = dashboard.Filters(
        since,
        until,
        cast(dashboard.Comparison, compare),
        tuple(chosen_campaigns),
        tuple(chosen_accounts),
    )
    _write_url(preset, filters)
    return filters


def _write_url(preset: str, filters: dashboard.Filters) -> None:
    wanted = {"range": preset, "compare": filters.compare}
    if preset == "custom":
        wanted |= {"since": filters.since.isoformat(), "until": filters.until.isoformat()}
    if filters.campaign_ids:
        wanted["campaigns"] = ",".join(filters.campaign_ids)
    if filters.account_ids:
        wanted["accounts"] = ",".join(filters.account_ids)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
