"""The dashboard's entry script: the router over the pages (st.navigation) and the frame
they share (the global filters, drawn once per run: see frame.py).

`insights app` runs this file with Streamlit from wherever the package is installed; the
checkout's app.py runs it too. Its `.streamlit/config.toml` beside it is Streamlit's
script-level configuration (localhost only, no error details), so an installed dashboard is
configured as the checkout's is; Streamlit's flags and STREAMLIT_* variables still override it.
"""

from __future__ import annotations

import gc

import streamlit as st

from insights.settings import SettingsError
from insights.ui import context, frame
from insights.ui.pages import navigation

_frozen = False


def _freeze_imports() -> None:
    """Moves what the imports made (modules, classes, functions: some 190,000 objects that
    live as long as the process) out of the collector's sight, once, so a full collection
    walks only what the runs create (Python's gc.freeze, made for long-lived servers)."""
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


def main() -> None:
    _freeze_imports()
    st.set_page_config(page_title="Marketing insights", page_icon=":bar_chart:", layout="wide")
    try:
        context.settings()  # a bad INSIGHTS_* value is said once, before any page runs
    except SettingsError as exc:
        st.error(str(exc))
        st.stop()
    context.new_run()  # one data version for every figure of this run
    page = navigation()
    frame.draw(page)  # the global filters, drawn once for every page
    page.run()


if __name__ == "__main__":
    main()
