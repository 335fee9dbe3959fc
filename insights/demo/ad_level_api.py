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
- ad-level rows are built on demand from the campaign rows (ad_rows.py) and only kept as
  references, so a report over the whole history stays small in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from insights.demo.ad_objects import Catalogue, catalogue
from insights.demo.ad_rows import PLACEMENT_KEYS, ad_rows, ad_set_rows, delivered, placement_rows
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
CACHE_SIZE = 512  # campaign rows (or campaign-days) whose ad rows are kept built
Ref = tuple[Any, int]


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


class _Lru:
    """A small cache keyed by the identity of a served row (rows live as long as the server)."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: Any, build: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        with self._lock:
            made = self._items.get(id(key))
            if made is not None:
                self._items.move_to_end(id(key))
                return made
        made = build()
        with self._lock:
            self._items[id(key)] = made
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return made


class AdLevelEndpoints:
    """Ad sets, ads and ad-level rows; the server provides paging and its address."""

    _ad_level_lock: threading.Lock
    _catalogue: Catalogue | None
    _delivered: dict[int, tuple[int, ...]]
    _by_ad: _Lru
    _by_placement: _Lru

    def _page(self, *args: Any, **kwargs: Any) -> dict[str, Any]:  # the server's paging
        raise NotImplementedError

    @property
    def root_url(self) -> str:  # the server's address
        raise NotImplementedError

    def _init_ad_level(
        self, campaigns: list[dict[str, Any]], currencies: dict[str, str], mixed: Sequence[str]
    ) -> None:
        self._ad_level_lock = threading.Lock()
        self._catalogue = None
        self._catalogue_source = (campaigns, currencies, tuple(mixed))
        self._delivered = {}
        self._by_ad = _Lru(CACHE_SIZE)
        self._by_placement = _Lru(CACHE_SIZE)

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

    def _ads_of(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        return self._by_ad.get(row, lambda: ad_rows(ad_set_rows(row), row.get("reach")))

    def ad_level_refs(self, rows: list[dict[str, Any]], breakdowns: tuple[str, ...]) -> list[Ref]:
        """References to the ad-level rows of these campaign rows (in the order served)."""
        if breakdowns == AGE_GENDER:
            refs: list[Ref] = []
            for row in rows:
                present = self._delivered.get(id(row))
                if present is None:
                    present = self._delivered[id(row)] = tuple(delivered(self._ads_of(row)))
                refs.extend((row, i) for i in present)
            return refs
        groups: list[tuple[dict[str, Any], ...]] = []
        for row in rows:  # rows come by day, then campaign: a campaign-day is a run
            last = groups[-1] if groups else None
            if (
                last
                and last[0]["campaign_id"] == row["campaign_id"]
                and last[0]["date_start"] == row["date_start"]
            ):
                groups[-1] = (*last, row)
            else:
                groups.append((row,))
        out: list[Ref] = []
        for group in groups:
            count = len(self._placements_of(group))
            out.extend((group, i) for i in range(count))
        return out

    def _placements_of(self, group: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
        return self._by_placement.get(
            group[0], lambda: placement_rows([ad for row in group for ad in self._ads_of(row)])
        )

    def ad_level_row(self, ref: Ref, breakdowns: tuple[str, ...]) -> dict[str, Any]:
        source, index = ref
        if breakdowns == AGE_GENDER:
            return self._ads_of(source)[index]
        return self._placements_of(source)[index]
