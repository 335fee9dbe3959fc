-- name: ad_time_zones
-- The time zones of the ad accounts (IANA names), for defaults that follow the account.
SELECT DISTINCT timezone_name FROM ad_accounts WHERE timezone_name IS NOT NULL ORDER BY 1
