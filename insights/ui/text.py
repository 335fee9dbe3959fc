"""Text from the API or a file, made safe for Streamlit's Markdown-rendering calls.

st.markdown, st.caption, st.info, st.error, widget labels and the like all render Markdown: a
campaign named ``[win](http://evil.example)`` would be a live link. Every ASCII punctuation
character may be backslash-escaped in CommonMark, so escaping all of them leaves no link, image,
emphasis, HTML, math (``$``), emoji shortcode or colour directive, and the text reads as written.
GFM's bare-URL links are found after escapes are undone, so a URL, a ``www.`` address or an
e-mail address is broken with an invisible word joiner instead."""

from __future__ import annotations

import re
import string

_ESCAPES = {ord(c): "\\" + c for c in string.punctuation}
# a line break inside a name or message would start a new block (a heading, a list item)
_ESCAPES.update({ord("\r"): " ", ord("\n"): " "})
_JOINER = "\u2060"
_AUTOLINKED = re.compile(r"(://|www(?=\.)|@)", re.IGNORECASE)


def md(text: object) -> str:
    """`text` as literal Markdown: shown as written, never interpreted."""
    unlinked = _AUTOLINKED.sub(lambda m: m.group(1)[0] + _JOINER + m.group(1)[1:], str(text))
    return unlinked.translate(_ESCAPES)
