"""The fetch phase of an ingest run: what to ask the Graph API and the Marketing API for, and
the rows their answers give, held in memory. It talks HTTP only and writes nothing (the run in
ingest writes what it fetched in one transaction)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pyarrow.compute as pc

from insights.api import versions
from insights.api.client import GraphClient
from insights.errors import ApiError
from insights.ingest.fetch_ads import AdsFetcher
from insights.ingest.model import (
    TOKEN_WARN_DAYS,
    Fetched,
    IngestOptions,
    Reporter,
    Source,
    token_expiry_sentence,
)
from insights.ingest.values import parse_int
from insights.settings import Settings
from insights.store.database import Store

log = logging.getLogger(__name__)

MAX_HISTORY_DAYS = 37 * 30  # insights reach back at most 37 months


class Fetcher:
    """The fetch phase of one run: HTTP only, no store writes."""

    def __init__(
        self,
        client: GraphClient,
        store: Store,
        settings: Settings,
        options: IngestOptions,
        source: Source,
        reporter: Reporter,
        ads_client: GraphClient | None = None,
    ) -> None:
        self.client = client  # the Graph API (Instagram) at its version
        self.ads_client = ads_client or client  # the Marketing API at its version
        self.store = store
        self.settings = settings
        self.options = options
        self.source = source
        self.report = reporter
        self.now = datetime.now(UTC)
        self.until = options.until or self.now.date()
        self.out = Fetched()

    def fetch(self) -> Fetched:
        self._check_versions()
        self._token_expiry()
        from insights.ingest.fetch_instagram import InstagramFetcher  # it imports this module

        instagram = InstagramFetcher(
            self.client, self.store, self.settings, self.options, self.report, self.out
        )
        for account_id in self.source.ig_user_ids:
            instagram.fetch(str(account_id), self.source.today)
        for ad_account_id in self.source.ad_account_ids:
            self._ads(str(ad_account_id))
        self._period_reach()
        return self.out

    def _check_versions(self) -> None:
        """A version that has ended or ends within 30 days: one sentence naming the one to
        set (an ended Marketing API version is refused with 2635, or upgraded silently)."""
        used = [
            (versions.INSTAGRAM, self.client, bool(self.source.ig_user_ids)),
            (versions.ADS, self.ads_client, bool(self.source.ad_account_ids)),
        ]
        for api, client, asked in used:
            warning = versions.warning(api, client.version or "", self.now.date())
            if asked and warning:
                self.out.note(
                    "ads" if api is versions.ADS else "instagram", None, "warning", warning
                )

    def _token_expiry(self) -> None:
        """When the token expires (`GET /debug_token`), kept for the Data page's warning;
        a token that cannot be inspected is noted, never fatal."""
        try:
            body = self.client.get("debug_token", {"input_token": self.source.access_token})
        except ApiError as exc:
            self.out.note("token", None, "warning", f"The token's expiry is unknown: {exc}")
            return
        data = body.get("data")
        if not isinstance(data, dict):
            data = {}
        expires = parse_int(data.get("expires_at"), "debug_token expires_at")
        value = (
            datetime.fromtimestamp(expires, UTC).isoformat() if expires else "never"
        )  # 0: a token that does not expire (system users)
        self.out.sync_state.append(
            {"resource": "token", "key": "expires_at", "value": value, "updated_at": self.now}
        )
        if expires:
            left = datetime.fromtimestamp(expires, UTC) - self.now
            if left <= timedelta(days=TOKEN_WARN_DAYS):
                self.out.note("token", None, "warning", token_expiry_sentence(left))

    def _since(self, last_stored: date | None) -> date:
        """First day to read: the option, else the lookback before the last stored day, else
        the history setting (or the source's first day), within the API's 37 months."""
        if self.options.since:
            return self.options.since
        floor = self.until - timedelta(days=MAX_HISTORY_DAYS)
        if last_stored is not None:
            since = last_stored - timedelta(days=self.settings.lookback_days)
        elif self.source.earliest is not None:
            since = self.source.earliest
        else:
            since = self.until - timedelta(days=self.settings.history_days)
        return max(since, floor)

    def _last_date(self, sql: str, key: str) -> date | None:
        """The newest stored day of a key, never later than the run's last day."""
        with self.store.cursor() as cur:
            row = cur.execute(sql, {"key": key}).fetchone()
        return min(row[0], self.until) if row and row[0] is not None else None

    # -- Ads -------------------------------------------------------------------------------------

    def _ads(self, ad_account_id: str) -> None:
        last_day = self._last_date(
            # the API's own rows only: an imported row (a future date, say) must not move the
            # window the API is asked for
            "SELECT max(date) FROM ad_insights_daily WHERE ad_account_id = $key "
            "AND import_id IS NULL",
            ad_account_id,
        )
        # the ad level has its own last day: a store from before it existed gets its history
        last_ad_day = self._last_date(
            "SELECT max(date) FROM ad_level_daily WHERE ad_account_id = $key AND import_id IS NULL",
            ad_account_id,
        )
        AdsFetcher(
            self.ads_client,
            self.settings,
            self.report,
            self.out,
            self.now,
            self._stored_spend,
            self._stored_pictures,
        ).fetch(
            ad_account_id,
            self._since(last_day),
            self.until,
            self._since(last_ad_day) if last_day is not None else None,
        )

    def _period_reach(self) -> None:
        """The reach of the dashboard's preset periods, ending on the last day of ad data the
        refresh stored (the last day the pages' presets end on), for each ad account read.
        They belong with the ad level (the drill-down from campaigns to ads): an account
        whose ad level was not read (it lists no ads) keeps its stored periods as it keeps its
        stored ad-level days, and so does one whose whole range came back empty where the
        store holds spend."""
        days = [pc.max(ads.table["date"]).as_py() for ads in self.out.ad_insights.values()]
        stored = [
            self._last_date(
                "SELECT max(date) FROM ad_insights_daily WHERE ad_account_id = $key "
                "AND import_id IS NULL",
                key,
            )
            for key in self.out.ad_insights
        ]
        known = [d for d in (*days, *stored) if d is not None]
        if not known:
            return  # no delivery anywhere: no period has a reach
        anchor = max(known)
        floor = self.until - timedelta(days=MAX_HISTORY_DAYS)
        for ad_account_id, ads in self.out.ad_insights.items():
            if not ads.replace or ads.ad_level is None:
                continue
            campaigns = [c for c in self.out.campaigns if c["ad_account_id"] == ad_account_id]
            AdsFetcher(
                self.ads_client, self.settings, self.report, self.out, self.now
            ).period_reach(ad_account_id, anchor, campaigns, floor)

    def _stored_pictures(self, ad_account_id: str) -> set[str]:
        """Creatives whose thumbnail the store holds (a creative never changes: Meta makes
        a new one for an edit)."""
        with self.store.cursor() as cur:
            rows = cur.execute(
                "SELECT creative_id FROM ad_creatives WHERE ad_account_id = $key "
                "AND thumbnail IS NOT NULL",
                {"key": ad_account_id},
            ).fetchall()
        return {r[0] for r in rows}

    def _stored_spend(self, ad_account_id: str, since: date, until: date) -> bool:
        with self.store.cursor() as cur:
            row = cur.execute(
                "SELECT count(*) FROM ad_insights_daily WHERE ad_account_id = $key "
                "AND import_id IS NULL AND spend > 0 AND date BETWEEN $since AND $until",
                {"key": ad_account_id, "since": since, "until": until},
            ).fetchone()
        return bool(row and row[0])
