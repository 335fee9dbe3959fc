-- name: campaign_daily
-- Daily sums of the picked campaigns under the paid filters, one row per campaign and day
-- with delivery.
SELECT
    campaign_id,
    date,
    sum(spend)::DECIMAL(18, 2)            AS spend,
    sum(impressions)::BIGINT              AS impressions,
    sum(clicks)::BIGINT                   AS clicks,
    sum(link_clicks)::BIGINT              AS link_clicks,
    sum(conversions)::BIGINT              AS conversions,
    sum(conversion_value)::DECIMAL(18, 2) AS conversion_value,
    (sum(spend) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_spend,
    (sum(conversions) FILTER (WHERE v.sells IS NOT FALSE))::BIGINT AS sales_conversions,
    (sum(conversion_value) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_value
FROM {{paid_source}}
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE date BETWEEN $since AND $until
  AND list_contains($picked, campaign_id)
  AND ($campaign_ids IS NULL OR list_contains($campaign_ids, campaign_id))
  AND ($objectives IS NULL OR campaign_id IN (
        SELECT campaign_id FROM ad_campaigns WHERE list_contains($objectives, objective)))
  AND ($ages IS NULL OR list_contains($ages, age))
  AND ($genders IS NULL OR list_contains($genders, gender))
GROUP BY campaign_id, date
ORDER BY campaign_id, date
