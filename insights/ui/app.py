"""The dashboard's entry script: the router over the pages (st.navigation) and the frame
they share (the global filters, drawn once per run: see frame.py).

`insights app` runs this file with Streamlit from wherever the package is installed; the
checkout's app.py runs it too. Its `.streamlit/config.toml` beside it is Streamlit's
script-level configuration (localhost only, no error details), so an installed dashboard is
configured as the checkout's is; Streamlit's flags and STREAMLIT_* variables still override it.
"""

from __future__ import annotations

import streamlit as st

from insights.settings import SettingsError
from insights.ui import context, frame
from insights.ui.pages import navigation


def main() -> None:
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
