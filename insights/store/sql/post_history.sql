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
    engagement::BIGINT AS engagement
FROM organic_posts($since, $until, $account_ids, $media_types)
