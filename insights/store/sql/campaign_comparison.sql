-- name: campaign_comparison
-- One row per campaign with delivery in the range: its settings and the sums of its insights.
-- The insights are summed per campaign first and joined with the campaigns after, so the
-- join and the grouping touch one row per campaign, not one per day. currency: its ad
-- account's; results: the count of the result its objective seeks (result_type).
WITH sums AS (
    SELECT
        campaign_id,
        sum(spend)::DECIMAL(18, 2)            AS spend,
        sum(impressions)::BIGINT              AS impressions,
        sum(clicks)::BIGINT                   AS clicks,
        sum(link_clicks)::BIGINT              AS link_clicks,
        sum(conversions)::BIGINT              AS conversions,
        sum(conversion_value)::DECIMAL(18, 2) AS conversion_value,
        sum(results)::BIGINT                  AS results
    FROM {{paid_source}}
    WHERE date BETWEEN $since AND $until
      AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
    GROUP BY campaign_id
)
SELECT
    s.campaign_id,
    coalesce(c.name, s.campaign_id) AS campaign_name,
    c.objective,
    c.status,
    c.daily_budget,
    c.lifetime_budget,
    v.currency,
    v.result_type,
    s.spend,
    s.impressions,
    s.clicks,
    s.link_clicks,
    s.conversions,
    s.conversion_value,
    sales_only(s.spend, v.sells)::DECIMAL(18, 2) AS sales_spend,
    sales_only(s.conversions, v.sells)::BIGINT AS sales_conversions,
    sales_only(s.conversion_value, v.sells)::DECIMAL(18, 2) AS sales_value,
    s.results
FROM sums AS s
LEFT JOIN ad_campaigns AS c USING (campaign_id)
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
ORDER BY s.spend DESC, s.campaign_id
