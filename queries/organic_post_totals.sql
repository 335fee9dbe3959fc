-- name: organic_post_totals
-- Sums over the posts published in the current range and (if given) the comparison range
-- (UTC day), one row each (`current` true / false), for all or the given accounts.
SELECT
    timezone('UTC', posted_at)::DATE BETWEEN $since AND $until AS current,
    count(*)::BIGINT                          AS posts,
    coalesce(sum(reach), 0)::BIGINT           AS post_reach,
    coalesce(sum(like_count), 0)::BIGINT      AS likes,
    coalesce(sum(comments_count), 0)::BIGINT  AS comments,
    coalesce(sum(saved), 0)::BIGINT           AS saves,
    coalesce(sum(shares), 0)::BIGINT          AS shares
FROM ig_media
WHERE (timezone('UTC', posted_at)::DATE BETWEEN $since AND $until
       OR timezone('UTC', posted_at)::DATE BETWEEN $prev_since AND $prev_until)
  AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
  AND ($media_types IS NULL OR list_contains($media_types, media_type))
GROUP BY current
