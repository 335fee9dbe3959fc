"""The global filters in the sidebar, mirrored into the URL so a link reproduces the view.

URL keys: range (a preset or 'custom'), since/until (ISO dates, with 'custom'), compare, and
comma-separated values for campaigns, objectives, ages, genders, accounts and media. Invalid
values fall back to defaults with a notice, never an exception.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import streamlit as st

from insights.figures import formatting
from insights.figures.filters import (
    COMPARISONS,
    PRESET_KINDS,
    PRESETS,
    Comparison,
    Filters,
    preset_range,
)
from insights.ui import context, fmt_table
from insights.ui.text import md

DEFAULT_PRESET = "last_28"
CURRENT_KEY = "f_current"  # the filters the frame drew on this run, for the page to read


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class _Choice:
    """A multi-value filter: its session key, URL key, label and how values are shown."""

    key: str
    url_key: str
    label: str
    placeholder: str
    what: str  # for notices: "campaign", "age group", ...


CHOICES: tuple[_Choice, ...] = (
    _Choice("f_campaigns", "campaigns", "Campaigns", "All campaigns", "campaign"),
    _Choice("f_objectives", "objectives", "Objectives", "All objectives", "objective"),
    _Choice("f_ages", "ages", "Age groups", "All ages", "age group"),
    _Choice("f_genders", "genders", "Genders", "All genders", "gender"),
    _Choice("f_accounts", "accounts", "Instagram accounts", "All accounts", "account"),
    _Choice("f_media", "media", "Media types", "All media types", "media type"),
)


WIDGET_KEYS: tuple[str, ...] = ("f_preset", "f_dates", "f_compare", *(c.key for c in CHOICES))
URL_KEYS: tuple[str, ...] = ("range", "since", "until", "compare", *(c.url_key for c in CHOICES))


def choice_labels(opts: dict[str, Any]) -> dict[str, dict[str, str]]:
    """For each multi-value filter, the values it offers and their labels, in order."""
    campaigns, accounts, values = opts["campaigns"], opts["accounts"], opts["values"]

    def of(dimension: str, label: Callable[[str], str]) -> dict[str, str]:
        found = values.loc[values["dimension"] == dimension, "value"]
        return {str(v): label(str(v)) for v in found}

    return {
        "f_campaigns": dict(zip(campaigns["campaign_id"], campaigns["campaign_name"], strict=True)),
        "f_objectives": of("objective", lambda v: str(fmt_table.objective_label(v))),
        "f_ages": of("age", str),
        "f_genders": of("gender", str.capitalize),
        "f_accounts": dict(zip(accounts["account_id"], accounts["label"], strict=True)),
        "f_media": of("media_type", fmt_table.media_type_label),
    }


@st.cache_resource(max_entries=16, show_spinner=False)
def _labels(version: tuple[str, int]) -> dict[str, dict[str, str]]:
    return choice_labels(context.options())


def known_labels() -> dict[str, dict[str, str]]:
    """choice_labels of the store, built once per data version (thousands of campaigns are
    not relabelled on every rerun); shared by every session, so read-only."""
    return _labels(context.data_version())


def _within(since: date, until: date, bounds: tuple[date, date]) -> tuple[date, date] | None:
    """The part of since..until inside the data's bounds, or None when they do not meet."""
    if until < bounds[0] or since > bounds[1]:
        return None
    return max(since, bounds[0]), min(until, bounds[1])


def _init_from_url(
    anchor: date, bounds: tuple[date, date] | None, known: dict[str, dict[str, str]]
) -> list[str]:
    """Seed the widgets' session state from the URL once per session; return notices."""
    params = st.query_params
    notices: list[str] = []
    preset = params.get("range", DEFAULT_PRESET)
    if preset not in PRESETS:
        notices.append(f"Unknown date range '{preset[:40]}' in the link; showing the last 28 days.")
        preset = DEFAULT_PRESET
    since, until = _parse_date(params.get("since")), _parse_date(params.get("until"))
    if preset == "custom" and (since is None or until is None or since > until):
        notices.append("The link's custom dates are not valid; showing the last 28 days.")
        preset = DEFAULT_PRESET
    if preset == "custom" and bounds and since and until:
        clamped = _within(since, until, bounds)
        if clamped is None:
            notices.append(
                f"The link's dates ({formatting.days(since, until)}) hold no data: the "
                f"store has {formatting.days(bounds[0], bounds[1])}. Showing the last 28 days."
            )
            preset = DEFAULT_PRESET
        elif clamped != (since, until):
            notices.append(
                f"The link's dates reach beyond the data; showing {formatting.day(clamped[0])} – "
                f"{formatting.day(clamped[1])}, the part the store holds."
            )
            since, until = clamped
    if preset != "custom":
        since, until = preset_range(preset, anchor)
    compare = params.get("compare", "previous")
    if compare not in COMPARISONS:
        notices.append(
            f"Unknown comparison '{compare[:40]}' in the link; comparing with the previous period."
        )
        compare = "previous"
    state = st.session_state
    state["f_preset"] = preset
    state["f_dates"] = (since, until)
    state["f_compare"] = compare
    for choice in CHOICES:
        wanted = list(dict.fromkeys(v for v in params.get(choice.url_key, "").split(",") if v))
        kept = [v for v in wanted if v in known[choice.key]]
        if len(kept) < len(wanted):
            notices.append(
                f"{len(wanted) - len(kept)} {choice.what}(s) in the link are not in the "
                "store and were left out."
            )
        state[choice.key] = kept
    return notices


def _label_of(labels: dict[str, str], value: str) -> str:
    return labels.get(value, value)


