"""Markdown source as a reader sees it on the page (for checking messages in AppTest)."""

from __future__ import annotations

import re

# CommonMark: a backslash before ASCII punctuation stands for that character; the word joiner
# (U+2060) that keeps a URL from becoming a link is invisible
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    return _UNESCAPE.sub(r"\1", markdown).replace("\u2060", "")
