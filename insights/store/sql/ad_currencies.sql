-- name: ad_currencies
-- The currencies the ad accounts spend in (a view of one of them draws its money at once).
SELECT DISTINCT currency FROM ad_accounts ORDER BY 1
