"""The ad sets and ads of an Ads Manager export by ad set or ad (issue 18).

An export with `Ad name` / `Ad ID` (and its `Ad set name` / `Ad set ID`) keeps each ad: the
ad set and the ad with their names (`ad_sets`, `ads`), and its figures in the ad-level tables,
by day, age and gender (`ad_level_daily`) and by day and placement
(`ad_level_placement_daily`), with the import's id. The campaign level is written as before,
from the same rows, so a campaign's figures are the sums of its ads'. What a file does not
break down counts as unknown, as at the campaign level: an export by placement has no age or
gender (its ads' rows are age and gender unknown), an export by age and gender no placement.
An export by ad set (no ad columns) keeps each ad set's figures under one ad per ad set, named
so. An export without ids gets stable ids from the names, as campaigns do (`derived_id`).

The same rules as the campaign level hold: the API's rows win, rows of one key add up within
an import, a newer import replaces an older one's rows, removing an import removes its rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from insights.csv_import import placements
from insights.errors import ImportFileError

AD_FIELDS = ("ad_name", "ad_id")
ADSET_FIELDS = ("adset_name", "adset_id")
PLACEMENT_FIELDS = ("publisher_platform", "platform_position", "impression_device")
# the columns each row carries for the ad level (None on a campaign-level file)
ROW_KEYS = ("adset_id", "adset_name", "ad_id", "ad_name", *PLACEMENT_FIELDS)
TABLES = ("ad_level_daily", "ad_level_placement_daily", "ads", "ad_sets")


def derived_id(*parts: str) -> str:
    """A stable id for a campaign, ad set, ad or post the file names but does not number."""
    return "csv-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def level_of(columns: dict[str, int]) -> str | None:
    """ "ad", "adset" or None (a campaign-level export) from the columns a file has."""
    if not any(f in columns for f in ADSET_FIELDS):
        return None  # ads without their ad sets cannot be placed: campaign level (see notes)
    return "ad" if any(f in columns for f in AD_FIELDS) else "adset"


def notes(columns: dict[str, int]) -> tuple[str, ...]:
    """What an export by ad set or ad lacks, and what follows."""
    level = level_of(columns)
    has_ads = any(f in columns for f in AD_FIELDS)
    if level is None:
        if has_ads:
            return (
                "No Ad set name or Ad set ID column: the ads cannot be placed in their ad "
                "sets, so the file is kept at the campaign level only.",
            )
        return ()
    found: list[str] = []
    if level == "adset":
        found.append(
            "No Ad name or Ad ID column: the figures are by ad set; each ad set's are kept "
            "under one ad named 'All ads of' the ad set."
        )
    if not any(f in columns for f in PLACEMENT_FIELDS):
        found.append(
            "No Platform, Placement or Impression device column: the ads' rows count as "
            "unknown in the placement breakdown."
        )
    return tuple(found)


def reader(
    columns: dict[str, int], header: Sequence[str], name: str
) -> Callable[[int, Callable[[str], Any], str, str], dict[str, Any]]:
    """The function that reads a row's ad set, ad and placement: (line, get, account id,
    campaign id) -> the ROW_KEYS of the row (all None on a campaign-level file)."""
    level = level_of(columns)
    parents: dict[tuple[str, str], str] = {}  # (level, id) -> the campaign or ad set it is under

    def column(*names: str) -> str:
        index = next(columns[n] for n in names if n in columns)
        return header[index].strip()

    def refuse(line: int, label: str, text: str) -> ImportFileError:
        return ImportFileError(
            f"{name}, line {line}, column '{label}': {text} Nothing was imported."
        )

    def read(line: int, get: Callable[[str], Any], account_id: str, campaign_id: str) -> dict:
        if level is None:
            return dict.fromkeys(ROW_KEYS)
        adset_id, adset_name = get("adset_id"), get("adset_name")
        if adset_id is None and adset_name is None:
            raise refuse(line, column(*ADSET_FIELDS), "the ad set is empty.")
        adset_id = str(adset_id or derived_id(account_id, campaign_id, str(adset_name)))
        adset_name = str(adset_name or f"Ad set {adset_id}")
        if level == "ad":
            ad_id, ad_name = get("ad_id"), get("ad_name")
            if ad_id is None and ad_name is None:
                raise refuse(line, column(*AD_FIELDS), "the ad is empty.")
            ad_id = str(ad_id or derived_id(account_id, adset_id, str(ad_name)))
            ad_name = str(ad_name or f"Ad {ad_id}")
        else:  # by ad set: one ad stands for all its ads
            ad_id = derived_id(account_id, adset_id, "all ads")
            ad_name = f"All ads of {adset_name}"
        publisher = placements.platform(get("publisher_platform"))
        if publisher is None:
            raise refuse(
                line,
                column("publisher_platform"),
                f"{get('publisher_platform')[:40]!r} is not a platform Ads Manager names "
                f"({placements.known('platform')}).",
            )
        where = placements.position(get("platform_position"), publisher)
        if where is None:
            raise refuse(
                line,
                column("platform_position"),
                f"{get('platform_position')[:40]!r} is not a placement Ads Manager names "
                f"({placements.known('placement')}).",
            )
        device = placements.device(get("impression_device"))
        if device is None:
            raise refuse(
                line,
                column("impression_device"),
                f"{get('impression_device')[:40]!r} is not an impression device Ads Manager "
                f"names ({placements.known('device')}).",
            )
        for what, child, parent, label in (
            ("ad set", adset_id, campaign_id, column(*reversed(ADSET_FIELDS))),
            ("ad", ad_id, adset_id, column(*reversed(AD_FIELDS)) if level == "ad" else ""),
        ):
            before = parents.setdefault((what, child), parent)
            if before != parent:  # its figures would be counted under either
                raise refuse(
                    line,
                    label,
                    f"the {what} {child} was under {before} on an earlier line and is under "
                    f"{parent} here; an {what} belongs to one "
                    f"{'campaign' if what == 'ad set' else 'ad set'}.",
                )
        return {
            "adset_id": adset_id,
            "adset_name": adset_name,
            "ad_id": ad_id,
            "ad_name": ad_name,
            "publisher_platform": publisher,
            "platform_position": where,
            "impression_device": device,
        }

    return read


# -- writing ----------------------------------------------------------------------------------

_SUMS = ("spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value")


def _merge_figures(table: str, keys: Sequence[str]) -> str:
    """Rows of one key are summed within a batch; a key the API wrote is left alone; a key
    this import wrote in an earlier batch adds up; an older import's is replaced. Reach is
    kept only where one row holds it (as at the campaign level, importer.MERGE_ADS)."""
    same = f"{table}.import_id = EXCLUDED.import_id"
    updates = [
        f"{c} = CASE WHEN {same} THEN {table}.{c} + EXCLUDED.{c} ELSE EXCLUDED.{c} END"
        for c in (*_SUMS, "results")
    ]
    updates.append(f"reach = CASE WHEN {same} THEN NULL ELSE EXCLUDED.reach END")
    key_list = ", ".join(keys)
    sums = ", ".join(f"sum({c})" for c in (*_SUMS, "results"))
    return f"""
