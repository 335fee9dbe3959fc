-- name: post_history
-- Every post published in the range (UTC days) under the organic filters, in no particular
-- order: its account, publication instant (microseconds since 1970), a number that orders
-- posts of the same instant (a hash of the id: sorting text here would cost more than the
-- whole query), media type, reach and engagement; what each post is judged on against its
-- own account's earlier posts.
SELECT
    media_id,
    hash(media_id)                AS tiebreak,
    account_id,
    epoch_us(posted_at)           AS posted_us,
    media_type,
    coalesce(reach, 0)::BIGINT    AS reach,
    (coalesce(like_count, 0) + coalesce(comments_count, 0) + coalesce(saved, 0)
        + coalesce(shares, 0))::BIGINT AS engagement
FROM ig_media
WHERE (posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($until + 1)::TIMESTAMP))
  AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
  AND ($media_types IS NULL OR list_contains($media_types, media_type))
