-- name: organic_followers
-- Followers per day of all or the given accounts from the snapshots each refresh keeps (an
-- account without a snapshot that day counts with its last earlier one), over the range and
-- the day after it (a refresh shows the followers at the end of the day before).
WITH days AS (
    SELECT unnest(generate_series($since::DATE, $until::DATE + 1, INTERVAL 1 DAY))::DATE AS date
), accounts AS (
    SELECT DISTINCT account_id FROM ig_follower_snapshots
    WHERE $account_ids IS NULL OR list_contains($account_ids, account_id)
)
SELECT d.date,
       sum((SELECT max_by(s.followers_count, s.date) FROM ig_follower_snapshots AS s
             WHERE s.account_id = a.account_id AND s.date <= d.date))::BIGINT AS followers
FROM days AS d CROSS JOIN accounts AS a
GROUP BY d.date
HAVING count(*) FILTER (WHERE EXISTS (
    SELECT 1 FROM ig_follower_snapshots AS s WHERE s.account_id = a.account_id AND s.date <= d.date
)) > 0
ORDER BY d.date
