-- name: posts_list
-- Every post published in the range (UTC day) under the organic filters, newest first.
SELECT
    media_id,
    account_id,
    posted_at,
    media_type,
    coalesce(reach, 0)::BIGINT          AS reach,
    coalesce(like_count, 0)::BIGINT     AS likes,
    coalesce(comments_count, 0)::BIGINT AS comments,
    coalesce(saved, 0)::BIGINT          AS saves,
    coalesce(shares, 0)::BIGINT         AS shares,
    engagement::BIGINT
                                        AS engagement
FROM organic_posts($since, $until, $account_ids, $media_types)
ORDER BY posted_at DESC, media_id
