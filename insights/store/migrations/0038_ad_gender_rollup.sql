-- Ad-level sums per ad, day and gender over all age groups: what the Ads page reads when a
-- gender filter is set and no age filter, as ad_campaign_gender_daily is for the campaign level
-- (0006). Without it a gender filter read the age x gender detail, 6x the rows with the six
-- age groups (issue 18, speed: a 90-day range of every ad took about 120 ms at 50M ad-level
-- rows). Kept in step by every write to ad_level_daily, in the same transaction, and stored in
-- date order like the other rollups. reach and reached_impressions as in ad_level_ad_daily
-- (0036): sums over the day's breakdown rows, never a reach of a period.
CREATE TABLE ad_level_ad_gender_daily (
    ad_account_id       VARCHAR NOT NULL,
    campaign_id         VARCHAR NOT NULL,
    adset_id            VARCHAR NOT NULL,
    ad_id               VARCHAR NOT NULL,
    date                DATE NOT NULL,
    gender              VARCHAR NOT NULL,
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

INSERT INTO ad_level_ad_gender_daily
SELECT ad_account_id, campaign_id, adset_id, ad_id, date, gender, sum(spend),
       sum(impressions), sum(clicks), sum(link_clicks), sum(conversions),
       sum(conversion_value), sum(results), sum(reach),
       sum(impressions) FILTER (WHERE reach IS NOT NULL)
FROM ad_level_daily
GROUP BY ad_account_id, campaign_id, adset_id, ad_id, date, gender
ORDER BY date, campaign_id;

-- The rollup with the detail's filter columns (a NULL age), so one query text reads either.
CREATE VIEW ad_level_ad_gender_daily_all AS
SELECT *, NULL::VARCHAR AS age FROM ad_level_ad_gender_daily;
