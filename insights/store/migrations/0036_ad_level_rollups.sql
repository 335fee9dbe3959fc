-- Ad-level sums per ad and day over all age groups and genders: what the Ads page (its ad set
-- and ad tables, the creative grid and the fatigue signal) reads when no age or gender filter
-- is set, 18x fewer rows than ad_level_daily (issue 18, speed). Like the campaign rollups
-- (0003), every write to ad_level_daily refreshes the days it touched in the same transaction,
-- and rows are kept in date order so a date range reads only the blocks of its days.
-- reach is the sum of the day's breakdown rows' reach and reached_impressions the impressions
-- of the rows that have one (Meta leaves reach out of breakdown rows over 13 months old): the
-- fatigue signal's daily frequency is their ratio, never a reach of the period.
CREATE TABLE ad_level_ad_daily (
    ad_account_id       VARCHAR NOT NULL,
    campaign_id         VARCHAR NOT NULL,
    adset_id            VARCHAR NOT NULL,
    ad_id               VARCHAR NOT NULL,
    date                DATE NOT NULL,
    spend               DECIMAL(18, 2) NOT NULL,
    impressions         BIGINT NOT NULL,
    clicks              BIGINT NOT NULL,
    link_clicks         BIGINT NOT NULL,
    conversions         BIGINT NOT NULL,
    conversion_value    DECIMAL(18, 2) NOT NULL,
    results             BIGINT,
    reach               BIGINT,
    reached_impressions BIGINT
);

INSERT INTO ad_level_ad_daily
SELECT ad_account_id, campaign_id, adset_id, ad_id, date, sum(spend), sum(impressions),
       sum(clicks), sum(link_clicks), sum(conversions), sum(conversion_value), sum(results),
       sum(reach), sum(impressions) FILTER (WHERE reach IS NOT NULL)
FROM ad_level_daily
GROUP BY ad_account_id, campaign_id, adset_id, ad_id, date
ORDER BY date, campaign_id;

-- The two tables the ad-level queries read (a {{ad_source}} slot), with the same columns: the
-- detail with each row's reached impressions, and the rollup with no age or gender (NULL, so
-- paid_selected reads both alike).
CREATE VIEW ad_level_daily_all AS
SELECT *, CASE WHEN reach IS NOT NULL THEN impressions END AS reached_impressions
FROM ad_level_daily;

CREATE VIEW ad_level_ad_daily_all AS
SELECT *, NULL::VARCHAR AS age, NULL::VARCHAR AS gender FROM ad_level_ad_daily;
