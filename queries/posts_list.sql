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
    coalesce(shares, 0)::BIGINT         AS shares
FROM ig_media
WHERE (posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($until + 1)::TIMESTAMP))
  AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
  AND ($media_types IS NULL OR list_contains($media_types, media_type))
ORDER BY posted_at DESC, media_id