INSERT INTO {table} (ad_account_id, campaign_id, adset_id, ad_id, date, {", ".join(keys[2:])},
    {", ".join(_SUMS)}, results, reach, import_id)
SELECT any_value(ad_account_id), any_value(campaign_id), any_value(adset_id), {key_list},
    {sums}, CASE WHEN count(*) = 1 THEN any_value(reach) END, {{import_id}}
FROM import_batch WHERE ad_id IS NOT NULL GROUP BY {key_list}
ON CONFLICT ({key_list}) DO UPDATE SET ad_account_id = EXCLUDED.ad_account_id,
    campaign_id = EXCLUDED.campaign_id, adset_id = EXCLUDED.adset_id,
    {", ".join(updates)}, import_id = EXCLUDED.import_id
WHERE {table}.import_id IS NOT NULL
"""


# The ad sets and ads (their names; the API's objects are left alone, as campaigns are), then
# the figures; `{import_id}` is written in as in importer.MERGE_ADS.
MERGE = (
    """
INSERT INTO ad_sets (adset_id, ad_account_id, campaign_id, name, updated_at, import_id)
SELECT adset_id, any_value(ad_account_id), any_value(campaign_id), any_value(adset_name),
    now(), {import_id}
FROM import_batch WHERE ad_id IS NOT NULL GROUP BY adset_id
ON CONFLICT (adset_id) DO UPDATE SET ad_account_id = EXCLUDED.ad_account_id,
    campaign_id = EXCLUDED.campaign_id, name = EXCLUDED.name, import_id = EXCLUDED.import_id
WHERE ad_sets.import_id IS NOT NULL
""",
    """
INSERT INTO ads (ad_id, ad_account_id, adset_id, campaign_id, name, updated_at, import_id)
SELECT ad_id, any_value(ad_account_id), any_value(adset_id), any_value(campaign_id),
    any_value(ad_name), now(), {import_id}
FROM import_batch WHERE ad_id IS NOT NULL GROUP BY ad_id
ON CONFLICT (ad_id) DO UPDATE SET ad_account_id = EXCLUDED.ad_account_id,
    adset_id = EXCLUDED.adset_id, campaign_id = EXCLUDED.campaign_id, name = EXCLUDED.name,
    import_id = EXCLUDED.import_id
WHERE ads.import_id IS NOT NULL
""",
    _merge_figures("ad_level_daily", ("ad_id", "date", "age", "gender")),
    _merge_figures("ad_level_placement_daily", ("ad_id", "date", *PLACEMENT_FIELDS)),
)
