-- name: report_ad_accounts
-- The ad accounts of the listed campaigns, by name, with their currency: whose money a
-- report shows.
SELECT DISTINCT coalesce(a.name, c.ad_account_id) AS name, a.currency
FROM ad_campaigns AS c
LEFT JOIN ad_accounts AS a USING (ad_account_id)
WHERE list_contains($listed, c.campaign_id)
ORDER BY name