def reset() -> None:
    """Back to the default view (a callback of the Reset button)."""
    for key in (*WIDGET_KEYS, "f_saved"):
        st.session_state.pop(key, None)
    for key in URL_KEYS:
        st.query_params.pop(key, None)


def current() -> Filters:
    """The filters of this run, as the app's frame drew them in the sidebar (drawn here when a
    page runs without the frame)."""
    found = st.session_state.get(CURRENT_KEY)
    return found if isinstance(found, Filters) else sidebar_filters()


def sidebar_filters() -> Filters:
    """Draw the filters and return them; keeps the URL in step. Drawn once per run, by the
    app's frame, so the widgets (and their values) are the same on every page."""
    opts = context.options()
    bounds = opts["bounds"]
    anchor = bounds[1] if bounds else date.today()
    known = known_labels()

    state = st.session_state
    if "f_preset" not in state:
        if "f_saved" in state:  # back from a page without filters: widget state was dropped
            state.update(state["f_saved"])
        else:
            state["f_notices"] = _init_from_url(anchor, bounds, known)
    for notice in st.session_state.pop("f_notices", []):
        st.toast(md(notice), icon=":material/info:")  # notices quote the link

    side = st.sidebar
    side.header("Filters")
    preset = side.selectbox(
        "Date range",
        list(PRESETS),
        key="f_preset",
        format_func=PRESETS.__getitem__,
    )
    if preset == "custom":
        first, last = bounds if bounds else (None, None)
        kept = state.get("f_dates")
        if bounds and isinstance(kept, tuple) and len(kept) == 2:  # the data may have shrunk
            state["f_dates"] = _within(*kept, bounds) or bounds
        picked = side.date_input(
            "Custom range",
            key="f_dates",
            format="YYYY-MM-DD",
            min_value=first,
            max_value=last,
            help=f"The store holds data from {formatting.days(*bounds)}." if bounds else None,
        )
        since, until = (
            picked
            if isinstance(picked, tuple) and len(picked) == 2
            else st.session_state.get("f_last_range", preset_range(DEFAULT_PRESET, anchor))
        )
    else:
        since, until = preset_range(preset, anchor)
        side.caption(
            f"{formatting.days(since, until)}"
            + (" (latest data)" if bounds and anchor < date.today() else "")
        )
    st.session_state["f_last_range"] = (since, until)
    compare = side.selectbox(
        "Compare with",
        list(COMPARISONS),
        key="f_compare",
        format_func=COMPARISONS.__getitem__,
    )
    chosen: dict[str, tuple[str, ...]] = {}
    for choice in CHOICES:
        if choice.key == "f_campaigns":
            side.subheader("Ads", divider="gray")
        if choice.key == "f_accounts":
            side.subheader("Instagram", divider="gray")
        labels = known[choice.key]
        picked_values = side.multiselect(
            choice.label,
            list(labels),
            key=choice.key,
            format_func=functools.partial(_label_of, labels),
            placeholder=choice.placeholder,
        )
        chosen[choice.key] = tuple(picked_values)
    side.button("Reset filters", on_click=reset, icon=":material/restart_alt:")

    filters = Filters(
        since,
        until,
        cast(Comparison, compare),
        campaign_ids=chosen["f_campaigns"],
        account_ids=chosen["f_accounts"],
        objectives=chosen["f_objectives"],
        media_types=chosen["f_media"],
        ages=chosen["f_ages"],
        genders=chosen["f_genders"],
        period_kind=PRESET_KINDS.get(preset, "days"),
    )
    state[CURRENT_KEY] = filters
    state["f_saved"] = {k: state[k] for k in WIDGET_KEYS if k in state}
    _write_url(preset, filters)
    return filters


def _write_url(preset: str, filters: Filters) -> None:
    wanted = {"range": preset, "compare": filters.compare}
    if preset == "custom":
        wanted |= {"since": filters.since.isoformat(), "until": filters.until.isoformat()}
    for choice, values in zip(
        CHOICES,
        (
            filters.campaign_ids,
            filters.objectives,
            filters.ages,
            filters.genders,
            filters.account_ids,
            filters.media_types,
        ),
        strict=True,
    ):
        if values:
            wanted[choice.url_key] = ",".join(values)
    current = {k: st.query_params.get(k) for k in st.query_params if k in URL_KEYS}
    if current != wanted:  # the filters' keys only: a page may keep its own in the URL
        for key in set(current) - set(wanted):
            del st.query_params[key]
        st.query_params.update(wanted)


def active_filters(chosen: Filters) -> list[str]:
    """The filters in force, as short phrases: the period, the comparison, then every narrowed
    filter with the names of what it keeps."""
    preset = st.session_state.get("f_preset", DEFAULT_PRESET)
    label = PRESETS.get(preset, "Custom")
    parts = [f"{label}: {_span(chosen.since, chosen.until)}"]
    compared = chosen.comparison_range()
    if compared:
        parts.append(f"vs {_span(*compared)}")
    known = known_labels()
    for choice, values in zip(
        CHOICES,
        (
            chosen.campaign_ids,
            chosen.objectives,
            chosen.ages,
            chosen.genders,
            chosen.account_ids,
            chosen.media_types,
        ),
        strict=True,
    ):
        if values:
            names = [known[choice.key].get(v, v) for v in values]
            shown = ", ".join(names[:3]) + (f" +{len(names) - 3} more" if len(names) > 3 else "")
            parts.append(f"{choice.label}: {shown}")
    return parts


def _span(since: date, until: date) -> str:
    return formatting.days(since, until)
