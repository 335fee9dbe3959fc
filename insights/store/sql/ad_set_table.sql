-- name: ad_set_table
-- One row per ad set with delivery in the range (of one campaign, or of all when $campaign is
-- NULL): its settings and the sums of its ads' insights, summed per ad set first and joined
-- with the ad sets after (one row per ad set, not one per day). The figures are the ad
-- level's (ad_level_daily, or its per-ad rollup without an age or gender filter), which add up
-- to the campaign level's; currency, result type and sales come from the ad set's campaign.
WITH sums AS (
    SELECT
        adset_id,
        campaign_id,
        sum(spend)::DECIMAL(18, 2)            AS spend,
        sum(impressions)::BIGINT              AS impressions,
        sum(clicks)::BIGINT                   AS clicks,
        sum(link_clicks)::BIGINT              AS link_clicks,
        sum(conversions)::BIGINT              AS conversions,
        sum(conversion_value)::DECIMAL(18, 2) AS conversion_value,
        sum(results)::BIGINT                  AS results
    FROM {{ad_source}}
    WHERE date BETWEEN $since AND $until
      AND ($campaign IS NULL OR campaign_id = $campaign)
      AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
    GROUP BY adset_id, campaign_id
)
SELECT
    s.adset_id,
    coalesce(a.name, s.adset_id)    AS adset_name,
    s.campaign_id,
    coalesce(c.name, s.campaign_id) AS campaign_name,
    c.objective,
    coalesce(a.effective_status, a.status) AS status,
    a.optimization_goal,
    a.billing_event,
    a.daily_budget,
    a.lifetime_budget,
    a.targeting_summary,
    a.attribution_setting,
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
LEFT JOIN ad_sets AS a USING (adset_id)
LEFT JOIN ad_campaigns AS c ON c.campaign_id = s.campaign_id
LEFT JOIN ad_campaign_values AS v ON v.campaign_id = s.campaign_id
ORDER BY s.spend DESC, s.adset_id
