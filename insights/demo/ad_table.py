"""The demo's ad-level rows, built once for the whole data set with integer arrays (numpy) and
written out as Meta's JSON rows only for the page being served. ad_rows.py says how rows are
split; this module does the arithmetic for every row at once, exactly (int64, no floats in a
sum), so that a whole history of ad rows costs a second rather than minutes.

Splits, each exact (the parts add up to the whole):
- a campaign row's two ad sets: halves (ads.ad_set_rows serves the same at level=adset);
- an ad set's two ads: the first ad's share of delivery (spend, impressions, reach) and of
  results (clicks, actions); a purchase value follows its purchases where there are any;
- an ad's day over the placements: largest remainder over each placement's share.
The tiring ad (ad_rows.TIRING_AD) gets its own shares of reach and of results on its last
days (ad_rows.tiring); its ad set's other ad gets the rest, so the sums stay exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from insights.demo.ad_objects import (
    AD_SETS_PER_CAMPAIGN,
    ADS_PER_AD_SET,
    ad_id,
    ad_name,
    ad_set_id,
    ad_set_name,
)
from insights.demo.ad_rows import (
    PLACEMENT_KEYS,
    PLACEMENTS,
    TIRING_AD_SET,
    TIRING_FREQUENCY,
    TIRING_INDEX,
    TIRING_RESULTS,
    ad_shares,
    placement_shares,
    tiring,
)

ADS = AD_SETS_PER_CAMPAIGN * ADS_PER_AD_SET
SCALE = 1_000_000  # shares as integers: the arithmetic stays exact
PLAIN = ("spend", "impressions", "reach", "clicks", "inline_link_clicks")
DELIVERY = frozenset({"spend", "impressions", "reach"})
I64 = np.int64


def _cents(text: str) -> int:
    return int(round(Decimal(text) * 100))


def _text(units: int, cents: bool) -> str:
    return f"{units // 100}.{units % 100:02d}" if cents else str(units)


def _two(units: np.ndarray, first: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The first of two parts of `units` by the share first/total (rounded half up)."""
    safe = np.where(total > 0, total, 1)
    part, rest = np.divmod(units * first, safe)
    part = part + ((rest * 2 >= safe) & (part < units) & (total > 0))
    return np.where(total > 0, part, units)  # no share known: all to the first


