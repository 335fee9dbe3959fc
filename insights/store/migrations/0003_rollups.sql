-- Paid sums per campaign and day over all age groups and genders: what the pages read when no
-- age or gender filter is set (18x fewer rows than ad_insights_daily). Every write to
-- ad_insights_daily refreshes the days it touched, in the same transaction. Rows are kept in
-- date order so a date range reads only the blocks of its days.
CREATE TABLE ad_campaign_daily (
    ad_account_id    VARCHAR NOT NULL,
    campaign_id      VARCHAR NOT NULL,
    date             DATE NOT NULL,
    spend            DECIMAL(18, 2) NOT NULL,
    impressions      BIGINT NOT NULL,
    clicks           BIGINT NOT NULL,
    link_clicks      BIGINT NOT NULL,
    conversions      BIGINT NOT NULL,
    conversion_value DECIMAL(18, 2) NOT NULL
);

INSERT INTO ad_campaign_daily
SELECT ad_account_id, campaign_id, date, sum(spend), sum(impressions), sum(clicks),
       sum(link_clicks), sum(conversions), sum(conversion_value)
FROM ad_insights_daily
GROUP BY ad_account_id, campaign_id, date
ORDER BY date, campaign_id;

-- The rollup with the detail table's filter columns, so one query text reads either.
CREATE VIEW ad_campaign_daily_all AS
SELECT *, NULL::VARCHAR AS age, NULL::VARCHAR AS gender FROM ad_campaign_daily;
