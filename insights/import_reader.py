"""Reading an export file as a stream of data-model rows: encoding (UTF-8, UTF-8 with a BOM,
UTF-16 as Excel writes it), delimiter (comma, semicolon, tab), decimal commas and thousands
separators are recognised, totals rows are skipped, and every value is checked; the first bad
value raises ImportFileError naming the file, the line and the column."""

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

from insights.errors import ImportFileError
from insights.import_formats import (
    COLUMN_LABEL,
    FIELDS,
    REQUIRED,
    detect_kind,
    match_columns,
    result_type_of,
)

BATCH_ROWS = 20_000
IMPORTED_ACCOUNT = "imported"
CENT = Decimal("0.01")
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
class ReadState:
    """What reading a file found, filled in as its batches are read: the format, the currency
    its headers name, the rows read and the totals rows skipped."""

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
    out: ReadState | None = None,
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
            state = out if out is not None else ReadState(chosen, currency)
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


def _keep(converted: dict[str, Any] | None, state: ReadState, batch: list[dict[str, Any]]) -> None:
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
            result_type = result_type_of(get("result_indicator"))
            results = get("results") if result_type is not None else None
            if purchases is None and result_type == "purchase":
                purchases = results
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
                "results": results,
                "result_type": result_type,
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
