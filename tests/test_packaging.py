"""What the product reads at run time ships inside the package and is found through
importlib.resources, and `insights app` starts the packaged dashboard from any folder."""

from __future__ import annotations

import fnmatch
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
from importlib import resources
from pathlib import Path

import requests

from insights.demo import dataset as demo_data
from insights.store import database as store
from insights.store import queries

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "insights"


def test_every_run_time_file_is_a_package_resource():
    assert len(queries.load_all()) >= 20  # every SQL file parses from the package
    for file_name in demo_data.FILES.values():
        assert (demo_data.SAMPLE_DIR / file_name).is_file(), file_name
    assert store.migrations()
    ui = resources.files("insights.ui")
    assert (ui / "app.py").is_file()
    assert 'address = "localhost"' in (ui / ".streamlit" / "config.toml").read_text("utf-8")


def test_package_data_covers_every_file_that_is_not_python():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["insights"]
    data = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert any(name.startswith("store/sql/") for name in data)
    missing = [name for name in data if not any(fnmatch.fnmatch(name, g) for g in globs)]
    assert missing == [], "not shipped in the wheel"


def test_no_module_looks_for_files_beside_its_source():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"__file__|\.parent\.parent", line)
    ]
    assert offenders == []


def test_the_checkout_and_the_package_configure_streamlit_alike():
    packaged = PACKAGE / "ui" / ".streamlit" / "config.toml"
    assert (ROOT / ".streamlit" / "config.toml").read_bytes() == packaged.read_bytes()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_insights_app_starts_the_dashboard_with_streamlits_own_settings(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIGHTS_", "STREAMLIT_"))}
    env |= {"STREAMLIT_SERVER_PORT": str(port), "INSIGHTS_DB": str(tmp_path / "s.duckdb")}
    app = subprocess.Popen(
        [sys.executable, "-m", "insights", "app", "--server.headless", "true"],
        cwd=tmp_path,  # not the checkout: the entry script and its config come from the package
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert app.poll() is None, app.communicate()[0]
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                if answer.text == "ok":
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.3)
    finally:
        app.send_signal(signal.SIGTERM)
        output = app.communicate(timeout=30)[0]
    assert f"localhost:{port}" in output and "Network URL" not in output, output
    assert list(tmp_path.iterdir()) == []  # starting the server wrote nothing


def test_demo_data_writes_into_the_current_folder_not_the_package(tmp_path):
    bundled = {
        name: (demo_data.SAMPLE_DIR / name).read_bytes() for name in demo_data.FILES.values()
    }
    pictures = demo_data.SAMPLE_DIR / demo_data.THUMBNAILS
    bundled.update({f"{demo_data.THUMBNAILS}/{p.name}": p.read_bytes() for p in pictures.iterdir()})
    package_dir = Path(str(demo_data.SAMPLE_DIR))
    touched = {p.name: p.stat().st_mtime_ns for p in package_dir.iterdir()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIGHTS_")}
    done = subprocess.run(
        [sys.executable, "-m", "insights", "demo-data"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "sample_data"
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written == bundled  # the same files, byte for byte, beside the user
    assert {p.name: p.stat().st_mtime_ns for p in package_dir.iterdir()} == touched
