-- name: campaign_options
-- Campaigns a filter can offer: every campaign known to the store, by name.
SELECT campaign_id, coalesce(name, campaign_id) AS campaign_name, objective, status
FROM ad_campaigns
ORDER BY campaign_name, campaign_id
