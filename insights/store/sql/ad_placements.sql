-- name: ad_placements
-- Sums per placement (publisher_platform x platform_position x impression_device) of the ads
-- of one campaign, ad set or ad (or of all where each is NULL), from the placement query's
-- rows, which Meta serves apart from age and gender (so no age or gender filter applies);
-- one row per placement and currency (money is never added across currencies). Without an ad
-- set or ad picked it reads the per-campaign rollup of the placement rows.
SELECT
    p.publisher_platform,
    p.platform_position,
    p.impression_device,
    v.currency,
    sum(p.spend)::DECIMAL(18, 2)            AS spend,
    sum(p.impressions)::BIGINT              AS impressions,
    sum(p.clicks)::BIGINT                   AS clicks,
    sum(p.link_clicks)::BIGINT              AS link_clicks,
    sum(p.conversions)::BIGINT              AS conversions,
    sum(p.conversion_value)::DECIMAL(18, 2) AS conversion_value,
    sales_sum(p.spend, v.sells)::DECIMAL(18, 2)            AS sales_spend,
    sales_sum(p.conversions, v.sells)::BIGINT              AS sales_conversions,
    sales_sum(p.conversion_value, v.sells)::DECIMAL(18, 2) AS sales_value
FROM {{placement_source}} AS p
LEFT JOIN ad_campaign_values AS v ON v.campaign_id = p.campaign_id
WHERE p.date BETWEEN $since AND $until
  AND ($campaign IS NULL OR p.campaign_id = $campaign)
  AND ($adset IS NULL OR p.adset_id = $adset)
  AND ($ad IS NULL OR p.ad_id = $ad)
  AND paid_selected(p.campaign_id, NULL, NULL, $campaign_ids, $objectives, NULL, NULL)
GROUP BY ALL
ORDER BY spend DESC, p.publisher_platform, p.platform_position, p.impression_device
