"""Text from the API or a file is shown as text: a hostile campaign name is no link or image."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from tests.shown import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HOSTILE = "[click](http://evil.example) ![x](http://evil.example/t.png) <img src=x> *big*"


def rename_campaigns(db: Path) -> None:
    """Every campaign gets the hostile name (with its number, so they stay apart)."""
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE ad_campaigns SET name = ? || ' ' || campaign_id", [HOSTILE])
        # as every write transaction does: the pages' cached figures are of the old names
        con.execute("UPDATE store_version SET version = version + 1000")
    finally:
        con.close()


def _markdown_texts(at: AppTest) -> list[str]:
    """The Markdown source of every element Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "toast", "subheader")
    return [str(element.value) for kind in kinds for element in at.get(kind)]


def _interpreted(text: str) -> list[str]:
    """Markup a Markdown renderer would turn into a link, an image or HTML (unescaped)."""
    found = re.findall(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\((?<!\\)[^)]*\)", text)
    found += re.findall(r"(?<!\\)<img", text)
    found += re.findall(r"https?://", text)  # a literal URL is autolinked (GFM)
    found += re.findall(r"(?<![\\*])\*[^*\s][^*]*(?<![\\\s])\*", text)
    return found


def test_a_hostile_campaign_name_is_shown_as_text_on_the_overview(app_env):
    rename_campaigns(app_env)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    texts = _markdown_texts(at)
    quoting = [t for t in texts if HOSTILE in shown(t)]  # shown as written
    assert quoting, "no sentence quotes a campaign name; the test would prove nothing"
    for text in texts:
        assert not _interpreted(text), text
