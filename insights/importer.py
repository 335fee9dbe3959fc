"""CSV import of Meta Ads Manager and Instagram post exports, for accounts without an API token.

One declared table (`FIELDS`) maps the columns of each export format to the data model; a
header is matched by pattern (case, spacing, the currency in "Amount spent (EUR)", column order
and extra columns do not matter). A file is read as a stream: encoding (UTF-8, UTF-8 with a
BOM, UTF-16 as Excel writes it), delimiter (comma, semicolon, tab), decimal commas and
thousands separators are recognised, totals rows are skipped, and every value is checked. The
first bad value stops the import with one message naming the file, the line and the column, and
nothing is written: a file is written in one transaction or not at all.

Overlaps: the API wins. An imported row whose key (campaign, day, age, gender; or post id;
or campaign id) the API already wrote is skipped, and a row the API writes later replaces the
imported one. Between imports the newer file wins. Importing the same file again replaces its
own rows, so nothing doubles. Every import can be removed again (`remove_import`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from insights.api_rows import AD_INSIGHTS_SCHEMA, IG_MEDIA_SCHEMA
from insights.errors import InsightsError
from insights.store import Store

KINDS = ("ads-manager", "instagram-posts")
BATCH_ROWS = 20_000
IMPORTED_ACCOUNT = "imported"
CENT = Decimal("0.01")


class ImportFileError(InsightsError):
    """A file cannot be imported; nothing was written."""


@dataclass(frozen=True)
class Field:
    """One column of the data model and the headers that carry it in an export."""

    name: str
    kind: str  # text | int | money | day | time
    headers: tuple[str, ...]  # regular expressions over the normalised header, full match


FIELDS: dict[str, tuple[Field, ...]] = {
    "ads-manager": (
        Field("campaign_name", "text", ("campaign name", "campaign")),
        Field("campaign_id", "text", ("campaign id", "xyz_campaign_id")),
        Field("account_id", "text", ("account id", "ad account id")),
        Field("day", "day", ("day", "date")),
        Field("reporting_starts", "day", ("reporting starts",)),
        Field("reporting_ends", "day", ("reporting ends",)),
        Field("age", "text", ("age",)),
        Field("gender", "text", ("gender",)),
        Field(
            "spend", "money", (r"amount spent \((?P<currency>[a-z]{3})\)", "amount spent", "spent")
        ),
        Field("impressions", "int", ("impressions",)),
        Field("reach", "int", ("reach",)),
        Field("clicks", "int", (r"clicks \(all\)", "clicks")),
        Field("link_clicks", "int", ("link clicks",)),
        Field("purchases", "int", ("purchases", "website purchases", "approved_conversion")),
        Field("results", "int", ("results",)),
        Field("result_indicator", "text", ("result indicator",)),
        Field(
            "conversion_value",
            "money",
            ("purchases conversion value", "website purchases conversion value"),
        ),
    ),
    "instagram-posts": (
        Field("media_id", "text", ("post id", "media id", "id")),
        Field("account_id", "text", ("account id", "account username", "account")),
        Field("posted_at", "time", ("publish time", "published", "date", "timestamp")),
        Field("post_type", "text", ("post type", "media type", "type")),
        Field("permalink", "text", ("permalink", "link")),
        Field("caption", "text", ("description", "caption")),
        Field("hashtags", "text", ("hashtags",)),
        Field("reach", "int", ("reach", "accounts reached")),
        Field("views", "int", ("views", "impressions", "plays")),
        Field("like_count", "int", ("likes",)),
        Field("comments_count", "int", ("comments",)),
        Field("saved", "int", ("saves", "saved")),
        Field("shares", "int", ("shares",)),
    ),
}
# what a file must have to be read as each kind (one name of each tuple)
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "ads-manager": (("campaign_name", "campaign_id"), ("spend",), ("impressions",)),
    "instagram-posts": (("posted_at",), ("like_count", "comments_count", "reach", "views")),
}
COLUMN_LABEL = {
    "campaign_name": "Campaign name",
    "spend": "Amount spent",
    "impressions": "Impressions",
    "posted_at": "Publish time",
    "like_count": "Likes",
}
_TOTALS = re.compile(r"^(totals?|results? from \d+ .*|all campaigns)$", re.IGNORECASE)
_CURRENCY = re.compile(r"[$€£¥]|\b[A-Z]{3}\b")
_POST_TYPES = (  # (words in the export's post type, media_type, media_product_type)
    ("reel", "VIDEO", "REELS"),
    ("carousel", "CAROUSEL_ALBUM", "FEED"),
    ("story", "IMAGE", "STORY"),
    ("video", "VIDEO", "FEED"),
    ("image", "IMAGE", "FEED"),
    ("photo", "IMAGE", "FEED"),
)
_GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d",
)


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


def normalise_header(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").replace("\xa0", " ").strip().lower().split())


def match_columns(kind: str, header: Sequence[str]) -> tuple[dict[str, int], str | None]:
    """Column index of each field found in `header` (first pattern that matches wins, so the
    most specific header is listed first), and the currency named in a header, if any."""
    found: dict[str, int] = {}
    currency = None
    normal = [normalise_header(h) for h in header]
    for spec in FIELDS[kind]:
        for pattern in spec.headers:
            hits = [(i, re.fullmatch(pattern, h)) for i, h in enumerate(normal)]
            hit = next(((i, m) for i, m in hits if m and i not in found.values()), None)
            if hit:
                found[spec.name] = hit[0]
                if "currency" in hit[1].groupdict():
                    currency = hit[1].group("currency").upper()
                break
    return found, currency


def detect_kind(header: Sequence[str]) -> str | None:
    for kind in KINDS:
        found, _ = match_columns(kind, header)
        if all(any(name in found for name in group) for group in REQUIRED[kind]):
            return kind
    return None


# -- reading -----------------------------------------------------------------------------------


def _text_stream(raw: BinaryIO) -> io.TextIOBase:
    head = raw.read(4)
    raw.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(head) >= 2 and (head[1:2] == b"\x00" or head[0:1] == b"\x00"):
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    else:
        encoding = "utf-8"
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class _Numbers:
    """How this file writes numbers: decided once from the delimiter and the first values."""

    decimal_comma: bool

    def clean(self, text: str) -> str:
        text = _CURRENCY.sub("", text.replace("\xa0", "").replace(" ", "").replace("'", ""))
        if self.decimal_comma:
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")

    def integer(self, text: str) -> int:
        number = Decimal(self.clean(text))
        if number != number.to_integral_value() or not number.is_finite():
            raise InvalidOperation
        return int(number)

    def money(self, text: str) -> Decimal:
        number = Decimal(self.clean(text))
        if not number.is_finite():
            raise InvalidOperation
        return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal_comma(delimiter: str, sample_rows: list[list[str]]) -> bool:
    """A file uses decimal commas if a value looks like 12,5 / 1.234,56 (or, when nothing
    says otherwise, if it is semicolon-separated, as European Excel writes it)."""
    comma = re.compile(r"^-?[\d.]*\d,\d{1,2}$|^-?\d{1,3}(\.\d{3})+(,\d+)?$")
    dot = re.compile(r"^-?[\d,]*\d\.\d{1,2}$|^-?\d{1,3}(,\d{3})+(\.\d+)?$")
    votes = {True: 0, False: 0}
    for row in sample_rows:
        for cell in row:
            cell = cell.strip()
            if comma.match(cell) and not dot.match(cell):
                votes[True] += 1
            elif dot.match(cell) and not comma.match(cell):
                votes[False] += 1
    if votes[True] != votes[False]:
        return votes[True] > votes[False]
    return delimiter == ";"


def _parse_day(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _parse_time(text: str) -> datetime:
    text = text.strip().replace("+0000", "+00:00")
    for fmt in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    raise ValueError


@dataclass
class _Parsed:
    kind: str
    currency: str | None
    rows_read: int = 0
    skipped_totals: int = 0


def read_batches(
    path: Path,
    kind: str = "auto",
    *,
    on_day: date | None = None,
    account: str | None = None,
    out: _Parsed | None = None,
    file_name: str | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """The file's rows as data-model rows, in batches, checking every value on the way.
    Raises ImportFileError naming the file (`file_name`, for an upload saved under another
    name), line and column at the first bad value."""
    name = file_name or path.name
    with open(path, "rb") as raw:
        text = _text_stream(raw)
        try:
            first = text.readline()
            if not first.strip():
                raise ImportFileError(f"{name} is empty: there is no header line.")
            delimiter = _delimiter(first)
            reader = csv.reader(_chain(first, text), delimiter=delimiter)
            header = next(reader)
            chosen = detect_kind(header) if kind == "auto" else kind
            if chosen is None:
                raise ImportFileError(
                    f"{name}: the columns are not those of an Ads Manager export (Campaign "
                    "name, Amount spent, Impressions, ...) nor of an Instagram post export "
                    "(Publish time, Likes, Comments, ...)."
                )
            columns, currency = match_columns(chosen, header)
            for group in REQUIRED[chosen]:
                if not any(n in columns for n in group):
                    label = COLUMN_LABEL.get(group[0], group[0])
                    raise ImportFileError(
                        f"{name}: the required column '{label}' is missing (line 1)."
                    )
            state = out if out is not None else _Parsed(chosen, currency)
            state.kind, state.currency = chosen, currency
            sample: list[list[str]] = []
            buffered: list[tuple[int, list[str]]] = []
            for row in reader:
                buffered.append((reader.line_num, row))
                sample.append(row)
                if len(sample) >= 200:
                    break
            numbers = _Numbers(_decimal_comma(delimiter, sample))
            convert = _converter(chosen, columns, header, numbers, name, on_day, account)
            batch: list[dict[str, Any]] = []
            pending: list[tuple[int, list[str]]] = []

            def rows() -> Iterator[tuple[int, list[str]]]:
                yield from buffered
                for row in reader:
                    yield reader.line_num, row

            for line, row in rows():
                if not any(cell.strip() for cell in row):
                    continue
                pending.append((line, row))
                if len(pending) < 2:
                    continue
                converted = convert(*pending.pop(0), first=state.rows_read == 0, last=False)
                _keep(converted, state, batch)
                if len(batch) >= BATCH_ROWS:
                    yield batch
                    batch = []
            for line, row in pending:
                converted = convert(line, row, first=state.rows_read == 0, last=True)
                _keep(converted, state, batch)
            if batch:
                yield batch
            if state.rows_read == 0:
                raise ImportFileError(f"{name} has a header but no data rows.")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"{name} is not UTF-8 or UTF-16 text (byte {exc.start} of a line). Export it "
                "again as 'CSV UTF-8', or save it from Excel as 'CSV UTF-8 (comma delimited)'."
            ) from None
        except csv.Error as exc:
            raise ImportFileError(f"{name}: not a readable CSV file ({exc}).") from None


def _chain(first: str, rest: io.TextIOBase) -> Iterator[str]:
    yield first
    yield from rest


def _keep(converted: dict[str, Any] | None, state: _Parsed, batch: list[dict[str, Any]]) -> None:
    if converted is None:
        state.skipped_totals += 1
        return
    state.rows_read += 1
    batch.append(converted)


def _converter(
    kind: str,
    columns: dict[str, int],
    header: Sequence[str],
    numbers: _Numbers,
    name: str,
    on_day: date | None,
    account: str | None,
) -> Callable[..., dict[str, Any] | None]:
    specs = {spec.name: spec for spec in FIELDS[kind]}

    def value(line: int, row: list[str], field_name: str) -> Any:
        index = columns.get(field_name)
        if index is None:
            return None
        text = row[index].strip() if index < len(row) else ""
        if text in ("", "-", "--"):
            return None
        spec = specs[field_name]
        try:
            if spec.kind == "int":
                return numbers.integer(text)
            if spec.kind == "money":
                return numbers.money(text)
            if spec.kind == "day":
                return _parse_day(text)
            if spec.kind == "time":
                return _parse_time(text)
        except (InvalidOperation, ValueError):
            expected = {
                "int": "a whole number",
                "money": "an amount",
                "day": "a date like 2025-05-31",
                "time": "a time like 2025-05-31 18:30",
            }[spec.kind]
            raise ImportFileError(
                f"{name}, line {line}, column '{header[index].strip()}': {text[:40]!r} is "
                f"not {expected}. Nothing was imported."
            ) from None
        return text

    if kind == "ads-manager":

        def ads(line: int, row: list[str], *, first: bool, last: bool) -> dict[str, Any] | None:
            get = lambda f: value(line, row, f)  # noqa: E731
            label = get("campaign_name") or get("campaign_id")
            if label is None or _TOTALS.match(str(label)):
                if first or last:
                    return None  # the totals row Ads Manager adds
                column = header[columns.get("campaign_name", columns.get("campaign_id", 0))]
                raise ImportFileError(
                    f"{name}, line {line}, column '{column.strip()}': the campaign is empty. "
                    "Nothing was imported."
                )
            day = get("day")
            if day is None:
                starts, ends = get("reporting_starts"), get("reporting_ends")
                if starts is not None and starts == ends:
                    day = starts
                elif on_day is not None:
                    day = on_day
                else:
                    raise ImportFileError(
                        f"{name}, line {line}: the row has no single day (export with the "
                        "breakdown By time > Day, or give the day the figures belong to with "
                        "--date). Nothing was imported."
                    )
            account_id = str(get("account_id") or account or IMPORTED_ACCOUNT)
            campaign_name = str(get("campaign_name") or f"Campaign {get('campaign_id')}")
            campaign_id = get("campaign_id") or _derived_id(account_id, campaign_name)
            gender = str(get("gender") or "unknown")
            purchases = get("purchases")
            if purchases is None and "purchase" in str(get("result_indicator") or "").lower():
                purchases = get("results")
            clicks = get("clicks") or 0
            link_clicks = get("link_clicks")
            return {
                "ad_account_id": account_id.removeprefix("act_"),
                "campaign_id": str(campaign_id),
                "campaign_name": campaign_name,
                "date": day,
                "age": str(get("age") or "unknown"),
                "gender": _GENDERS.get(gender.lower(), gender.lower()),
                "spend": get("spend") or Decimal("0.00"),
                "impressions": get("impressions") or 0,
                "reach": get("reach"),
                "clicks": clicks,
                "link_clicks": clicks if link_clicks is None else link_clicks,
                "conversions": purchases or 0,
                "conversion_value": get("conversion_value") or Decimal("0.00"),
            }

        return ads

    def posts(line: int, row: list[str], *, first: bool, last: bool) -> dict[str, Any] | None:
        get = lambda f: value(line, row, f)  # noqa: E731
        posted_at = get("posted_at")
        if posted_at is None:
            if first or last:
                return None
            column = header[columns["posted_at"]]
            raise ImportFileError(
                f"{name}, line {line}, column '{column.strip()}': the publish time is empty. "
                "Nothing was imported."
            )
        account_id = str(get("account_id") or account or IMPORTED_ACCOUNT)
        caption = " ".join(
            str(part).replace("\xa0", " ") for part in (get("caption"), get("hashtags")) if part
        )
        media_type, product_type = _post_type(get("post_type"))
        counts = [get(f) for f in ("like_count", "comments_count", "saved", "shares")]
        media_id = get("media_id") or _derived_id(account_id, posted_at.isoformat(), caption)
        return {
            "media_id": str(media_id),
            "account_id": account_id,
            "posted_at": posted_at,
            "media_type": media_type,
            "media_product_type": product_type,
            "caption": caption or None,
            "permalink": get("permalink"),
            "like_count": counts[0],
            "comments_count": counts[1],
            "reach": get("reach"),
            "views": get("views"),
            "saved": counts[2],
            "shares": counts[3],
            "total_interactions": sum(c or 0 for c in counts),
        }

    return posts


def _derived_id(*parts: str) -> str:
    """A stable id for a campaign or post the file names but does not number."""
    return "csv-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _post_type(text: Any) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    lower = str(text).lower()
    for word, media_type, product_type in _POST_TYPES:
        if word in lower:
            return media_type, product_type
    return str(text).upper(), None


# -- writing -----------------------------------------------------------------------------------

# the staging shapes: the data model's columns (as the API ingest writes them), plus the
# campaign's name on ad rows and without the update time on posts
AD_COLUMNS = AD_INSIGHTS_SCHEMA.insert(2, pa.field("campaign_name", pa.string()))
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
) -> ImportResult:
    """Read, check and write one file in one transaction (all or nothing)."""
    path = Path(path)
    if kind != "auto" and kind not in KINDS:
        raise ImportFileError(f"Unknown kind {kind!r}; use one of {', '.join(KINDS)} or auto.")
    if not path.is_file():
        raise ImportFileError(f"There is no file {path}.")
    shown_name = file_name or path.name
    digest = file_sha256(path)
    state = _Parsed(kind, None)
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
            for statement in MERGE_ADS if ads else MERGE_POSTS:
                rows.query("import_batch", statement.format(import_id=import_id))
        table = "ad_insights_daily" if state.kind == "ads-manager" else "ig_media"
        day = "date" if state.kind == "ads-manager" else "timezone('UTC', posted_at)::DATE"
        span = cur.execute(
            f"SELECT count(*), min({day}), max({day}) FROM {table} WHERE import_id = $id",
            {"id": import_id},
        ).fetchone()
        assert span is not None
        written, first_day, last_day = int(span[0]), span[1], span[2]
        if state.kind == "ads-manager" and first_day is not None:
            store.refresh_rollups(cur, first_day, last_day)
        cur.execute(
            "UPDATE imports SET kind = $kind, rows_read = $read, rows_written = $w, "
            "first_day = $f, last_day = $l WHERE import_id = $id",
            {
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
    )


# Rows of one key in a batch are summed (an export by ad or placement has several); a key the
# API wrote is left alone (the API wins); a key this import wrote in an earlier batch adds up;
# a key an older import wrote is replaced (the newer import wins). Reach does not add up: it is
# kept only where one row holds it. The statements read the batch as `import_batch`; `query`
# takes no parameters, so the import's id (an integer the store generated) is written in.
MERGE_ADS = (
    """
