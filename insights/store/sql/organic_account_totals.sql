-- name: organic_account_totals
-- Sums of the accounts' daily insights over the current range and (if given) the comparison
-- range, one row each (`current` true / false); daily reach is summed, not unique.
SELECT
    date BETWEEN $since AND $until            AS current,
    coalesce(sum(reach), 0)::BIGINT           AS daily_reach,
    coalesce(sum(views), 0)::BIGINT           AS account_views,
    coalesce(sum(follower_count), 0)::BIGINT  AS new_followers,
    coalesce(sum(profile_views), 0)::BIGINT   AS profile_views,
    coalesce(sum(website_clicks), 0)::BIGINT  AS website_clicks
FROM ig_account_daily
WHERE (date BETWEEN $since AND $until OR date BETWEEN $prev_since AND $prev_until)
  AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
GROUP BY current
