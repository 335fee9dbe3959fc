-- name: campaign_breakdown
-- Sums per age group and gender over the picked campaigns (all campaigns when $picked is
-- NULL) under the paid filters.
SELECT
    age,
    gender,
    sum(spend)::DECIMAL(18, 2)            AS spend,
    sum(impressions)::BIGINT              AS impressions,
    sum(clicks)::BIGINT                   AS clicks,
    sum(link_clicks)::BIGINT              AS link_clicks,
    sum(conversions)::BIGINT              AS conversions,
    sum(conversion_value)::DECIMAL(18, 2) AS conversion_value
FROM ad_insights_daily
WHERE date BETWEEN $since AND $until
  AND ($picked IS NULL OR list_contains($picked, campaign_id))
  AND ($campaign_ids IS NULL OR list_contains($campaign_ids, campaign_id))
  AND ($objectives IS NULL OR campaign_id IN (
        SELECT campaign_id FROM ad_campaigns WHERE list_contains($objectives, objective)))
  AND ($ages IS NULL OR list_contains($ages, age))
  AND ($genders IS NULL OR list_contains($genders, gender))
GROUP BY age, gender
ORDER BY age, gender
