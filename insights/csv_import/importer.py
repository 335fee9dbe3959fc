"""CSV import of Meta Ads Manager and Instagram post exports, for accounts without an API token.

The formats are declared in import_formats, a file is read and checked as a stream by
import_reader, and this module writes it: the first bad value stops the import with one message
naming the file, the line and the column, and nothing is written (a first read checks the
whole file); a good file is then written in one transaction, in batches merged as they are read.

An export by ad set or ad keeps its ad sets and ads too (insights.csv_import.ad_level), by the
same rules.

Overlaps: the API wins. An imported row whose key (campaign, day, age, gender; ad, day, age,
gender; ad, day, placement; or post id; or campaign, ad set or ad id) the API already wrote is
skipped, and a row the API writes later replaces the imported one. Between imports the newer
file wins. Importing the same file again replaces its own rows, so nothing doubles. Every
import can be removed again (`remove_import`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from insights.csv_import import ad_level
from insights.csv_import.formats import KINDS
from insights.csv_import.reader import ReadState, read_batches
from insights.errors import ImportFileError, ImportNeedsInputError
from insights.ingest.campaign_rows import AD_INSIGHTS_SCHEMA
from insights.ingest.instagram_rows import IG_MEDIA_SCHEMA
from insights.store.database import Store

__all__ = [
    "ImportFileError",
    "ImportNeedsInputError",
    "ImportResult",
    "import_file",
    "list_imports",
    "remove_import",
]


@dataclass
class ImportResult:
    file_name: str
    kind: str
    import_id: int
    rows_read: int
    rows_written: int
    first_day: date | None
    last_day: date | None
    replaced: bool  # the same file had been imported before; its rows were replaced
    skipped_totals: int = 0
    currency: str | None = None
    notes: tuple[str, ...] = ()  # what the file lacks and what follows, kept with the import
    ads: int = 0  # ads kept (an export by ad or ad set), and their ad sets
    ad_sets: int = 0


# -- writing -----------------------------------------------------------------------------------

# the staging shapes: the data model's columns (as the API ingest writes them), plus the
# campaign's name, its ad set and ad (None on a campaign-level export) on ad rows, and
# without the update time on posts
AD_COLUMNS = pa.schema(
    [
        *AD_INSIGHTS_SCHEMA.insert(2, pa.field("campaign_name", pa.string())),
        pa.field("result_type", pa.string()),
        *(pa.field(key, pa.string()) for key in ad_level.ROW_KEYS),
    ]
)
POST_COLUMNS = IG_MEDIA_SCHEMA.remove(IG_MEDIA_SCHEMA.get_field_index("updated_at"))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    store: Store,
    path: Path | str,
    kind: str = "auto",
    *,
    on_day: date | None = None,
    account: str | None = None,
    file_name: str | None = None,
    ask_account: bool = False,
) -> ImportResult:
    """Read, check and write one file in one transaction (all or nothing). With `ask_account`
    a post export that names no account needs `account` (the upload form asks for it)."""
    path = Path(path)
    if kind != "auto" and kind not in KINDS:
        raise ImportFileError(f"Unknown kind {kind!r}; use one of {', '.join(KINDS)} or auto.")
    if not path.is_file():
        raise ImportFileError(f"There is no file {path}.")
    shown_name = file_name or path.name
    digest = file_sha256(path)
    # the whole file is checked before anything is written: a bad line at the end of a large
    # file then costs one read, not a transaction's worth of rows held in memory to roll back
    for _ in read_batches(
        path,
        kind,
        on_day=on_day,
        account=account,
        file_name=shown_name,
        ask_account=ask_account,
    ):
        pass
    state = ReadState(kind, None)
    with store.transaction() as cur:
        old = cur.execute(
            "SELECT import_id FROM imports WHERE sha256 = $sha", {"sha": digest}
        ).fetchone()
        if old:
            _delete_rows(store, cur, int(old[0]))
        row = cur.execute(
            "INSERT INTO imports (file_name, kind, sha256, rows_read, rows_written, "
            "imported_at) VALUES ($name, $kind, $sha, 0, 0, now()) RETURNING import_id",
            {"name": shown_name, "kind": kind, "sha": digest},
        ).fetchone()
        assert row is not None
        import_id = int(row[0])
        # each batch is merged as it is read; a bad value in a later batch rolls the whole
        # transaction back. The batch is named for one call only (`query`), not registered: a
        # view registered and dropped inside a transaction keeps its Arrow table alive until
        # the commit, so every batch read would stay in memory.
        for batch in read_batches(
            path, kind, on_day=on_day, account=account, out=state, file_name=shown_name
        ):
            ads = state.kind == "ads-manager"
            rows = cur.from_arrow(pa.Table.from_pylist(batch, AD_COLUMNS if ads else POST_COLUMNS))
            statements: tuple[str, ...] = MERGE_ADS if ads else MERGE_POSTS
            if ads and state.level is not None:
                statements = (*statements, *ad_level.MERGE)
            try:
                for statement in statements:
                    rows.query("import_batch", statement.format(import_id=import_id))
            except duckdb.OutOfRangeException as exc:  # each value fits, their sum does not
                raise ImportFileError(
                    f"{shown_name}: the rows of one campaign (or ad), day, age and gender add up "
                    "to more than the store can hold. Nothing was imported."
                ) from exc
        table = "ad_insights_daily" if state.kind == "ads-manager" else "ig_media"
        day = "date" if state.kind == "ads-manager" else "timezone('UTC', posted_at)::DATE"
        span = cur.execute(
            f"SELECT count(*), min({day}), max({day}) FROM {table} WHERE import_id = $id",
            {"id": import_id},
        ).fetchone()
        assert span is not None
        written, first_day, last_day = int(span[0]), span[1], span[2]
        kept = cur.execute(
            "SELECT (SELECT count(*) FROM ads WHERE import_id = $id), "
            "(SELECT count(*) FROM ad_sets WHERE import_id = $id)",
            {"id": import_id},
        ).fetchone()
        assert kept is not None
        if state.kind == "ads-manager" and state.currency:
            _keep_currency(cur, import_id, state.currency)
        if state.kind == "ads-manager" and first_day is not None:
            store.refresh_rollups(cur, first_day, last_day)
        cur.execute(
            "UPDATE imports SET kind = $kind, rows_read = $read, rows_written = $w, "
            "first_day = $f, last_day = $l, notes = $notes WHERE import_id = $id",
            {
                "notes": "\n".join(state.notes) or None,
                "kind": state.kind,
                "read": state.rows_read,
                "w": written,
                "f": first_day,
                "l": last_day,
                "id": import_id,
            },
        )
        _record_run(cur, f"import {shown_name}", written)
    return ImportResult(
        shown_name,
        state.kind,
        import_id,
        state.rows_read,
        written,
        first_day,
        last_day,
        replaced=old is not None,
        skipped_totals=state.skipped_totals,
        currency=state.currency,
        notes=state.notes,
        ads=int(kept[0]),
        ad_sets=int(kept[1]),
    )


# Rows of one key in a batch are summed (an export by ad or placement has several); a key the
# API wrote is left alone (the API wins); a key this import wrote in an earlier batch adds up;
# a key an older import wrote is replaced (the newer import wins). Reach does not add up: it is
# kept only where one row holds it. The statements read the batch as `import_batch`; `query`
# takes no parameters, so the import's id (an integer the store generated) is written in.
MERGE_ADS = (
    """
