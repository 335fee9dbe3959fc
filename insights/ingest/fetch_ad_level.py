"""The ad set and ad level of the ads fetch (issue 18), mixed into fetch_ads.AdsFetcher.

Per ad account: every ad set and ad whatever its status (without an `effective_status` filter
the API leaves out ARCHIVED and DELETED ones), each ad's creative with the bytes of its
thumbnail (downloaded without the token, with the client's limits), and the two ad-level
insight queries Meta serves separately (GRAPH_API.md, Ads: age and gender do not combine with
placement breakdowns): level=ad by age x gender, and by publisher_platform x
platform_position x impression_device. Both go through the campaign level's robust path:
windows, async reports for backfills, halving on "too much data", deleted campaigns read by
their id, and the same replacement of the fetched days.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from insights.api import downloads
from insights.api.client import GraphClient
from insights.errors import ApiError, IngestError
from insights.ingest import ad_level_rows as level_rows
from insights.ingest.campaign_rows import AD_INSIGHTS_SCHEMA
from insights.ingest.model import AdLevel, Fetched, Reporter
from insights.settings import Settings

# effective_status values of ad sets and ads (Ad Set and Ad references): all of them, so the
# archived and deleted ones are listed too (their delivery still counts)
AD_SET_STATUSES = (
    "ACTIVE",
    "PAUSED",
    "DELETED",
    "CAMPAIGN_PAUSED",
    "ARCHIVED",
    "IN_PROCESS",
    "WITH_ISSUES",
)
AD_STATUSES = (*AD_SET_STATUSES, "ADSET_PAUSED", "PENDING_REVIEW", "DISAPPROVED")
AD_SET_FIELDS = (
    "id,campaign_id,name,status,effective_status,optimization_goal,billing_event,"
    "daily_budget,lifetime_budget,targeting,attribution_spec,start_time,end_time"
)
AD_FIELDS = (
    "id,adset_id,campaign_id,name,status,effective_status,"
    "creative{id,name,thumbnail_url,title,body,object_story_spec,url_tags}"
)
AD_LEVEL_FIELDS = (
    "campaign_id,campaign_name,objective,adset_id,ad_id,spend,impressions,reach,clicks,"
    "inline_link_clicks,actions,action_values,video_thruplay_watched_actions"
)


@dataclass(frozen=True)
class Query:
    """One kind of insights request: level, breakdowns and fields, and the table its rows
    make (kind: campaign, age_gender or placement)."""

    level: str
    breakdowns: str
    fields: str
    kind: str

    @property
    def schema(self) -> pa.Schema:
        return level_rows.LEVEL_SCHEMAS.get(self.kind, AD_INSIGHTS_SCHEMA)

    @property
    def keys(self) -> tuple[str, ...]:
        return ("ad_id", "date", *level_rows.LEVEL_KEYS[self.kind])


AD_BY_AGE_GENDER = Query("ad", "age,gender", AD_LEVEL_FIELDS, "age_gender")
AD_BY_PLACEMENT = Query("ad", ",".join(level_rows.PLACEMENT_KEYS), AD_LEVEL_FIELDS, "placement")
AD_LEVEL_QUERIES = (AD_BY_AGE_GENDER, AD_BY_PLACEMENT)


class AdLevelFetching:
    """The ad set and ad level; AdsFetcher provides the insights path and the run's parts."""

    client: GraphClient
    settings: Settings
    report: Reporter
    out: Fetched
    now: datetime
    stored_pictures: Callable[[str], set[str]]

    def _insights(self, account: Any, act: str, since: date, until: date, query: Any) -> Any:
        raise NotImplementedError  # AdsFetcher's windows and reports

    def _deleted_by_id(self, *args: Any, **kwargs: Any) -> dict[str, pa.Table]:
        raise NotImplementedError

    # -- objects -----------------------------------------------------------------------------

    def _ad_objects(self, ad_account_id: str, offset: int) -> int:
        """List the account's ad sets, ads and creatives (with their pictures) into `out`;
        returns how many ads it lists."""
        act = f"act_{ad_account_id}"
        ads_before = len(self.out.ads)
        statuses = {"effective_status": json.dumps(AD_SET_STATUSES), "limit": 100}
        for page in self.client.pages(f"{act}/adsets", {"fields": AD_SET_FIELDS, **statuses}):
            for obj in page:
                try:
                    self.out.ad_sets.append(
                        level_rows.ad_set_row(obj, ad_account_id, self.now, offset)
                    )
                except IngestError as exc:
                    self.out.note("ads", ad_account_id, "incomplete", f"{exc} It was left out.")
        creatives: dict[str, dict[str, Any]] = {}
        listing = {"fields": AD_FIELDS, "effective_status": json.dumps(AD_STATUSES), "limit": 100}
        for page in self.client.pages(f"{act}/ads", listing):
            for obj in page:
                try:
                    self.out.ads.append(level_rows.ad_row(obj, ad_account_id, self.now))
                    creative = obj.get("creative")
                    if isinstance(creative, Mapping) and creative.get("id"):
                        row = level_rows.creative_row(creative, ad_account_id, self.now)
                        creatives[row["creative_id"]] = row
                except IngestError as exc:
                    self.out.note("ads", ad_account_id, "incomplete", f"{exc} It was left out.")
        self.out.creatives.extend(creatives.values())
        self._pictures(ad_account_id, list(creatives.values()))
        listed = len(self.out.ads) - ads_before
        self.report.say(f"Ads {act}: {listed:,} ads, {len(creatives):,} creatives")
        return listed

    def _pictures(self, ad_account_id: str, creatives: list[dict[str, Any]]) -> None:
        """Each new creative's thumbnail, read now (the CDN link expires; a creative never
        changes, so a stored picture is not read again): a picture that cannot be read is
        recorded, and the one stored before, if any, is kept."""

        def read(row: dict[str, Any]) -> tuple[dict[str, Any], Any]:
            try:
                return row, downloads.download(self.client, row["thumbnail_url"])
            except ApiError as exc:
                return row, exc

        have = self.stored_pictures(ad_account_id)
        wanted = [r for r in creatives if r.get("thumbnail_url") and r["creative_id"] not in have]
        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_workers)) as pool:
            for row, got in pool.map(read, wanted):
                if isinstance(got, ApiError):
                    self.out.note(
                        "ads",
                        ad_account_id,
                        "skipped",
                        f"The thumbnail of creative {row['creative_id']} could not be read "
                        f"({got}); the picture stored before, if any, was kept.",
                    )
                    continue
                body, kind = got
                self.out.pictures.append(
                    {
                        "creative_id": row["creative_id"],
                        "ad_account_id": ad_account_id,
                        "thumbnail": body,
                        "thumbnail_type": kind,
                        "thumbnail_read_at": self.now,
                    }
                )

    # -- insights ------------------------------------------------------------------------------

    def _ad_level(
        self,
        account: Any,
        act: str,
        since: date,
        until: date,
        listed: Any,
        ads: int,
        may_replace: bool,
    ) -> AdLevel | None:
        """Both ad-level queries over [since, until], deleted campaigns read by their id as
        at the campaign level. None when the account lists no ads (nothing to ask; what the
        store holds stays). `may_replace`: False when the campaign level keeps the stored
        rows (a range that came back empty), and then so does the ad level."""
        if not ads:
            return None
        tables = []
        answered: set[str] = set()
        for query in AD_LEVEL_QUERIES:
            parts = self._insights(account, act, since, until, query)
            by_id = self._deleted_by_id(account, listed, since, until, query)
            parts.extend(by_id.values())
            answered |= set(by_id)
            table = level_rows.concat(parts, query.schema)
            inside = pc.and_(
                pc.greater_equal(table["date"], pa.scalar(since, pa.date32())),
                pc.less_equal(table["date"], pa.scalar(until, pa.date32())),
            )
            table = level_rows.without_repeats(table.filter(inside), query.keys, "ad-level")
            tables.append(table.sort_by([("date", "ascending"), ("ad_id", "ascending")]))
            answered |= set(pc.unique(table["campaign_id"]).to_pylist())
            self.report.say(f"Ads {act}: {table.num_rows:,} ad-level rows ({query.kind})")
        still_listed = {c["campaign_id"] for c in account.campaigns if c.get("status") != "DELETED"}
        replace = frozenset(answered | still_listed) if may_replace else frozenset()
        return AdLevel(tables[0], tables[1], since, until, replace)
