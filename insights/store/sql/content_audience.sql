-- name: content_audience
-- Followers by age, gender, country and city (Meta's follower_demographics) of all or the
-- given accounts, as last read for each account, summed over the accounts.
WITH latest AS (
    SELECT account_id, max(date) AS date
    FROM ig_audience
    WHERE $account_ids IS NULL OR list_contains($account_ids, account_id)
    GROUP BY account_id
)
SELECT d.breakdown, d.key, sum(d.followers)::BIGINT AS followers, max(d.date) AS read_on
FROM ig_audience AS d
JOIN latest USING (account_id, date)
GROUP BY d.breakdown, d.key
ORDER BY d.breakdown, followers DESC, d.key