INSERT INTO ad_campaigns (campaign_id, ad_account_id, name, updated_at, import_id)
SELECT campaign_id, any_value(ad_account_id), any_value(campaign_name), now(), {import_id}
FROM import_batch GROUP BY campaign_id
ON CONFLICT (campaign_id) DO UPDATE SET
    ad_account_id = EXCLUDED.ad_account_id, name = EXCLUDED.name, import_id = EXCLUDED.import_id
WHERE ad_campaigns.import_id IS NOT NULL
""",
    """
INSERT INTO ad_insights_daily (ad_account_id, campaign_id, date, age, gender, spend,
    impressions, reach, clicks, link_clicks, conversions, conversion_value, import_id)
SELECT any_value(ad_account_id), campaign_id, date, age, gender, sum(spend), sum(impressions),
    CASE WHEN count(*) = 1 THEN any_value(reach) END, sum(clicks), sum(link_clicks),
    sum(conversions), sum(conversion_value), {import_id}
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


def _delete_rows(store: Store, cur: Any, import_id: int) -> None:
    span = cur.execute(
        "SELECT first_day, last_day, kind FROM imports WHERE import_id = $id", {"id": import_id}
    ).fetchone()
    for table in ("ad_insights_daily", "ig_media", "ad_campaigns", "ig_accounts"):
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


def list_imports(store: Store) -> Any:
    with store.cursor() as cur:
        return cur.execute(
            "SELECT import_id, file_name, kind, rows_read, rows_written, first_day, last_day, "
            "imported_at FROM imports ORDER BY import_id DESC"
        ).df()
