"""Shared resources of the app: settings, the one store connection, the refresh job, and
cached query results keyed by the filters and the store's data version."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from insights.errors import InsightsError, StoreBusyError
from insights.figures.filters import Filters, data_bounds, followed
from insights.ingest.jobs import IngestJob
from insights.settings import Settings
from insights.store import queries
from insights.store.database import Store
from insights.ui.text import md

T = TypeVar("T")


def settings() -> Settings:
    """Settings from the environment, with the secrets (token, app secret) also read from
    Streamlit secrets."""
    env = dict(os.environ)
    for name in ("INSIGHTS_ACCESS_TOKEN", "INSIGHTS_APP_SECRET"):
        if name in env:
            continue
        try:
            secret = st.secrets.get(name)
        except Exception:  # no secrets file is the normal case
            secret = None
        if secret:
            env[name] = str(secret)
    return Settings.from_env(env)


@st.cache_resource(show_spinner=False)
def _open(db_path: str, read_memory_mb: int) -> tuple[Store, IngestJob]:
    store = Store(db_path)
    store.lock_down(read_memory_mb=read_memory_mb)
    return store, IngestJob(store)


def store_and_job() -> tuple[Store, IngestJob]:
    """The process-wide store (opened once, locked down, within its memory budget) and its
    refresh job."""
    current = settings()
    path = str(current.db_path)
    try:
        return _open(path, current.read_memory_mb)
    except StoreBusyError as exc:  # said from the dashboard's side: the other program is not it
        holder = f" (process {exc.holder})" if exc.holder else ""
        st.error(
            md(
                f"The store {exc.path} is open in another program{holder}, such as an "
                "'insights' command or a second dashboard on the same file. Close it, then "
                "reload this page."
            )
        )
        st.stop()
        raise  # unreachable: st.stop() ends the run
    except InsightsError as exc:
        st.error(md(exc))
        st.stop()
        raise  # unreachable: st.stop() ends the run


_RUN_VERSION = "_data_version_of_this_run"


def new_run() -> None:
    """Start of a script run (the entry script calls it): the data version is read afresh,
    once, at the first figure of the run."""
    st.session_state.pop(_RUN_VERSION, None)


def data_version() -> tuple[str, int]:
    """The store and its data version: the key of every cached figure (a write raises the
    version; the path keeps two stores of one process apart). Read once per run, so every
    figure of one run is of the same data; a page that writes calls new_run() after. Outside
    a run (a download written on its own thread) it is read each time."""
    in_run = get_script_run_ctx(suppress_warning=True) is not None
    if in_run and (known := st.session_state.get(_RUN_VERSION)) is not None:
        return known  # type: ignore[no-any-return]
    store, _ = store_and_job()
    version = (str(store.path), store.data_version())
    if in_run:
        st.session_state[_RUN_VERSION] = version
    return version


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def _cached(
    key: str,
    version: tuple[str, int],
    filters: Filters,
    extra: tuple[Any, ...],
    _compute: Callable[..., pd.DataFrame],
) -> pd.DataFrame:
    store, _ = store_and_job()
    with store.cursor() as cur:
        return _compute(cur, filters, *extra)


def _arguments(
    compute: Callable[..., pd.DataFrame], filters: Filters, extra: tuple[Any, ...]
) -> tuple[str, tuple[str, int], Filters, tuple[Any, ...]]:
    """What `compute(cur, filters, *extra)` is cached under: its name, the data version, the
    filters it follows (a new comparison recomputes the KPIs alone) and its arguments."""
    name = f"{compute.__module__}.{compute.__qualname__}"
    return name, data_version(), followed(compute, filters), tuple(extra)


def frame(compute: Callable[..., pd.DataFrame], filters: Filters, *extra: Any) -> pd.DataFrame:
    """`compute(cur, filters, *extra)` (a page computation of insights/), cached by the
    filters and arguments until the next ingest or import commits. A copy, so callers may
    change it freely. Arguments must be hashable values (dates, strings, tuples)."""
    return _cached(*_arguments(compute, filters, extra), compute).copy()


_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="figures")


def prefetch(*calls: tuple[Any, ...]) -> None:
    """Starts `frame(compute, filters, *extra)` for each (compute, filters, *extra) on two
    worker threads, so that the store computes several of a page's figures while the page
    draws the others; the page's own frame() calls then find each one cached, or wait for
    its one computation (the cache computes a key once at a time). A failure here is left
    to the page's own call, which computes the figure again and says what went wrong."""
    run = get_script_run_ctx(suppress_warning=True)
    for compute, filters, *extra in calls:
        _WORKERS.submit(_in_worker, run, *_arguments(compute, filters, tuple(extra)), compute)


def _in_worker(run: Any, *arguments: Any) -> None:
    if run is not None:  # the run's context, so the cache works as in the run itself
        add_script_run_ctx(threading.current_thread(), run)
    with contextlib.suppress(Exception):  # the page's own call reports it
        _cached(*arguments)


def figure_key(compute: Callable[..., pd.DataFrame], filters: Filters, *extra: Any) -> Hashable:
    """The key `frame(compute, filters, *extra)` is cached under: what something built from
    that frame alone (the campaign grid's cells) can be cached under too."""
    return _arguments(compute, filters, extra)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _options(version: tuple[str, int]) -> dict[str, Any]:
    store, _ = store_and_job()
    with store.cursor() as cur:
        return {
            "bounds": data_bounds(cur),
            "campaigns": queries.run(cur, "campaign_options"),
            "accounts": queries.run(cur, "account_options"),
            "values": queries.run(cur, "filter_values"),
            "ad_time_zones": list(queries.run(cur, "ad_time_zones")["timezone_name"]),
            "ad_currencies": list(queries.run(cur, "ad_currencies")["currency"]),
            "ad_sets": queries.run(cur, "ad_level_campaigns"),
        }


def options() -> dict[str, Any]:
    """Date bounds, campaigns, accounts, ad sets and the other values the filters and the
    pickers can offer."""
    return _options(data_version())


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _last_success(version: tuple[str, int]) -> Any:
    store, _ = store_and_job()
    with store.cursor() as cur:
        value = queries.run(cur, "last_success").iloc[0]["finished_at"]
    if pd.isna(value):
        return None
    return pd.Timestamp(value).tz_convert("UTC").to_pydatetime()


def last_success() -> Any:
    """Finish time (UTC) of the last successful ingest, or None (read again only when the
    data version moves: an ingest that ends writes its run)."""
    return _last_success(data_version())


# no spinner: the report is written on the download's own thread when its button is clicked,
# where Streamlit draws nothing
@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _report(version: tuple[str, int], filters: Filters, filter_line: tuple[str, ...]) -> bytes:
    from insights.render import report

    store, _ = store_and_job()
    with store.cursor() as cur:
        return report.html_report(cur, filters, "Marketing report", list(filter_line)).encode(
            "utf-8"
        )


def report_html(filters: Filters, filter_line: tuple[str, ...] = ()) -> bytes:
    """The stakeholder report of the view, cached like the page's figures (called when the
    Overview's report button is clicked)."""
    return _report(data_version(), filters, filter_line)
