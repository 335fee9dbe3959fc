"""Exported CSV opened by a real spreadsheet (LibreOffice Calc, headless): no formula runs, a CR
inside a name starts no new row, ordinary text and numbers read as written."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest

from insights.render.csv_export import to_csv_bytes

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

HOSTILE = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\0=1+1",
    "name\r=cmd|' /c calc'!a0",
    "name\n=1+1",
    'say "hi", =1+1',
    '=HYPERLINK("http://evil.example","x")',
]
ORDINARY = [
    "@handle",
    "@brand.shop",
    "-5%",
    "Normal – café",
    "a, b",
    "- summer sale",
    "@handle's picks",
    "+33 6 12 34 56",
]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip(
            "LibreOffice is not installed (apt-get install libreoffice-calc-nogui): "
            "the spreadsheet check of exported CSV is skipped"
        )
    return found


def _paragraph(element: ElementTree.Element) -> str:
    """The text of an ODF paragraph, its tab, space and line-break elements as characters."""
    out = [element.text or ""]
    for child in element:
        tag = child.tag.removeprefix(f"{{{TEXT}}}")
        if tag == "tab":
            out.append("\t")
        elif tag == "s":
            out.append(" " * int(child.get(f"{{{TEXT}}}c", "1")))
        elif tag == "line-break":
            out.append("\n")
        else:
            out.append(_paragraph(child))
        out.append(child.tail or "")
    return "".join(out)


def _open_in_calc(csv_file: Path, tmp_path: Path) -> list[list[tuple[str, str | None, str]]]:
    """The sheet LibreOffice makes of `csv_file`: per row, (text, formula, value type) per cell."""
    profile = tmp_path / "profile"  # its own profile: another soffice running does not block it
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,76",  # comma, double quote, UTF-8 (the export's encoding)
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(csv_file),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(tmp_path / (csv_file.stem + ".ods")) as ods:
        root = ElementTree.fromstring(ods.read("content.xml"))
    rows = []
    for row in root.iter(f"{{{TABLE}}}table-row"):
        cells = []
        for cell in row.iter(f"{{{TABLE}}}table-cell"):
            text = "\n".join(_paragraph(p) for p in cell.iter(f"{{{TEXT}}}p"))
            cells.append(
                (text, cell.get(f"{{{TABLE}}}formula"), cell.get(f"{{{OFFICE}}}value-type", ""))
            )
        if any(text for text, _, _ in cells):
            rows.append(cells)
    return rows


def test_libreoffice_runs_no_formula_of_an_export(tmp_path):
    names = HOSTILE + ORDINARY
    frame = pd.DataFrame({"Campaign": names, "Spend": [-5.0 - i for i in range(len(names))]})
    csv_file = tmp_path / "campaigns.csv"
    csv_file.write_bytes(to_csv_bytes(frame))
    rows = _open_in_calc(csv_file, tmp_path)
    assert len(rows) == 1 + len(names), [r[0][0] for r in rows]  # no CR or LF started a row
    for cells in rows:
        assert all(formula is None for _, formula, _ in cells), cells
    for cells, name, spend in zip(rows[1:], names, frame["Spend"], strict=True):
        text, _, kind = cells[0]
        shown = text.replace("\0", "")
        expected = name.replace("\0", "").replace("\r\n", "\n").replace("\r", "\n")
        if name in HOSTILE:
            assert kind == "string", cells
            assert shown.lstrip("'").replace("\r", "\n") == expected, (shown, name)
        elif name == "-5%":
            assert kind == "percentage", cells  # read as the number it is, not prefixed
        else:
            assert shown == name  # ordinary text is not prefixed
        assert cells[1][2] == "float" and float(cells[1][0]) == spend  # numbers stay numbers


def test_libreoffice_runs_a_quoted_equals_formula_but_reads_quoted_signs_as_text(tmp_path):
    """Why the export quotes every text field and still prefixes a leading '=': what Calc does
    with a CSV written without the guard."""
    csv_file = tmp_path / "raw.csv"
    csv_file.write_bytes(
        b'name,n\r\n"=1+1",1\r\n"@handle",2\r\n"+1+1",3\r\n"-1+1",4\r\n"@SUM(1+1)",5\r\n'
    )
    rows = _open_in_calc(csv_file, tmp_path)
    cells = {n: rows[n][0] for n in range(1, 6)}
    assert cells[1][1] is not None and cells[1][0] == "2"  # quoted, "=1+1" still runs
    for n, text in ((2, "@handle"), (3, "+1+1"), (4, "-1+1"), (5, "@SUM(1+1)")):
        assert cells[n] == (text, None, "string")  # quoted, these are text as written
    # through the export, the formula is text and the handle is untouched
    exported = tmp_path / "exported.csv"
    exported.write_bytes(to_csv_bytes(pd.DataFrame({"name": ["=1+1", "@handle"], "n": [1, 2]})))
    rows = _open_in_calc(exported, tmp_path)
    assert rows[1][0] == ("'=1+1", None, "string") or rows[1][0] == ("=1+1", None, "string")
    assert rows[2][0] == ("@handle", None, "string")
