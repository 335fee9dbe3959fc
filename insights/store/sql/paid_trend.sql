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
    sales_sum(spend, v.sells)::DECIMAL(18, 2) AS sales_spend,
    sales_sum(conversions, v.sells)::BIGINT AS sales_conversions,
    sales_sum(conversion_value, v.sells)::DECIMAL(18, 2) AS sales_value
FROM {{paid_source}}
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE date BETWEEN $since AND $until
  AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
GROUP BY period, v.currency
ORDER BY period, v.currency