INSERT INTO ad_campaigns (campaign_id, ad_account_id, name, result_type, updated_at, import_id)
SELECT campaign_id, any_value(ad_account_id), any_value(campaign_name), any_value(result_type),
    now(), {import_id}
FROM import_batch GROUP BY campaign_id
ON CONFLICT (campaign_id) DO UPDATE SET
    ad_account_id = EXCLUDED.ad_account_id, name = EXCLUDED.name,
    result_type = coalesce(EXCLUDED.result_type, ad_campaigns.result_type),
    import_id = EXCLUDED.import_id
WHERE ad_campaigns.import_id IS NOT NULL
""",
    """
INSERT INTO ad_insights_daily (ad_account_id, campaign_id, date, age, gender, spend,
    impressions, reach, clicks, link_clicks, conversions, conversion_value, results, import_id)
SELECT any_value(ad_account_id), campaign_id, date, age, gender, sum(spend), sum(impressions),
    CASE WHEN count(*) = 1 THEN any_value(reach) END, sum(clicks), sum(link_clicks),
    sum(conversions), sum(conversion_value), sum(results), {import_id}
FROM import_batch GROUP BY campaign_id, date, age, gender
ON CONFLICT (campaign_id, date, age, gender) DO UPDATE SET
    ad_account_id = EXCLUDED.ad_account_id,
    spend = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN ad_insights_daily.spend + EXCLUDED.spend ELSE EXCLUDED.spend END,
    impressions = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN ad_insights_daily.impressions + EXCLUDED.impressions ELSE EXCLUDED.impressions END,
    reach = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN NULL ELSE EXCLUDED.reach END,
    clicks = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN ad_insights_daily.clicks + EXCLUDED.clicks ELSE EXCLUDED.clicks END,
    link_clicks = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN ad_insights_daily.link_clicks + EXCLUDED.link_clicks ELSE EXCLUDED.link_clicks END,
    conversions = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN ad_insights_daily.conversions + EXCLUDED.conversions ELSE EXCLUDED.conversions END,
    conversion_value = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN ad_insights_daily.conversion_value + EXCLUDED.conversion_value
        ELSE EXCLUDED.conversion_value END,
    results = CASE WHEN ad_insights_daily.import_id = EXCLUDED.import_id
        THEN ad_insights_daily.results + EXCLUDED.results ELSE EXCLUDED.results END,
    import_id = EXCLUDED.import_id
