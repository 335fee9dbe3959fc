-- Two more rollups of ad_insights_daily, kept in step with it by every write (like
-- ad_campaign_daily, in the transaction that changed its days), so that no page scans the
-- age x gender detail of a long range:
--
-- ad_campaign_gender_daily: sums per campaign, day and gender over all age groups; what the
-- paid queries read when a gender filter is set and no age filter (a sixth of the detail's rows
-- with the six age groups).
CREATE TABLE ad_campaign_gender_daily (
    ad_account_id    VARCHAR NOT NULL,
    campaign_id      VARCHAR NOT NULL,
    date             DATE NOT NULL,
    gender           VARCHAR NOT NULL,
    spend            DECIMAL(18, 2) NOT NULL,
    impressions      BIGINT NOT NULL,
    clicks           BIGINT NOT NULL,
    link_clicks      BIGINT NOT NULL,
    conversions      BIGINT NOT NULL,
    conversion_value DECIMAL(18, 2) NOT NULL
);

INSERT INTO ad_campaign_gender_daily
SELECT ad_account_id, campaign_id, date, gender, sum(spend), sum(impressions), sum(clicks),
       sum(link_clicks), sum(conversions), sum(conversion_value)
FROM ad_insights_daily
GROUP BY ad_account_id, campaign_id, date, gender
ORDER BY date, campaign_id;

-- The rollup with the detail table's filter columns, so one query text reads either.
CREATE VIEW ad_campaign_gender_daily_all AS
SELECT *, NULL::VARCHAR AS age FROM ad_campaign_gender_daily;

-- ad_breakdown_weekly: sums per campaign, week (starting Monday), age group and gender; the
-- age x gender breakdown reads it for the whole weeks of its range and the detail only for
-- the days of the partial weeks at either end (a seventh of the rows over a long range).
CREATE TABLE ad_breakdown_weekly (
    campaign_id      VARCHAR NOT NULL,
    week             DATE NOT NULL,
    age              VARCHAR NOT NULL,
    gender           VARCHAR NOT NULL,
    spend            DECIMAL(18, 2) NOT NULL,
    impressions      BIGINT NOT NULL,
    clicks           BIGINT NOT NULL,
    link_clicks      BIGINT NOT NULL,
    conversions      BIGINT NOT NULL,
    conversion_value DECIMAL(18, 2) NOT NULL
);

INSERT INTO ad_breakdown_weekly
SELECT campaign_id, date_trunc('week', date)::DATE AS week, age, gender, sum(spend),
       sum(impressions), sum(clicks), sum(link_clicks), sum(conversions), sum(conversion_value)
FROM ad_insights_daily
GROUP BY campaign_id, week, age, gender
ORDER BY week, campaign_id;
