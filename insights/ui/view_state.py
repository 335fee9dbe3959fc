"""A page's own view controls (the metric a chart shows, its grain, how posts are ranked...)
mirrored into the URL, like the global filters, so a copied link reproduces the whole view.

A control's value comes, in order, from the widget itself (while the page is shown), the URL
(a shared link), the value it had when the marketer last left the page, then its default. A
value the page does not offer falls back to the default with a notice, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import streamlit as st

from insights.ui.text import md


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(text)
    return text == "1"


@dataclass(frozen=True)
class ViewControl:
    """One view control: its widget key, its URL key, the values it offers and its default."""

    key: str
    url_key: str
    options: Collection[Any]
    default: Any
    parse: Callable[[str], Any] = str
    what: str = "view setting"

    @staticmethod
    def flag(key: str, url_key: str, default: bool, what: str) -> ViewControl:
        return ViewControl(key, url_key, (True, False), default, _flag, what)

    def _write(self, value: Any) -> str:
        return ("1" if value else "0") if isinstance(value, bool) else str(value)

    def seed(self) -> None:
        """Set the widget's value before it is drawn (call right before drawing it)."""
        state = st.session_state
        if self.key in state and state[self.key] in self.options:
            return
        value = state.get(_saved(self.key), self.default)
        wanted = st.query_params.get(self.url_key)
        if wanted is not None:
            parsed = self._parsed(wanted)
            if parsed in self.options:
                value = parsed
            else:
                st.toast(
                    md(f"Unknown {self.what} '{wanted[:40]}' in the link; showing the default."),
                    icon=":material/info:",
                )
        state[self.key] = value

    def current(self) -> Any:
        """The value the control will show on this run, read without drawing or seeding it
        (for work started before the control is drawn)."""
        state = st.session_state
        if self.key in state and state[self.key] in self.options:
            return state[self.key]
        wanted = st.query_params.get(self.url_key)
        if wanted is not None and (parsed := self._parsed(wanted)) in self.options:
            return parsed
        return state.get(_saved(self.key), self.default)

    def _parsed(self, wanted: str) -> Any:
        """The link's value for this control, None when it is not one it can read."""
        try:
            return self.parse(wanted)
        except ValueError:
            return None

    def keep(self, value: Any) -> Any:
        """Remember the drawn widget's value for the next visit and mirror it into the URL (a
        default value leaves the URL short). Returns the value, or the default for none."""
        if value is None or value not in self.options:
            value = self.default
        st.session_state[_saved(self.key)] = value
        if value == self.default:
            st.query_params.pop(self.url_key, None)
        elif st.query_params.get(self.url_key) != self._write(value):
            st.query_params[self.url_key] = self._write(value)
        return value

    def selectbox(self, where: Any, label: str, format_func: Callable[[Any], str] = str) -> Any:
        """The control drawn as a select box in `where` (st or a column), seeded before and
        kept after: its value."""
        self.seed()
        return self.keep(
            where.selectbox(label, list(self.options), key=self.key, format_func=format_func)
        )


def _saved(key: str) -> str:
    return f"_kept_{key}"
