-- name: organic_post_totals
-- Sums over the posts published in the current range and (if given) the comparison range
-- (UTC day), one row each (`current` true / false), for all or the given accounts.
SELECT
    (posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($until + 1)::TIMESTAMP)) AS current,
    count(*)::BIGINT                          AS posts,
    coalesce(sum(reach), 0)::BIGINT           AS post_reach,
    coalesce(sum(like_count), 0)::BIGINT      AS likes,
    coalesce(sum(comments_count), 0)::BIGINT  AS comments,
    coalesce(sum(saved), 0)::BIGINT           AS saves,
    coalesce(sum(shares), 0)::BIGINT          AS shares,
    coalesce(sum(post_engagement(total_interactions, like_count, likes, comments_count, saved,
                                 shares)), 0)::BIGINT AS engagement,
    -- the engagement rate's numerator: only posts with insights (a reach) count
    coalesce(sum(post_engagement(total_interactions, like_count, likes, comments_count, saved,
                                 shares)) FILTER (WHERE reach IS NOT NULL), 0)::BIGINT
                                              AS rated_engagement
FROM ig_media
WHERE ((posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($until + 1)::TIMESTAMP))
       OR (posted_at >= timezone('UTC', $prev_since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($prev_until + 1)::TIMESTAMP)))
  AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
  AND ($media_types IS NULL OR list_contains($media_types, media_type))
GROUP BY current
