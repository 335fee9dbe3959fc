-- name: organic_post_totals
-- Sums over the posts published in the current range and (if given) the comparison range
-- (UTC day), one row each (`current` true / false), for all or the given accounts.
WITH posts AS (
    SELECT true AS current, * FROM organic_posts($since, $until, $account_ids, $media_types)
    UNION ALL  -- no rows when there is no comparison range (NULL bounds select nothing)
    SELECT false, * FROM organic_posts($prev_since, $prev_until, $account_ids, $media_types)
)
SELECT
    current,
    count(*)::BIGINT                          AS posts,
    coalesce(sum(reach), 0)::BIGINT           AS post_reach,
    coalesce(sum(like_count), 0)::BIGINT      AS likes,
    coalesce(sum(comments_count), 0)::BIGINT  AS comments,
    coalesce(sum(saved), 0)::BIGINT           AS saves,
    coalesce(sum(shares), 0)::BIGINT          AS shares,
    coalesce(sum(engagement), 0)::BIGINT      AS engagement,
    -- the engagement rate's numerator: only posts with insights (a reach) count
    coalesce(sum(engagement) FILTER (WHERE has_insights), 0)::BIGINT
                                              AS rated_engagement
FROM posts
GROUP BY current
