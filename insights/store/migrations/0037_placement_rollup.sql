-- Placement sums per campaign and day (over its ad sets and ads): what the Ads page's
-- placements read when no ad set or ad is picked, about 5x fewer rows than
-- ad_level_placement_daily (issue 18, speed). Kept in step by every write to the placement rows,
-- in the same transaction, and stored in date order like the other rollups.
CREATE TABLE ad_placement_campaign_daily (
    ad_account_id      VARCHAR NOT NULL,
    campaign_id        VARCHAR NOT NULL,
    publisher_platform VARCHAR NOT NULL,
    platform_position  VARCHAR NOT NULL,
    impression_device  VARCHAR NOT NULL,
    date               DATE NOT NULL,
    spend              DECIMAL(18, 2) NOT NULL,
    impressions        BIGINT NOT NULL,
    clicks             BIGINT NOT NULL,
    link_clicks        BIGINT NOT NULL,
    conversions        BIGINT NOT NULL,
    conversion_value   DECIMAL(18, 2) NOT NULL,
    results            BIGINT
);

INSERT INTO ad_placement_campaign_daily
SELECT ad_account_id, campaign_id, publisher_platform, platform_position, impression_device,
       date, sum(spend), sum(impressions), sum(clicks), sum(link_clicks), sum(conversions),
       sum(conversion_value), sum(results)
FROM ad_level_placement_daily
GROUP BY ALL
ORDER BY date, campaign_id;

-- The two tables the placement query reads (a {{placement_source}} slot) with the same
-- columns: the rows by ad, and the rollup with no ad set or ad (NULL: it is read only when
-- none is picked).
CREATE VIEW ad_level_placement_daily_all AS SELECT * FROM ad_level_placement_daily;

CREATE VIEW ad_placement_campaign_daily_all AS
SELECT *, NULL::VARCHAR AS adset_id, NULL::VARCHAR AS ad_id FROM ad_placement_campaign_daily;
