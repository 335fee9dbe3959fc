"""Messages say what is wrong and where, from the side of whoever reads them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.csv_import import importer
from insights.store.database import Store
from tests.ads_exports import good_csv_text
from tests.shown import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_the_dashboard_does_not_call_itself_the_other_program(monkeypatch, tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from insights.store.database import Store
            s = Store({str(path)!r}); print("open", flush=True); time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        monkeypatch.setenv("INSIGHTS_DB", str(path))
        monkeypatch.setenv("INSIGHTS_SOURCE", "demo")
        at = AppTest.from_file(APP, default_timeout=60).run()
        errors = [shown(e.value) for e in at.error]
        assert errors, "no error shown for a store another program holds"
        assert not any("dashboard" in e and "probably" in e for e in errors), errors
        assert not any("Refresh button" in e for e in errors), errors
        assert any(f"process {holder.pid}" in e and "reload this page" in e for e in errors)
    finally:
        holder.kill()
        holder.wait(10)


def test_a_byte_that_is_not_utf8_is_named_by_its_line(tmp_path):
    lines = good_csv_text().splitlines()
    bad = (
        "\n".join(lines)
        .encode("utf-8")
        .replace(lines[5].encode(), lines[5].encode().replace(b"Spring", b"Spr\xffing", 1))
    )
    assert b"\xff" in bad
    path = tmp_path / "latin.csv"
    path.write_bytes(bad)
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(importer.ImportFileError) as info:
        importer.import_file(store, path)
    message = str(info.value)
    column = lines[5].encode().index(b"Spring") + 4  # 1-based place of the bad byte
    assert "latin.csv" in message and f"line 6, byte {column} of the line" in message, message
