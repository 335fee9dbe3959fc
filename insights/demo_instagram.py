"""The Instagram part of the demo API (Graph API for Instagram business accounts), over the
demo data set: profiles, the /media edge, media insights and account insights. insights.demo_api
routes the Instagram ids here; paging, tokens, faults and usage headers are its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from insights.demo_api import ApiFailure, list_param
from insights.demo_api import _number as number
from insights.demo_api import _select as select
from insights.demo_data import DemoDataset

MEDIA_METRICS = {"reach", "saved", "shares", "views", "total_interactions", "likes", "comments"}
ACCOUNT_METRICS = {"reach", "views", "follower_count", "profile_views", "website_clicks"}

Pager = Callable[..., dict[str, Any]]


def _metric_list(query: Mapping[str, str]) -> list[str]:
    metrics = list_param(query, "metric")
    if not metrics:
        raise ApiFailure(400, 100, "(#100) The parameter metric is required")
    return metrics


class InstagramDemo:
    """The Instagram accounts of the data set, indexed for serving."""

    def __init__(self, dataset: DemoDataset) -> None:
        self.accounts = {r["account_id"]: r for r in dataset.ig_accounts.to_dict("records")}
        self.media_by_account: dict[str, list[dict[str, Any]]] = {k: [] for k in self.accounts}
        self.media: dict[str, dict[str, Any]] = {}
        for row in dataset.ig_media.sort_values("timestamp", ascending=False).to_dict("records"):
            self.media_by_account.setdefault(row["account_id"], []).append(row)
            self.media[row["media_id"]] = row
        self.daily: dict[str, dict[date, dict[str, Any]]] = {}
        for row in dataset.ig_account_daily.to_dict("records"):
            self.daily.setdefault(row["account_id"], {})[date.fromisoformat(row["date"])] = row

    def serves(self, object_id: str) -> bool:
        """Is this id an Instagram account or post of the data set?"""
        return object_id in self.accounts or object_id in self.media

    def route(
        self,
        method: str,
        head: str,
        rest: list[str],
        query: dict[str, str],
        url_path: str,
        page: Pager,
        limit: int,
    ) -> dict[str, Any] | None:
        """The answer for an Instagram path, or None when nothing here serves it."""
        if method != "GET":
            return None
        if head in self.accounts:
            if not rest:
                return self._account(head, query)
            if rest == ["media"]:
                return page(
                    self.media_by_account[head],
                    query,
                    url_path,
                    limit,
                    convert=_media_json,
                    fields=query.get("fields"),
                )
            if rest == ["insights"]:
                return self._account_insights(head, query)
        if head in self.media and rest == ["insights"]:
            return self._media_insights(self.media[head], query)
        return None

    # -- endpoints -----------------------------------------------------------------------------
    def _account(self, account_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        row = self.accounts[account_id]
        full = {
            "id": account_id,
            "username": row["username"],
            "name": row["name"],
            "followers_count": number(row["followers_count"]),
            "media_count": len(self.media_by_account[account_id]),
        }
        return select(full, query.get("fields"))

    def _media_insights(self, row: Mapping[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        metrics = _metric_list(query)
        for metric in metrics:
            if metric not in MEDIA_METRICS:
                raise ApiFailure(
                    400,
                    100,
                    f"(#100) metric[0] must be one of the following "
                    f"values: {', '.join(sorted(MEDIA_METRICS))}",
                )
            if metric == "views" and row["media_type"] == "CAROUSEL_ALBUM":
                raise ApiFailure(
                    400,
                    100,
                    "(#100) The Media Insights API does not support the "
                    "views metric for this media product type.",
                )
        source = {"likes": "like_count", "comments": "comments_count"}
        data = [
            {
                "name": m,
                "period": "lifetime",
                "values": [{"value": number(row[source.get(m, m)])}],
                "title": m.replace("_", " ").title(),
                "id": f"{row['media_id']}/insights/{m}/lifetime",
            }
            for m in metrics
        ]
        return {"data": data}

    def _account_insights(self, account_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        metrics = _metric_list(query)
        unknown = [m for m in metrics if m not in ACCOUNT_METRICS]
        if unknown:
            raise ApiFailure(
                400, 100, f"(#100) The value must be a valid insights metric: {unknown[0]}"
            )
        if query.get("period") != "day":
            raise ApiFailure(400, 100, "(#100) period must be day")
        try:
            since = datetime.fromtimestamp(int(query["since"]), UTC).date()
            until = datetime.fromtimestamp(int(query["until"]), UTC).date()
        except (KeyError, ValueError):
            raise ApiFailure(400, 100, "(#100) since and until must be unix times") from None
        if (until - since).days > 30:
            raise ApiFailure(
                400,
                100,
                "(#100) There cannot be more than 30 days (2592000 s) between since and until",
            )
        days = self.daily.get(account_id, {})
        span = [since + timedelta(days=i) for i in range((until - since).days)]
        data = []
        for metric in metrics:
            values = [
                {
                    "value": number(days[d][metric]),
                    "end_time": f"{(d + timedelta(days=1)).isoformat()}T07:00:00+0000",
                }
                for d in span
                if d in days
            ]
            data.append(
                {
                    "name": metric,
                    "period": "day",
                    "values": values,
                    "title": metric.replace("_", " ").title(),
                    "id": f"{account_id}/insights/{metric}/day",
                }
            )
        return {"data": data}


def _media_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["media_id"],
        "caption": row["caption"],
        "media_type": row["media_type"],
        "media_product_type": row["media_product_type"],
        "timestamp": row["timestamp"],
        "permalink": row["permalink"],
        "like_count": number(row["like_count"]),
        "comments_count": number(row["comments_count"]),
    }
