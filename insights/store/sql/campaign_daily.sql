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
    sales_sum(spend, v.sells)::DECIMAL(18, 2) AS sales_spend,
    sales_sum(conversions, v.sells)::BIGINT AS sales_conversions,
    sales_sum(conversion_value, v.sells)::DECIMAL(18, 2) AS sales_value
FROM {{paid_source}}
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE date BETWEEN $since AND $until
  AND list_contains($picked, campaign_id)
  AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
GROUP BY campaign_id, date
ORDER BY campaign_id, date
