"""Shared fixtures: the raw demo files read independently, and a store ingested over HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from insights.demo import dataset as demo_data
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store

SAMPLE = Path(str(demo_data.SAMPLE_DIR))  # the bundled files, where the package has them


def read_raw(name: str) -> pd.DataFrame:
    """A demo file read with plain pandas, every column as text (money stays exact)."""
    return pd.read_csv(SAMPLE / name, dtype=str, keep_default_na=False)


def served_ads(ads: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """The demo file's ad rows as the Marketing API reports them: the `purchases` column holds
    each campaign's conversions, and a lead generation campaign's conversions are leads
    (Meta reports them under `lead`, with no purchase and no purchase value)."""
    leads = set(campaigns.loc[campaigns["objective"] == "OUTCOME_LEADS", "campaign_id"])
    is_lead = ads["campaign_id"].isin(leads)
    out = ads.copy()
    out["leads"] = out["purchases"].where(is_lead, "0")
    out.loc[is_lead, "purchases"] = "0"
    out.loc[is_lead, "purchase_value"] = "0.00"
    return out


@pytest.fixture(scope="session")
def raw() -> dict[str, pd.DataFrame]:
    """The demo files read with plain pandas; ad rows as the API reports them (served_ads)."""
    campaigns = read_raw("ad_campaigns.csv")
    return {
        "ig_accounts": read_raw("ig_accounts.csv"),
        "ig_media": read_raw("ig_media.csv.gz"),
        "ig_account_daily": read_raw("ig_account_daily.csv.gz"),
        "ad_campaigns": campaigns,
        "ad_insights_daily": served_ads(read_raw("ad_insights_daily.csv.gz"), campaigns),
        "ad_accounts": read_raw("ad_accounts.csv"),
    }


def campaigns_in(raw: dict[str, pd.DataFrame], currency: str) -> tuple[str, ...]:
    """The demo campaigns whose ad account spends in `currency` (read from the raw files)."""
    accounts = raw["ad_accounts"]
    ids = set(accounts.loc[accounts["currency"] == currency, "ad_account_id"])
    campaigns = raw["ad_campaigns"]
    return tuple(sorted(campaigns.loc[campaigns["ad_account_id"].isin(ids), "campaign_id"]))


def currency_of(raw: dict[str, pd.DataFrame]) -> dict[str, str]:
    """campaign id -> the currency of its ad account, from the raw files."""
    table = raw["ad_accounts"]
    accounts = dict(zip(table["ad_account_id"], table["currency"], strict=True))
    campaigns = raw["ad_campaigns"]
    pairs = zip(campaigns["campaign_id"], campaigns["ad_account_id"], strict=True)
    return {c: accounts[a] for c, a in pairs}


@pytest.fixture(scope="session")
def demo_range(raw) -> tuple[date, date]:
    days = pd.concat([raw["ad_insights_daily"]["date"], raw["ig_account_daily"]["date"]])
    return date.fromisoformat(days.min()), date.fromisoformat(days.max())


@pytest.fixture(scope="session")
def undelivered_link(raw, demo_range) -> dict[str, str]:
    """URL filters of a view inside the data where no campaign delivered: a campaign picked for
    the days before its first delivery."""
    first_days = raw["ad_insights_daily"].groupby("campaign_id")["date"].min()
    late = first_days[first_days > (demo_range[0] + timedelta(days=1)).isoformat()]
    first = date.fromisoformat(late.iloc[0])
    return {
        "range": "custom",
        "since": demo_range[0].isoformat(),
        "until": (first - timedelta(days=1)).isoformat(),
        "campaigns": str(late.index[0]),
    }


@pytest.fixture(scope="session")
def postless_link(raw, demo_range) -> dict[str, str]:
    """URL filters of a day inside the data on which no post was published."""
    posted = set(raw["ig_media"]["timestamp"].str[:10])
    days = pd.date_range(demo_range[0], demo_range[1]).strftime("%Y-%m-%d")
    quiet = next(day for day in days if day not in posted)
    return {"range": "custom", "since": quiet, "until": quiet}


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory, demo_range) -> Path:
    """A store filled once per test session by a real ingest from the demo API over HTTP."""
    path = tmp_path_factory.mktemp("demo") / "insights.duckdb"
    with Store(path) as store:
        run_ingest(
            store,
            Settings(db_path=path, source="demo"),
            options=IngestOptions(demo_range[0], demo_range[1]),
        )
    return path


@pytest.fixture
def demo_store_copy(demo_store_file, tmp_path) -> Path:
    """A private copy of the ingested store, for tests that open or change it."""
    target = tmp_path / "insights.duckdb"
    shutil.copy(demo_store_file, target)
    return target


class _KeptMediaStorage(MemoryMediaFileStorage):
    """The in-memory file store AppTest gives each run, kept so a test can read a download."""

    made: list[MemoryMediaFileStorage] = []

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        _KeptMediaStorage.made.append(self)


class _KeptMediaManager(MediaFileManager):
    """AppTest's media file manager, kept so a test can click a deferred download (one whose
    file is written by a callable when the user clicks)."""

    made: list[MediaFileManager] = []

    def __init__(self, storage: Any) -> None:
        super().__init__(storage)
        _KeptMediaManager.made.append(self)


@pytest.fixture
def downloads(monkeypatch) -> Callable[[Any], bytes]:
    """Read the bytes an AppTest download button would send to the browser (for a deferred
    one: what its callable writes when clicked)."""
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _KeptMediaStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", _KeptMediaManager)
    _KeptMediaStorage.made.clear()
    _KeptMediaManager.made.clear()

    def read(button: Any) -> bytes:
        url = button.proto.url
        if button.proto.HasField("deferred_file_id"):
            for manager in reversed(_KeptMediaManager.made):
                try:
                    url = manager.execute_deferred(button.proto.deferred_file_id)
                    break
                except MediaFileStorageError:
                    continue
            else:
                raise AssertionError(f"no callable behind the download button {button.label!r}")
        name = url.rsplit("/", 1)[-1]
        for storage in reversed(_KeptMediaStorage.made):
            try:
                return bytes(storage.get_file(name).content)
            except MediaFileStorageError:
                continue
        raise AssertionError(f"no file behind the download button {button.label!r}")

    return read


@pytest.fixture
def app_env(monkeypatch, demo_store_copy):
    """The app's settings pointing at a copy of the demo store (for AppTest)."""
    monkeypatch.setenv("INSIGHTS_DB", str(demo_store_copy))
    monkeypatch.setenv("INSIGHTS_SOURCE", "demo")
    return demo_store_copy
