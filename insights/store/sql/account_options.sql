-- name: account_options
-- Instagram accounts a filter can offer.
SELECT account_id, coalesce('@' || username, account_id) AS label
FROM ig_accounts
ORDER BY label
