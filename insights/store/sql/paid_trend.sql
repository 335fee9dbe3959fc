-- name: paid_trend
-- Paid sums per period (day, week or month, truncated in SQL) and currency over a date range.
SELECT
    date_trunc($grain, date)::DATE     AS period,
    v.currency,
    sum(spend)::DECIMAL(18, 2)         AS spend,
    sum(impressions)::BIGINT           AS impressions,
    sum(clicks)::BIGINT                AS clicks,
    sum(link_clicks)::BIGINT           AS link_clicks,
    sum(conversions)::BIGINT           AS conversions,
    sum(conversion_value)::DECIMAL(18, 2) AS conversion_value,
    (sum(spend) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_spend,
    (sum(conversions) FILTER (WHERE v.sells IS NOT FALSE))::BIGINT AS sales_conversions,
    (sum(conversion_value) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_value
FROM {{paid_source}}
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE date BETWEEN $since AND $until
  AND ($campaign_ids IS NULL OR list_contains($campaign_ids, campaign_id))
  AND ($objectives IS NULL OR campaign_id IN (
        SELECT campaign_id FROM ad_campaigns WHERE list_contains($objectives, objective)))
  AND ($ages IS NULL OR list_contains($ages, age))
  AND ($genders IS NULL OR list_contains($genders, gender))
GROUP BY period, v.currency
ORDER BY period, v.currency
