"""CSV import of a large Ads Manager export: time, rows per second and peak memory.

For each size in --mb (megabytes, comma-separated; default 200: daily rows by age and gender
for a few hundred campaigns, in Ads Manager's column names) writes a synthetic export to a
temporary folder, imports it into a new store in a fresh process and prints the wall time and
that process's peak resident memory. The file is streamed, so the reader's memory does not grow
with it; the peak grows only with DuckDB's primary-key index of the rows the import adds.

With --bad-last-line the export ends in a line cut short (`...,18-24,fem`), which must be
refused after the whole file was read; with --upload the file goes through the Data page's
upload form (Streamlit's AppTest, in the measured process: the upload's bytes are held in
memory as Streamlit holds them) instead of a direct import_file call.

Run: .venv/bin/python bench/import_memory.py [--mb 50,100,200] [--bad-last-line] [--upload]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "Campaign name",
    "Day",
    "Age",
    "Gender",
    "Amount spent (USD)",
    "Impressions",
    "Reach",
    "Link clicks",
    "Purchases",
    "Purchases conversion value",
]
AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS = ("female", "male", "unknown")


def write_export(path: Path, megabytes: int, bad_last_line: bool = False) -> int:
    rng = random.Random(1)
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        day = date(2023, 1, 1)
        while handle.tell() < megabytes * 1_000_000:
            for campaign in range(300):
                for age in AGES:
                    for gender in GENDERS:
                        writer.writerow(
                            [
                                f"Campaign {campaign}",
                                day.isoformat(),
                                age,
                                gender,
                                f"{rng.randrange(0, 100_000) / 100:.2f}",
                                rng.randrange(100, 100_000),
                                rng.randrange(50, 50_000),
                                rng.randrange(0, 2_000),
                                rng.randrange(0, 40),
                                f"{rng.randrange(0, 400_000) / 100:.2f}",
                            ]
                        )
                        rows += 1
            day += timedelta(days=1)
        if bad_last_line:
            handle.write(f"Campaign 1,{day.isoformat()},18-24,fem\n")
    return rows


def child(path: Path, db: Path, upload: bool) -> None:
    from insights.csv_import import importer
    from insights.store.database import Store

    started = time.perf_counter()
    if upload:
        outcome = _upload(path, db)
    else:
        with Store(db) as store:
            try:
                outcome = f"{importer.import_file(store, path).rows_read:,} rows imported"
            except importer.ImportFileError as exc:
                outcome = f"refused: {exc}"
    elapsed = time.perf_counter() - started
    peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    print(json.dumps({"outcome": outcome, "seconds": elapsed, "peak_mb": peak}))


def _data_page() -> None:
    from insights.ui import data_page

    data_page.render()


def _upload(path: Path, db: Path) -> str:
    """The file through the Data page's upload form, as a person would send it."""
    import os

    from streamlit.testing.v1 import AppTest

    from insights.store.database import Store

    Store(db).close()
    os.environ.update(INSIGHTS_DB=str(db), INSIGHTS_SOURCE="demo", INSIGHTS_AUTOLOAD="0")
    at = AppTest.from_function(_data_page, default_timeout=3600).run()
    at.file_uploader(key="csv_files").set_value([(path.name, path.read_bytes(), "text/csv")])
    next(b for b in at.button if b.label == "Import").click()
    at.run()
    if at.exception:
        return f"crashed: {at.exception[0].message}"
    said = [e.value for e in at.error] + [s.value for s in at.success]
    return " | ".join(said)[:300]


def measure(megabytes: int, bad_last_line: bool, upload: bool) -> str:
    """Import a new export of `megabytes` in a fresh process; one line of figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ads_manager_export.csv"
        rows = write_export(path, megabytes, bad_last_line)
        size = path.stat().st_size / 1e6
        command = [sys.executable, __file__, "--child", str(path), str(Path(folder) / "s.duckdb")]
        done = subprocess.run(
            command + (["--upload"] if upload else []),
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    how = "uploaded on the Data page" if upload else "imported"
    return (
        f"file {size:,.0f} MB, {rows:,} rows{' and a cut-short last line' * bad_last_line}: "
        f"{how} in {figures['seconds']:.1f} s ({rows / figures['seconds']:,.0f} rows/s), "
        f"peak memory of the importing process {figures['peak_mb']:,.0f} MB; "
        f"{figures['outcome'][:160]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", default="200", help="file sizes in MB, e.g. 50,100,200")
    parser.add_argument("--bad-last-line", action="store_true", help="end in a cut-short line")
    parser.add_argument("--upload", action="store_true", help="through the Data page's form")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.upload)
        return
    for megabytes in (int(part) for part in args.mb.split(",")):
        print(measure(megabytes, args.bad_last_line, args.upload), flush=True)


if __name__ == "__main__":
    main()
