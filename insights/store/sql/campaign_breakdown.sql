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
    (sum(spend) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_spend,
    (sum(conversions) FILTER (WHERE v.sells IS NOT FALSE))::BIGINT AS sales_conversions,
    (sum(conversion_value) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_value
FROM parts
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE ($picked IS NULL OR list_contains($picked, campaign_id))
  AND ($campaign_ids IS NULL OR list_contains($campaign_ids, campaign_id))
  AND ($objectives IS NULL OR campaign_id IN (
        SELECT campaign_id FROM ad_campaigns WHERE list_contains($objectives, objective)))
  AND ($ages IS NULL OR list_contains($ages, age))
  AND ($genders IS NULL OR list_contains($genders, gender))
GROUP BY age, gender, v.currency
ORDER BY age, gender, v.currency
