-- name: ad_level_campaigns
-- The campaigns and their ad sets (as listed by the API or kept from an import), by name:
-- what the Ads page's pickers offer.
SELECT
    a.campaign_id,
    coalesce(c.name, a.campaign_id) AS campaign_name,
    a.adset_id,
    coalesce(a.name, a.adset_id)    AS adset_name
FROM ad_sets AS a
LEFT JOIN ad_campaigns AS c USING (campaign_id)
ORDER BY campaign_name, a.campaign_id, adset_name, a.adset_id
