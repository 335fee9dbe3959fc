"""Reading an export file as a stream of data-model rows: encoding (UTF-8, UTF-8 with a BOM,
UTF-16 as Excel writes it), delimiter (comma, semicolon, tab), decimal commas and thousands
separators are recognised, totals rows are skipped, and every value is checked; the first bad
value raises ImportFileError naming the file, the line and the column.

Refused, with the line named: a line with fewer fields than the header (cut short) or with
values beyond it, two columns of the same name, a negative figure, a figure too large to be
real (counts from 10^15, amounts from 10^13: far above any account, and many rows of them still
add up within the store's columns), a day after today anywhere on Earth (UTC+14: the file says
nothing of the account's time zone) or before Meta's history (ads before Facebook Ads launched
on 6 Nov 2007, posts before Instagram launched on 6 Oct 2010), and a first or last row without
a campaign whose figures are not the totals of the other rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from insights.csv_import import ad_level
from insights.csv_import.ad_level import derived_id as _derived_id
from insights.csv_import.cells import (
    FIRST_AD_DAY,
    FIRST_POST_DAY,
    Numbers,
    OutOfRange,
    check_day,
    decimal_comma,
    delimiter_of,
    parse_day,
    parse_time,
    text_stream,
)
from insights.csv_import.formats import (
    COLUMN_LABEL,
    FIELDS,
    REQUIRED,
    detect_kind,
    match_columns,
    normalise_header,
    result_type_of,
)
from insights.errors import ImportFileError, ImportNeedsInputError

BATCH_ROWS = 20_000
IMPORTED_ACCOUNT = "imported"
# the figures a totals row must equal the sum of (where it holds them)
TOTAL_FIGURES = ("spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value")
_TOTALS = re.compile(r"^(totals?|results? from \d+ .*|all campaigns)$", re.IGNORECASE)
_POST_TYPES = (  # (words in the export's post type, media_type, media_product_type)
    ("reel", "VIDEO", "REELS"),
    ("carousel", "CAROUSEL_ALBUM", "FEED"),
    ("story", "IMAGE", "STORY"),
    ("video", "VIDEO", "FEED"),
    ("image", "IMAGE", "FEED"),
    ("photo", "IMAGE", "FEED"),
)
_GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}


@dataclass
class ReadState:
    """What reading a file found, filled in as its batches are read: the format, the currency
    its headers name, the rows read and the totals rows skipped."""

    kind: str
    currency: str | None
    rows_read: int = 0
    skipped_totals: int = 0
    notes: tuple[str, ...] = ()  # what the file lacks and what follows (`lacking`)
    level: str | None = None  # an Ads Manager export by "ad" or "adset" (ad_level.level_of)


# Columns a file may lack and still be imported, and what follows for the figures: said by the
# import, kept with it (imports.notes) and shown on the Data page.
LACKING: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "instagram-posts": (
        (("reach",), "No Reach column: engagement rate cannot be computed for these posts."),
        (("post_type",), "No post type column: the format of these posts is not known."),
    ),
    "ads-manager": (
        (
            ("age", "gender"),
            "No Age or Gender column: these rows count as unknown in the age x gender breakdown.",
        ),
    ),
}


def lacking(kind: str, columns: dict[str, int], account: str | None) -> tuple[str, ...]:
    """The sentences that say what a file of `kind` with `columns` lacks and what follows."""
    notes = [text for group, text in LACKING[kind] if not all(f in columns for f in group)]
    if kind == "ads-manager":
        notes.extend(ad_level.notes(columns))
    if kind == "instagram-posts" and "account_id" not in columns and account is None:
        notes.append(
            f"No Account column: the posts are filed under the account '{IMPORTED_ACCOUNT}'."
        )
    return tuple(notes)


def read_batches(
    path: Path,
    kind: str = "auto",
    *,
    on_day: date | None = None,
    account: str | None = None,
    out: ReadState | None = None,
    file_name: str | None = None,
    ask_account: bool = False,
) -> Iterator[list[dict[str, Any]]]:
    """The file's rows as data-model rows, in batches, checking every value on the way.
    Raises ImportFileError naming the file (`file_name`, for an upload saved under another
    name), line and column at the first bad value. With `ask_account`, a post export that
    names no account and is given none is refused (ImportNeedsInputError) rather than filed
    under 'imported'."""
    name = file_name or path.name
    with open(path, "rb") as raw:
        text = text_stream(raw)
        try:
            first = text.readline()
            if not first.strip():
                raise ImportFileError(f"{name} is empty: there is no header line.")
            delimiter = delimiter_of(first)
            reader = csv.reader(_chain(first, text), delimiter=delimiter)
            header = next(reader)
            _unique_header(name, header)
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
            if (
                ask_account
                and chosen == "instagram-posts"
                and "account_id" not in columns
                and not account
            ):
                raise ImportNeedsInputError(name, "account")
            state = out if out is not None else ReadState(chosen, currency)
            state.kind, state.currency = chosen, currency
            state.notes = lacking(chosen, columns, account)
            state.level = ad_level.level_of(columns) if chosen == "ads-manager" else None
            sample: list[list[str]] = []
            buffered: list[tuple[int, list[str]]] = []
            for row in reader:
                buffered.append((reader.line_num, row))
                sample.append(row)
                if len(sample) >= 200:
                    break
            numbers = Numbers(decimal_comma(delimiter, sample))
            convert = _converter(chosen, columns, header, numbers, name, on_day, account)
            batch: list[dict[str, Any]] = []
            pending: list[tuple[int, list[str]]] = []

            def rows() -> Iterator[tuple[int, list[str]]]:
                yield from buffered
                for row in reader:
                    yield reader.line_num, row

            totals = _Totals(name)
            seen_data = False
            for line, row in rows():
                if not any(cell.strip() for cell in row):
                    continue
                _check_width(name, line, row, header)
                pending.append((line, row))
                if len(pending) < 2:
                    continue
                line, row = pending.pop(0)
                converted = convert(line, row, first=not seen_data, last=False)
                seen_data = True
                totals.keep(converted, state, batch)
                if len(batch) >= BATCH_ROWS:
                    yield batch
                    batch = []
            for line, row in pending:
                converted = convert(line, row, first=not seen_data, last=True)
                totals.keep(converted, state, batch)
            totals.check()
            if batch:
                yield batch
            if state.rows_read == 0:
                raise ImportFileError(f"{name} has a header but no data rows.")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{name} is not UTF-8 or UTF-16 text ({_bad_byte(path)}). Export it again as "
                "'CSV UTF-8', or save it from Excel as 'CSV UTF-8 (comma delimited)'."
            ) from None
        except csv.Error as exc:
            raise ImportFileError(f"{name}: not a readable CSV file ({exc}).") from None


def _chain(first: str, rest: io.TextIOBase) -> Iterator[str]:
    yield first
    yield from rest


def _bad_byte(path: Path) -> str:
    """Where the first byte that is not UTF-8 is: its line and its place in that line."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return f"line {number}, byte {exc.start + 1} of the line: {line[exc.start]:#04x}"
    return "a byte that is not valid text"


def _unique_header(name: str, header: Sequence[str]) -> None:
    """Two columns of one name: which one holds the figures cannot be known."""
    seen: dict[str, int] = {}
    for index, label in enumerate(header):
        key = normalise_header(label)
        if key and key in seen:
            raise ImportFileError(
                f"{name}, line 1: columns {seen[key] + 1} and {index + 1} are both named "
                f"{label.strip()!r}; keep one of them and import again. Nothing was imported."
            )
        seen.setdefault(key, index)


def _check_width(name: str, line: int, row: list[str], header: Sequence[str]) -> None:
    """A line with fewer fields than the header was cut short (or holds a quote that is never
    closed); values beyond the header's columns belong to no column."""
    if len(row) < len(header):
        text = "\n".join(row).replace("\r\n", "\n").replace("\r", "\n")
        breaks = text.rstrip("\n").count("\n") - (len(row) - 1)  # the line ends read inside
        if breaks:  # the row runs over several lines: a quote opened on its first line
            raise ImportFileError(
                f"{name}, line {line - breaks}: a quoted value is never closed (the '\"' that "
                f"opens it has no closing '\"'), so lines {line - breaks} to {line} were read "
                "as one row. Nothing was imported."
            )
        raise ImportFileError(
            f"{name}, line {line}: {len(row)} fields where the header has {len(header)} "
            f"(the line ends in {row[-1][-40:]!r}: cut short?). Nothing was imported."
        )
    if any(cell.strip() for cell in row[len(header) :]):
        raise ImportFileError(
            f"{name}, line {line}: {len(row)} fields where the header has {len(header)}; "
            "the values beyond the last column belong to no column. Nothing was imported."
        )


class _Totals:
    """Counts the rows kept and checks the rows taken for totals rows (a first or last row
    without a campaign): each must hold the sums of the other rows, or it is an error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sums: dict[str, Decimal] = dict.fromkeys(TOTAL_FIGURES, Decimal(0))
        self.rows = 0
        self.candidates: list[dict[str, Any]] = []

    def keep(
        self, converted: dict[str, Any] | None, state: ReadState, batch: list[dict[str, Any]]
    ) -> None:
        if converted is None:
            state.skipped_totals += 1
        elif "totals_line" in converted:
            self.candidates.append(converted)
            state.skipped_totals += 1
        else:
            state.rows_read += 1
            self.rows += 1
            for figure in TOTAL_FIGURES:
                self.sums[figure] += converted.get(figure) or 0
            batch.append(converted)

    def check(self) -> None:
        for candidate in self.candidates:
            for figure, label in candidate["labels"].items():
                shown = candidate[figure]
                if shown is None:
                    continue
                if shown != self.sums[figure]:
                    raise ImportFileError(
                        f"{self.name}, line {candidate['totals_line']}: the campaign is empty, "
                        f"and its '{label}' ({shown}) is not the total of the other rows "
                        f"({self.sums[figure]}), so it is not a totals row. Fill in the "
                        "campaign or remove the line. Nothing was imported."
                    )


def _converter(
    kind: str,
    columns: dict[str, int],
    header: Sequence[str],
    numbers: Numbers,
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
                return check_day(parse_day(text), FIRST_AD_DAY, "Facebook Ads existed")
            if spec.kind == "time":
                posted = parse_time(text)
                check_day(posted.date(), FIRST_POST_DAY, "Instagram existed")
                return posted
        except OutOfRange as exc:
            raise ImportFileError(
                f"{name}, line {line}, column '{header[index].strip()}': {text[:40]!r} {exc}. "
                "Nothing was imported."
            ) from None
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
        level_of_row = ad_level.reader(columns, header, name)

        def ads(line: int, row: list[str], *, first: bool, last: bool) -> dict[str, Any] | None:
            get = lambda f: value(line, row, f)  # noqa: E731
            label = get("campaign_name") or get("campaign_id")
            if label is None or _TOTALS.match(str(label)):
                if first or last:  # the totals row Ads Manager adds, if its figures say so
                    return _totals_row(line, get, columns, header)
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
                    raise ImportNeedsInputError(name, "day", line)
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
                **level_of_row(line, get, account_id, str(campaign_id)),
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


def _totals_row(
    line: int, get: Callable[[str], Any], columns: dict[str, int], header: Sequence[str]
) -> dict[str, Any]:
    """A first or last row without a campaign, kept aside until the other rows are summed."""
    fields = {figure: figure for figure in TOTAL_FIGURES}
    fields["conversions"] = "purchases"
    labels = {f: header[columns[c]].strip() for f, c in fields.items() if c in columns}
    return {"totals_line": line, "labels": labels, **{f: get(c) for f, c in fields.items()}}


def _post_type(text: Any) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    lower = str(text).lower()
    for word, media_type, product_type in _POST_TYPES:
        if word in lower:
            return media_type, product_type
    return str(text).upper(), None