def _many(units: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`units` (n) split over the columns of `weights` (n x k), largest remainder, ties to
    the earlier column."""
    total = weights.sum(axis=1, keepdims=True)
    safe = np.where(total > 0, total, 1)
    parts, rest = np.divmod(units[:, None] * weights, safe)
    deficit = units - parts.sum(axis=1)
    order = np.argsort(-rest, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(weights.shape[1])[None, :], axis=1)
    return parts + (rank < deficit[:, None])


def _tired_results(results: np.ndarray, worn: np.ndarray) -> np.ndarray:
    """The first ad's share of results where the tiring ad has lost part of its own."""
    kept = 1 - (1 - TIRING_RESULTS) * worn
    if TIRING_INDEX == 0:
        return np.round(results * kept).astype(I64)
    return SCALE - np.round((SCALE - results) * kept).astype(I64)


def _tire_reach(
    part: np.ndarray,
    first: np.ndarray,
    worn: np.ndarray,
    column: Mapping[tuple[str, str], int],
) -> None:
    """The first ad's reach (in `first`, in place) where the tiring ad reaches fewer of its
    ad set's people for the same impressions: its frequency lifted by up to TIRING_FREQUENCY,
    as far as the other ad's reach stays within that ad's impressions."""
    rows = np.flatnonzero(worn > 0)
    if not len(rows):
        return
    r, i = column[("plain", "reach")], column[("plain", "impressions")]
    reach, impressions = part[rows, r], part[rows, i]
    own = first[rows] if TIRING_INDEX == 0 else part[rows] - first[rows]
    lift = 1 + (TIRING_FREQUENCY - 1) * worn[rows]
    tired = np.ceil(own[:, r] / lift).astype(I64)
    tired = np.maximum(tired, reach - (impressions - own[:, i]))  # the other ad: reach <= views
    tired = np.minimum(tired, own[:, r])
    first[rows, r] = tired if TIRING_INDEX == 0 else reach - tired


class AdLevelTable:
    """Every ad-level row of the data set as arrays; rows are made on demand from them."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.rows = list(rows)
        self.pos = {id(r): i for i, r in enumerate(self.rows)}
        # the metric columns: plain numbers, then each action type, then each action value
        actions: dict[str, None] = {}
        values: dict[str, None] = {}
        for row in self.rows:
            actions.update((a["action_type"], None) for a in row.get("actions") or ())
            values.update((a["action_type"], None) for a in row.get("action_values") or ())
        self.metrics: list[tuple[str, str]] = [("plain", k) for k in PLAIN]
        self.metrics += [("actions", t) for t in actions] + [("action_values", t) for t in values]
        column = {m: i for i, m in enumerate(self.metrics)}
        base = np.zeros((len(self.rows), len(self.metrics)), I64)
        for i, row in enumerate(self.rows):
            for key in PLAIN:
                if key in row:
                    base[i, column[("plain", key)]] = (
                        _cents(row[key]) if key == "spend" else int(row[key])
                    )
            for kind in ("actions", "action_values"):
                for item in row.get(kind) or ():
                    value = item["value"]
                    units = _cents(value) if kind == "action_values" else int(value)
                    base[i, column[(kind, item["action_type"])]] = units
        self.ads = self._split_ads(base, column)  # rows x ads x metrics
        self.present: np.ndarray = np.asarray(self.ads.any(axis=2))
        self._groups(column)

    # -- the arithmetic ----------------------------------------------------------------------

    def _delivery(self, index: int) -> bool:
        kind, key = self.metrics[index]
        return kind == "plain" and key in DELIVERY

    def _split_ads(self, base: np.ndarray, column: Mapping[tuple[str, str], int]) -> np.ndarray:
        n, m = base.shape
        out = np.zeros((n, ADS, m), I64)
        second = base // 2
        first_half = base - second
        for j, (kind, name) in enumerate(self.metrics):
            if kind == "action_values" and ("actions", name) in column:
                count = base[:, column[("actions", name)]]
                first_half[:, j] = np.where(  # a value goes with its purchases
                    count > 0,
                    _two(base[:, j], count - count // 2, count),
                    first_half[:, j],
                )
        halves = (first_half, base - first_half)  # the ad sets' parts, as ad_set_rows has them
        campaigns = [str(r["campaign_id"]) for r in self.rows]
        for s in range(AD_SETS_PER_CAMPAIGN):
            part = halves[s]
            shares = {}
            for cid in set(campaigns):
                shares[cid] = ad_shares(ad_set_id(cid, s))
            delivery = np.array([round(shares[c][0] * SCALE) for c in campaigns], I64)
            results = np.array([round(shares[c][1] * SCALE) for c in campaigns], I64)
            worn = self._worn(campaigns, s)
            results = _tired_results(results, worn)
            whole = np.full(n, SCALE, I64)
            first = np.zeros((n, m), I64)
            for j in range(m):
                share = delivery if self._delivery(j) else results
                kind, name = self.metrics[j]
                if kind == "action_values" and ("actions", name) in column:
                    count = part[:, column[("actions", name)]]
                    count_first = first[:, column[("actions", name)]]
                    has = count > 0  # a value goes where its conversions went
                    first[:, j] = np.where(
                        has,
                        _two(part[:, j], count_first, count),
                        _two(part[:, j], share, whole),
                    )
                else:
                    first[:, j] = _two(part[:, j], share, whole)
            _tire_reach(part, first, worn, column)
            out[:, s * ADS_PER_AD_SET] = first
            out[:, s * ADS_PER_AD_SET + 1] = part - first
        return out

    def _worn(self, campaigns: Sequence[str], s: int) -> np.ndarray:
        """How far the tiring ad has tired on each row (0 for the rows of other ad sets)."""
        return np.array(
            [
                tiring(str(row["date_start"])) if ad_set_id(c, s) == TIRING_AD_SET else 0.0
                for c, row in zip(campaigns, self.rows, strict=True)
            ]
        )

    def _groups(self, column: Mapping[tuple[str, str], int]) -> None:
        """Each campaign-day's ads by placement."""
        keys: dict[tuple[str, str], int] = {}
        group_of = np.empty(len(self.rows), I64)
        for i, row in enumerate(self.rows):
            group_of[i] = keys.setdefault(
                (str(row["campaign_id"]), str(row["date_start"])), len(keys)
            )
        self.group_first: list[int] = [0] * len(keys)
        for i in range(len(self.rows) - 1, -1, -1):
            self.group_first[group_of[i]] = i
        totals = np.zeros((len(keys), ADS, len(self.metrics)), I64)
        np.add.at(totals, group_of, self.ads)
        self.group_of = group_of
        campaigns = [str(self.rows[f]["campaign_id"]) for f in self.group_first]
        k = len(PLACEMENTS)
        n, m = len(keys), len(self.metrics)
        self.places = np.zeros((n, ADS, k, m), I64)
        for a in range(ADS):
            ids = [ad_id(ad_set_id(c, a // ADS_PER_AD_SET), a % ADS_PER_AD_SET) for c in campaigns]
            weights = {i: placement_shares(i) for i in set(ids)}
            delivery = np.array([[round(w * SCALE) for w in weights[i][0]] for i in ids], I64)
            results = np.array([[round(w * SCALE) for w in weights[i][1]] for i in ids], I64)
            for j in range(m):
                kind, name = self.metrics[j]
                share = delivery if self._delivery(j) else results
                if kind == "action_values" and ("actions", name) in column:
                    counts = self.places[:, a, :, column[("actions", name)]]
                    has = counts.sum(axis=1) > 0
                    share = np.where(has[:, None], counts, share)
                self.places[:, a, :, j] = _many(totals[:, a, j], share)
        self.place_present: np.ndarray = np.asarray(self.places.any(axis=3))

    # -- rows --------------------------------------------------------------------------------

    def write_row(
        self, base: Mapping[str, Any], numbers: np.ndarray, drop: Sequence[str]
    ) -> dict[str, Any]:
        out = {
            k: v for k, v in base.items() if k not in drop and k not in ("actions", "action_values")
        }
        lists: dict[str, list[dict[str, str]]] = {}
        for (kind, key), units in zip(self.metrics, numbers.tolist(), strict=True):
            if kind == "plain":
                if key in base:
                    out[key] = _text(units, key == "spend")
            elif units:
                lists.setdefault(kind, []).append(
                    {"action_type": key, "value": _text(units, kind == "action_values")}
                )
        out.update(lists)
        return out

    def age_gender_refs(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
        refs: list[tuple[int, int]] = []
        for row in rows:
            i = self.pos[id(row)]
            refs.extend((i, a) for a in np.flatnonzero(self.present[i]).tolist())
        return refs

    def placement_refs(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, int]]:
        """The placement rows of the campaign-days of `rows` (whole days: the rows of a
        window always hold every row of their days)."""
        refs: list[tuple[int, int, int]] = []
        seen: set[int] = set()
        for row in rows:
            g = int(self.group_of[self.pos[id(row)]])
            if g in seen:
                continue
            seen.add(g)
            ads, places = np.nonzero(self.place_present[g])
            refs.extend((g, a, p) for a, p in zip(ads.tolist(), places.tolist(), strict=True))
        return refs

    def age_gender_row(self, ref: tuple[int, int]) -> dict[str, Any]:
        i, a = ref
        row = self.rows[i]
        out = self.write_row(row, self.ads[i, a], ())
        return self.with_names(out, row, a)

    def placement_row(self, ref: tuple[int, int, int]) -> dict[str, Any]:
        g, a, p = ref
        row = self.rows[self.group_first[g]]
        out = self.write_row(row, self.places[g, a, p], ("age", "gender"))
        out.update(zip(PLACEMENT_KEYS, PLACEMENTS[p][:3], strict=True))
        return self.with_names(out, row, a)

    @staticmethod
    def with_names(out: dict[str, Any], row: Mapping[str, Any], a: int) -> dict[str, Any]:
        s, n = divmod(a, ADS_PER_AD_SET)
        adset = ad_set_id(str(row["campaign_id"]), s)
        out["adset_id"], out["adset_name"] = adset, ad_set_name(s)
        out["ad_id"], out["ad_name"] = ad_id(adset, n), ad_name(s, n)
        return out
