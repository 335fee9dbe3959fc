"""The demo API's ad set and ad level: `/act_{id}/adsets`, `/act_{id}/ads` and the rows of
`/act_{id}/insights?level=ad`, mixed into the Marketing API half (ads.AdsEndpoints).

Modelled from Meta's Marketing API reference (Ad Account: adsets, ads; Ads Insights):
- listings leave out ARCHIVED and DELETED objects unless an `effective_status` filter names
  them (GRAPH_API.md, Ads: objects); an unknown status in the filter or an unknown field is
  refused with error 100; without `fields` only `id` is returned; nested fields
  (`creative{id,thumbnail_url}`) return only the asked sub-fields;
- level=ad rows come by age x gender, or by publisher_platform x platform_position x
  impression_device: the two cannot be combined (GRAPH_API.md, Ads: insights), Meta refuses the
  combination with "(#100) Current combination of data breakdown columns (...) is invalid";
- ad-level rows are split from the campaign rows once, as integer arrays (ad_table.py), and
  written as JSON only for the page being served.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from insights.demo.ad_objects import Catalogue, catalogue
from insights.demo.ad_rows import PLACEMENT_KEYS
from insights.demo.ad_table import AdLevelTable
from insights.demo.dialect import ApiFailure, list_param

AGE_GENDER = ("age", "gender")
HIDDEN_BY_DEFAULT = frozenset({"ARCHIVED", "DELETED"})
# effective_status values each object accepts in a filter (Ad Set and Ad references)
AD_SET_STATUSES = frozenset(
    {"ACTIVE", "PAUSED", "DELETED", "CAMPAIGN_PAUSED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES"}
)
AD_STATUSES = AD_SET_STATUSES | {
    "ADSET_PAUSED",
    "PENDING_REVIEW",
    "DISAPPROVED",
    "PREAPPROVED",
    "PENDING_BILLING_INFO",
}
AD_SET_FIELDS = frozenset(
    {
        "id",
        "account_id",
        "campaign_id",
        "name",
        "status",
        "effective_status",
        "optimization_goal",
        "billing_event",
        "daily_budget",
        "lifetime_budget",
        "targeting",
        "attribution_spec",
        "start_time",
        "end_time",
    }
)
AD_FIELDS = frozenset(
    {"id", "account_id", "adset_id", "campaign_id", "name", "status", "effective_status"}
    | {"creative", "created_time"}
)
CREATIVE_FIELDS = frozenset(
    {"id", "name", "title", "body", "thumbnail_url", "object_story_spec", "url_tags"}
)


def parse_fields(text: str) -> dict[str, dict[str, Any] | None]:
    """`a,b{c,d{e}}` as Meta reads field expansion: name -> sub-fields (None: none asked)."""
    out: dict[str, dict[str, Any] | None] = {}
    depth, start, name_end = 0, 0, -1
    text = text.strip()
    for i, ch in enumerate(text + ","):
        if ch == "{":
            if depth == 0:
                name_end = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise ApiFailure(400, 100, "(#100) Syntax error in the fields parameter")
        elif ch == "," and depth == 0:
            item = text[start:i].strip()
            if item:
                if name_end > start:
                    name = text[start:name_end].strip()
                    out[name] = parse_fields(text[name_end + 1 : i - 1])
                else:
                    out[item] = None
            start, name_end = i + 1, -1
    if depth:
        raise ApiFailure(400, 100, "(#100) Syntax error in the fields parameter")
    return out


def pick(obj: Mapping[str, Any], fields: Mapping[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Only the asked fields (and id), nested ones cut down the same way."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key != "id" and key not in fields:
            continue
        sub = fields.get(key)
        if sub is not None and isinstance(value, Mapping):
            out[key] = pick(value, sub)
        elif isinstance(value, Mapping) and key == "creative":
            out[key] = {"id": value["id"]}  # an edge without sub-fields: its id only
        else:
            out[key] = value
    return out


def _refused_field(name: str, node: str) -> ApiFailure:
    return ApiFailure(
        400, 100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})"
    )


def check_breakdowns(breakdowns: Sequence[str], level: str) -> tuple[str, ...]:
    """The breakdown columns of a request, refused as Meta refuses them."""
    asked = set(breakdowns)
    if asked & set(AGE_GENDER) and asked & set(PLACEMENT_KEYS):
        # Meta's answer to a breakdown combination it does not serve (Ads Insights, Breakdowns:
        # "Combining breakdowns"); age and gender never combine with placement breakdowns
        raise ApiFailure(
            400,
            100,
            "(#100) Current combination of data breakdown columns "
            f"(action_type, {', '.join(breakdowns)}) is invalid ",
        )
    if asked == set(AGE_GENDER):
        return AGE_GENDER
    if asked == set(PLACEMENT_KEYS) and level == "ad":
        return PLACEMENT_KEYS
    raise ApiFailure(
        400,
        100,
        "(#100) The demo API serves breakdowns=age,gender, and at level=ad "
        "breakdowns=publisher_platform,platform_position,impression_device",
    )


class AdLevelEndpoints:
    """Ad sets, ads and ad-level rows; the server provides paging and its address."""

    _ad_level_lock: threading.Lock
    _catalogue: Catalogue | None
    _ad_table: AdLevelTable | None

    def _page(self, *args: Any, **kwargs: Any) -> dict[str, Any]:  # the server's paging
        raise NotImplementedError

    @property
    def root_url(self) -> str:  # the server's address
        raise NotImplementedError

    def _init_ad_level(
        self,
        campaigns: list[dict[str, Any]],
        currencies: dict[str, str],
        mixed: Sequence[str],
        every_row: Callable[[], list[dict[str, Any]]],
    ) -> None:
        """`every_row`: every campaign row the server serves (the ad rows are split from)."""
        self._ad_level_lock = threading.Lock()
        self._catalogue = None
        self._catalogue_source = (campaigns, currencies, tuple(mixed))
        self._ad_table = None
        self._every_row = every_row

    def catalogue(self) -> Catalogue:
        """The ad sets, ads and creatives, their thumbnail URLs on this server."""
        with self._ad_level_lock:
            if self._catalogue is None:
                campaigns, currencies, mixed = self._catalogue_source
                self._catalogue = catalogue(campaigns, currencies, self.root_url, mixed)
            return self._catalogue

    # -- listings ------------------------------------------------------------------------------

    def _listing(
        self,
        objects: list[dict[str, Any]],
        query: dict[str, str],
        url_path: str,
        node: str,
        allowed_fields: frozenset[str],
        statuses_allowed: frozenset[str],
    ) -> dict[str, Any]:
        statuses = set(list_param(query, "effective_status"))
        unknown = statuses - statuses_allowed
        if unknown:
            raise ApiFailure(
                400,
                100,
                "(#100) Param effective_status[0] must be one of "
                f"{{{', '.join(sorted(statuses_allowed))}}}",
            )
        fields = parse_fields(",".join(list_param(query, "fields")))
        for name, sub in fields.items():
            if name not in allowed_fields:
                raise _refused_field(name, node)
            if name == "creative" and sub:
                for inner in sub:
                    if inner not in CREATIVE_FIELDS:
                        raise _refused_field(inner, "AdCreative")
        shown = [
            o
            for o in objects
            if o["effective_status"] in statuses
            or (not statuses and o["effective_status"] not in HIDDEN_BY_DEFAULT)
        ]
        return self._page(shown, query, url_path, 100, convert=lambda o: pick(o, fields))

    def _ad_sets(self, account: str, query: dict[str, str], url_path: str) -> dict[str, Any]:
        objects = self.catalogue().ad_sets.get(account, [])
        return self._listing(objects, query, url_path, "AdSet", AD_SET_FIELDS, AD_SET_STATUSES)

    def _ads_listing(self, account: str, query: dict[str, str], url_path: str) -> dict[str, Any]:
        objects = self.catalogue().ads.get(account, [])
        return self._listing(objects, query, url_path, "Ad", AD_FIELDS, AD_STATUSES)

    # -- ad-level insight rows -------------------------------------------------------------------

    def ad_table(self) -> AdLevelTable:
        """Every ad-level row, built on the first ad-level request (a second or so)."""
        with self._ad_level_lock:
            if self._ad_table is None:
                self._ad_table = AdLevelTable(self._every_row())
            return self._ad_table

    def ad_level_refs(self, rows: list[dict[str, Any]], breakdowns: tuple[str, ...]) -> list[Any]:
        """References to the ad-level rows of these campaign rows (in the order served)."""
        table = self.ad_table()
        if breakdowns == AGE_GENDER:
            return list(table.age_gender_refs(rows))
        return list(table.placement_refs(rows))

    def ad_level_row(self, ref: Any, breakdowns: tuple[str, ...]) -> dict[str, Any]:
        table = self.ad_table()
        if breakdowns == AGE_GENDER:
            return table.age_gender_row(ref)
        return table.placement_row(ref)