WHERE ad_insights_daily.import_id IS NOT NULL
""",
)

# A post the API wrote is left alone; otherwise the last row of a post id wins.
MERGE_POSTS = (
    """
INSERT INTO ig_accounts (account_id, username, updated_at, import_id)
SELECT DISTINCT account_id, account_id, now(), {import_id} FROM import_batch
ON CONFLICT (account_id) DO NOTHING
""",
    """
INSERT INTO ig_media (media_id, account_id, posted_at, media_type, media_product_type,
    caption, permalink, like_count, comments_count, reach, views, saved, shares,
    total_interactions, updated_at, import_id, hashtags)
SELECT DISTINCT ON (media_id) *, now(), {import_id}, hashtags_of(caption) FROM import_batch
ON CONFLICT (media_id) DO UPDATE SET account_id = EXCLUDED.account_id,
    posted_at = EXCLUDED.posted_at, media_type = EXCLUDED.media_type,
    media_product_type = EXCLUDED.media_product_type, caption = EXCLUDED.caption,
    permalink = EXCLUDED.permalink, like_count = EXCLUDED.like_count,
    comments_count = EXCLUDED.comments_count, reach = EXCLUDED.reach, views = EXCLUDED.views,
    saved = EXCLUDED.saved, shares = EXCLUDED.shares,
    total_interactions = EXCLUDED.total_interactions, import_id = EXCLUDED.import_id,
    hashtags = EXCLUDED.hashtags
WHERE ig_media.import_id IS NOT NULL
""",
)


def _record_run(cur: Any, source: str, rows: int) -> None:
    """An import or a removal is a change of the data: it is logged with the refreshes, and
    the new run id is the data version that clears cached figures."""
    cur.execute(
        "INSERT INTO ingest_runs (source, started_at, finished_at, status, rows_written) "
        "VALUES ($source, now(), now(), 'succeeded', $rows)",
        {"source": source, "rows": rows},
    )


def _keep_currency(cur: Any, import_id: int, currency: str) -> None:
    """The currency an export names ("Amount spent (EUR)") is its ad accounts' currency: kept
    in ad_accounts for the accounts this import wrote, unless the API described them."""
    cur.execute(
        "INSERT INTO ad_accounts (ad_account_id, currency, updated_at, import_id) "
        "SELECT DISTINCT ad_account_id, $currency, now(), $id FROM ad_insights_daily "
        "WHERE import_id = $id "
        "ON CONFLICT (ad_account_id) DO UPDATE SET currency = EXCLUDED.currency, "
        "import_id = EXCLUDED.import_id WHERE ad_accounts.import_id IS NOT NULL",
        {"currency": currency, "id": import_id},
    )


def _delete_rows(store: Store, cur: Any, import_id: int) -> None:
    span = cur.execute(
        "SELECT first_day, last_day, kind FROM imports WHERE import_id = $id", {"id": import_id}
    ).fetchone()
    for table in (
        *ad_level.TABLES,
        "ad_insights_daily",
        "ig_media",
        "ad_campaigns",
        "ig_accounts",
        "ad_accounts",
    ):
        cur.execute(f"DELETE FROM {table} WHERE import_id = $id", {"id": import_id})
    cur.execute("DELETE FROM imports WHERE import_id = $id", {"id": import_id})
    if span and span[2] == "ads-manager" and span[0] is not None:
        store.refresh_rollups(cur, span[0], span[1])


def remove_import(store: Store, import_id: int) -> int:
    """Remove everything one import wrote (in one transaction). Returns the rows removed."""
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT file_name, rows_written FROM imports WHERE import_id = $id", {"id": import_id}
        ).fetchone()
        if row is None:
            raise ImportFileError(f"There is no import number {import_id}.")
        _delete_rows(store, cur, import_id)
        _record_run(cur, f"removed import {row[0]}", 0)
    return int(row[1])


def known_accounts(store: Store) -> dict[str, str]:
    """The Instagram accounts in the store, id -> how a person knows it ("username (id)")."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT account_id, coalesce(username, account_id) FROM ig_accounts "
            "ORDER BY lower(coalesce(username, account_id)), account_id"
        ).fetchall()
    return {str(i): str(name) if name == i else f"{name} ({i})" for i, name in rows}


def list_imports(store: Store) -> Any:
    with store.cursor() as cur:
        return cur.execute(
            "SELECT import_id, file_name, kind, rows_read, rows_written, first_day, last_day, "
            "imported_at, coalesce(notes, '') AS notes FROM imports ORDER BY import_id DESC"
        ).df()
