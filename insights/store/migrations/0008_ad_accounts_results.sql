-- Ad accounts as the Marketing API describes them (GET /act_{id}?fields=name,currency,
-- timezone_name): every money figure of an account is in its currency, and its insight days
-- are days in its time zone. purchase_action_type is the ONE action type that the last
-- ingest counted as a purchase for this account (a per-account setting, see README).
CREATE TABLE ad_accounts (
    ad_account_id        VARCHAR PRIMARY KEY,
    name                 VARCHAR,
    currency             VARCHAR,   -- ISO 4217 code, e.g. USD, JPY
    timezone_name        VARCHAR,   -- IANA zone, e.g. America/Los_Angeles
    purchase_action_type VARCHAR,
    updated_at           TIMESTAMPTZ,
    import_id            BIGINT
);

-- What one result is for a campaign (insights.objectives): purchases for sales, leads for lead
-- generation, link clicks for traffic, reach for awareness, ThruPlays for video views ...
ALTER TABLE ad_campaigns ADD COLUMN result_type VARCHAR;

-- results: the count of the campaign's result (result_type) on that row, as Ads Manager's
-- "Results" column counts it; NULL where it is not known (e.g. an import without Results).
ALTER TABLE ad_insights_daily ADD COLUMN results BIGINT;
ALTER TABLE ad_campaign_daily ADD COLUMN results BIGINT;
ALTER TABLE ad_campaign_gender_daily ADD COLUMN results BIGINT;
ALTER TABLE ad_breakdown_weekly ADD COLUMN results BIGINT;

-- Stored rows before this migration counted the configured purchase type: that is their
-- result where the campaign sells, and unknown elsewhere until the next refresh re-reads it.
UPDATE ad_campaigns SET result_type = 'purchase'
WHERE objective IN ('OUTCOME_SALES', 'CONVERSIONS', 'PRODUCT_CATALOG_SALES');
