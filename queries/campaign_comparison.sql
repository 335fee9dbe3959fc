-- name: campaign_comparison
-- One row per campaign with delivery in the range: its settings and the sums of its insights.
SELECT
    i.campaign_id,
    coalesce(c.name, i.campaign_id)       AS campaign_name,
    c.objective,
    c.status,
    c.daily_budget,
    c.lifetime_budget,
    sum(i.spend)::DECIMAL(18, 2)          AS spend,
    sum(i.impressions)::BIGINT            AS impressions,
    sum(i.clicks)::BIGINT                 AS clicks,
    sum(i.link_clicks)::BIGINT            AS link_clicks,
    sum(i.conversions)::BIGINT            AS conversions,
    sum(i.conversion_value)::DECIMAL(18, 2) AS conversion_value
FROM {{paid_source}} AS i
LEFT JOIN ad_campaigns AS c USING (campaign_id)
WHERE i.date BETWEEN $since AND $until
  AND ($campaign_ids IS NULL OR list_contains($campaign_ids, i.campaign_id))
  AND ($objectives IS NULL OR i.campaign_id IN (
        SELECT campaign_id FROM ad_campaigns WHERE list_contains($objectives, objective)))
  AND ($ages IS NULL OR list_contains($ages, i.age))
  AND ($genders IS NULL OR list_contains($genders, i.gender))
GROUP BY ALL
ORDER BY spend DESC, campaign_id
