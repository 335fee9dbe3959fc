-- name: organic_more_totals
-- For the current range and (if given) the comparison range, one row each (`current`), over
-- all or the given accounts: followers (each account's last snapshot up to the day after the
-- range, the morning after its last day, summed), net follower growth (that minus the last
-- snapshot up to its first day, or the first one after; empty without two snapshots), the unique reach of the range where Meta was asked for
-- exactly that range for every account (empty otherwise: a sum of daily reach is not reach),
-- and the stories published in the range with their summed reach.
WITH ranges AS (
    SELECT true AS current, $since::DATE AS since, $until::DATE AS until,
           $until::DATE + 1 AS snap_end
    UNION ALL
    SELECT false, $prev_since::DATE, $prev_until::DATE, $prev_until::DATE + 1
    WHERE $prev_since IS NOT NULL
), accounts AS (
    SELECT account_id FROM ig_accounts
    WHERE $account_ids IS NULL OR list_contains($account_ids, account_id)
), per_account AS (
    SELECT
        r.current,
        a.account_id,
        (SELECT max_by(s.followers_count, s.date) FROM ig_follower_snapshots AS s
          WHERE s.account_id = a.account_id AND s.date <= r.snap_end) AS followers_end,
        (SELECT max(s.date) FROM ig_follower_snapshots AS s
          WHERE s.account_id = a.account_id AND s.date <= r.snap_end) AS end_day,
        coalesce(
            (SELECT max_by(s.followers_count, s.date) FROM ig_follower_snapshots AS s
              WHERE s.account_id = a.account_id AND s.date <= r.since),
            (SELECT min_by(s.followers_count, s.date) FROM ig_follower_snapshots AS s
              WHERE s.account_id = a.account_id AND s.date BETWEEN r.since AND r.snap_end)
        ) AS followers_start,
        coalesce(
            (SELECT max(s.date) FROM ig_follower_snapshots AS s
              WHERE s.account_id = a.account_id AND s.date <= r.since),
            (SELECT min(s.date) FROM ig_follower_snapshots AS s
              WHERE s.account_id = a.account_id AND s.date BETWEEN r.since AND r.snap_end)
        ) AS start_day,
        (SELECT p.reach FROM ig_account_reach AS p
          WHERE p.account_id = a.account_id AND p.since = r.since AND p.until = r.until) AS reach
    FROM ranges AS r CROSS JOIN accounts AS a
), stories AS (
    SELECT r.current, count(s.story_id) AS stories, coalesce(sum(s.reach), 0) AS story_reach
    FROM ranges AS r
    LEFT JOIN ig_stories AS s
      ON s.posted_at >= timezone('UTC', r.since::TIMESTAMP)
     AND s.posted_at < timezone('UTC', (r.until + 1)::TIMESTAMP)
     AND ($account_ids IS NULL OR list_contains($account_ids, s.account_id))
    GROUP BY r.current
)
SELECT
    p.current,
    sum(p.followers_end)::BIGINT AS followers,
    CASE WHEN count(*) FILTER (WHERE p.start_day < p.end_day AND p.end_day > r.since) > 0
         THEN sum(p.followers_end - p.followers_start)
              FILTER (WHERE p.start_day < p.end_day AND p.end_day > r.since)
    END::BIGINT AS net_followers,
    CASE WHEN count(p.reach) = count(*) AND count(*) > 0 THEN sum(p.reach) END::BIGINT AS reach,
    any_value(s.stories)::BIGINT AS stories,
    any_value(s.story_reach)::BIGINT AS story_reach
FROM per_account AS p
JOIN ranges AS r USING (current)
JOIN stories AS s USING (current)
GROUP BY p.current
