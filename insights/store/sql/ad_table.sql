-- name: ad_table
-- One row per ad with delivery in the range (of one campaign and ad set, or of all where
-- $campaign / $adset is NULL): its ad set, campaign and creative and the sums of its insights,
-- summed per ad first and joined after. currency, result type and sales come from its campaign.
WITH sums AS (
    SELECT
        ad_id,
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
      AND ($adset IS NULL OR adset_id = $adset)
      AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
    GROUP BY ad_id, adset_id, campaign_id
)
SELECT
    s.ad_id,
    coalesce(d.name, s.ad_id)       AS ad_name,
    s.adset_id,
    coalesce(a.name, s.adset_id)    AS adset_name,
    s.campaign_id,
    coalesce(c.name, s.campaign_id) AS campaign_name,
    c.objective,
    coalesce(d.effective_status, d.status) AS status,
    d.creative_id,
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
LEFT JOIN ads AS d USING (ad_id)
LEFT JOIN ad_sets AS a ON a.adset_id = s.adset_id
LEFT JOIN ad_campaigns AS c ON c.campaign_id = s.campaign_id
LEFT JOIN ad_campaign_values AS v ON v.campaign_id = s.campaign_id
ORDER BY s.spend DESC, s.ad_id
