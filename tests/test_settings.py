"""Settings: one table gives the defaults and the CLI flags; a bad value is one sentence at
start (the CLI exits 2, the app shows it), and an unexpected failure is one sentence for the
user with the masked traceback in the operator's log."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights import cli, commands
from insights.settings import SPECS, Settings, SettingsError

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SECRET_FIELDS = {"access_token", "app_secret"}
# a good value for each setting that has a flag, different from its default
FLAG_VALUES = {
    "db_path": ("elsewhere.duckdb", Path("elsewhere.duckdb")),
    "source": ("graph", "graph"),
    "base_url": ("http://127.0.0.1:9", "http://127.0.0.1:9"),
    "ads_api_version": ("v25.0", "v25.0"),
    "ig_api_version": ("v24.0", "v24.0"),
    "ig_user_ids": ("178", ("178",)),
    "ad_account_ids": ("act_9", ("act_9",)),
    "lookback_days": ("3", 3),
    "history_days": ("40", 40),
    "conversion_action_type": ("purchase", "purchase"),
    "timeout_s": ("2.5", 2.5),
    "max_retries": ("0", 0),
    "backoff_base_s": ("0.1", 0.1),
    "rate_limit_max_wait_s": ("7", 7.0),
    "max_workers": ("2", 2),
    "ig_history_days": ("30", 30),
    "run_deadline_s": ("60", 60.0),
    "max_response_mb": ("8", 8),
}


def _run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INSIGHTS_")}
    return subprocess.run(
        [sys.executable, "-m", "insights", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**clean, **env},
    )


def test_every_setting_is_declared_once_and_defaults_come_from_the_table():
    declared = {item.name: item.default for item in SPECS}
    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert set(fields) - SECRET_FIELDS == set(declared)
    assert {name: fields[name] for name in declared} == declared
    assert Settings.from_env({}) == Settings()


def test_every_flag_comes_from_the_table_and_overrides_the_environment():
    flagged = [item for item in SPECS if item.flag]
    assert {item.name for item in flagged} == set(FLAG_VALUES)
    env = {"INSIGHTS_LOOKBACK_DAYS": "11"}
    for item in flagged:
        raw, expected = FLAG_VALUES[item.name]
        args = cli.build_parser().parse_args(["ingest", item.flag, raw])
        old = dict(os.environ)
        os.environ.update(env)
        try:
            settings = commands.settings_of(args)
        finally:
            os.environ.clear()
            os.environ.update(old)
        assert getattr(settings, item.name) == expected, item.flag
        assert expected != getattr(Settings(), item.name), item.name
        assert settings.lookback_days == (3 if item.name == "lookback_days" else 11)
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["ingest"].format_help()
    for item in flagged:
        assert item.flag in help_text and item.env in help_text


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INSIGHTS_LOOKBACK_DAYS", "abc"),
        ("INSIGHTS_LOOKBACK_DAYS", "-3"),
        ("INSIGHTS_SOURCE", "foo"),
        ("INSIGHTS_HTTP_TIMEOUT", "soon"),
        ("INSIGHTS_MAX_WORKERS", "0"),
        ("INSIGHTS_GRAPH_URL", "graph.facebook.com"),
        ("INSIGHTS_READ_MEMORY_MB", "16"),  # the pages' queries would run out of memory
    ],
)
def test_a_bad_setting_is_one_sentence_at_start_and_exit_2(tmp_path, variable, value):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})
    for command in (("status",), ("ingest", "--quiet"), ("export", "daily"), ("app",)):
        done = _run(*command, cwd=tmp_path, **{variable: value})
        assert done.returncode == 2, (command, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert variable in lines[0] and repr(value) in lines[0] and "default" in lines[0]
        assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing was started or created


@pytest.mark.parametrize(
    "args",
    [
        ("ingest", "--lookback-days", "abc"),
        ("ingest", "--source", "foo"),
        ("ingest", "--http-timeout", "-1"),
        ("ingest", "--since", "2026-02-01", "--until", "2026-01-01"),
        ("demo-data", "--scale", "100"),
        ("demo-data", "--scale-ads", "100"),
        ("status", "--unknown-flag"),
        ("status", "extra"),
        ("demo-api", "--ads-fault", "no_such_fault=1"),
    ],
)
def test_a_usage_error_exits_2(tmp_path, args):
    done = _run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()


def test_an_unexpected_failure_is_one_sentence_and_a_masked_traceback_in_the_log(
    tmp_path, demo_store_file
):
    token = "EAABsecretTOKEN0123456789abcdef"
    # the folder does not exist, and its name carries the token: the error echoes it
    out = tmp_path / f"missing-{token}" / "daily.csv"
    log = tmp_path / "ops.log"
    done = _run(
        "export", "daily", "--db", str(demo_store_file), "-o", str(out),
        cwd=tmp_path, INSIGHTS_ACCESS_TOKEN=token, INSIGHTS_LOG=str(log),
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "export failed unexpectedly" in lines[0], done.stderr
    assert "FileNotFoundError" in lines[0] and str(log) in lines[0]
    assert token not in done.stderr and token[:12] not in done.stderr
    logged = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged and "write_bytes" in logged
    assert token not in logged and "***" in logged


def test_the_app_says_a_bad_setting_in_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setenv("INSIGHTS_DB", str(tmp_path / "s.duckdb"))
    monkeypatch.setenv("INSIGHTS_LOOKBACK_DAYS", "abc")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "INSIGHTS_LOOKBACK_DAYS is 'abc', which is not a whole number: set it to another "
        "value or unset it (default: 28)."
    ]
    assert not at.metric  # no page ran
    assert not (tmp_path / "s.duckdb").exists()
