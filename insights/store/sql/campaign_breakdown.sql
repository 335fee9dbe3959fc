-- name: campaign_breakdown
-- Sums per age group and gender over the picked campaigns (all campaigns when $picked is
-- NULL) under the paid filters, per currency. The whole weeks (Monday to Sunday) of the
-- range come from the weekly rollup, the days before the first and after the last whole week
-- from the detail.
WITH parts AS (
    SELECT campaign_id, age, gender, spend, impressions, clicks, link_clicks, conversions,
           conversion_value
    FROM ad_breakdown_weekly
    WHERE week >= date_trunc('week', $since::DATE + 6)::DATE   -- first Monday on or after since
      AND week < date_trunc('week', $until::DATE + 1)::DATE     -- the Monday after the last Sunday
    UNION ALL
    SELECT campaign_id, age, gender, spend, impressions, clicks, link_clicks, conversions,
           conversion_value
    FROM ad_insights_daily
    WHERE date >= $since
      AND date < least(date_trunc('week', $since::DATE + 6)::DATE, $until::DATE + 1)
    UNION ALL
    SELECT campaign_id, age, gender, spend, impressions, clicks, link_clicks, conversions,
           conversion_value
    FROM ad_insights_daily
    WHERE date >= greatest(date_trunc('week', $until::DATE + 1)::DATE,
                           date_trunc('week', $since::DATE + 6)::DATE)
      AND date <= $until
)
SELECT
    age,
    gender,
    v.currency,
    sum(spend)::DECIMAL(18, 2)            AS spend,
    sum(impressions)::BIGINT              AS impressions,
    sum(clicks)::BIGINT                   AS clicks,
    sum(link_clicks)::BIGINT              AS link_clicks,
    sum(conversions)::BIGINT              AS conversions,
    sum(conversion_value)::DECIMAL(18, 2) AS conversion_value,
    sales_sum(spend, v.sells)::DECIMAL(18, 2) AS sales_spend,
    sales_sum(conversions, v.sells)::BIGINT AS sales_conversions,
    sales_sum(conversion_value, v.sells)::DECIMAL(18, 2) AS sales_value
FROM parts
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE ($picked IS NULL OR list_contains($picked, campaign_id))
  AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
GROUP BY age, gender, v.currency
ORDER BY age, gender, v.currency
