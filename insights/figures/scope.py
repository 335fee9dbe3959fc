"""Whose figures a view shows: the Instagram accounts and the ad accounts in it, with the
currency of each (what a report must say before its numbers). Nothing here imports Streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from insights.figures import money
from insights.figures.filters import Filters
from insights.store import queries


@dataclass(frozen=True)
class Scope:
    instagram: list[str]  # '@handle' of each Instagram account in the view
    ad_accounts: list[tuple[str, str | None]]  # (name, currency) of each ad account with delivery
    currencies: list[str | None]  # the currencies of the view's money, in order


def view_scope(cur: duckdb.DuckDBPyConnection, filters: Filters, table: pd.DataFrame) -> Scope:
    """The scope of the view under `filters`, whose campaign table is `table`."""
    accounts = queries.run(cur, "account_options")
    if filters.account_ids:
        accounts = accounts[accounts["account_id"].isin(filters.account_ids)]
    ad_accounts = queries.run(cur, "report_ad_accounts", listed=list(table["campaign_id"]))
    return Scope(
        list(accounts["label"]),
        [
            (str(row.name), None if pd.isna(row.currency) else str(row.currency))
            for row in ad_accounts.itertuples()
        ],
        money.currencies(table),
    )
