-- name: content_top_posts
-- The best posts published in the range under the organic filters, ranked by the chosen
-- measure (a column name from an allow-list), with their figures; at most $limit rows.
WITH posts AS (
    SELECT
        m.media_id,
        m.account_id,
        coalesce('@' || a.username, m.account_id) AS account,
        m.posted_at,
        m.media_type,
        m.media_product_type,
        m.caption,
        m.permalink,
        coalesce(m.reach, 0)::BIGINT AS reach,
        coalesce(m.views, 0)::BIGINT AS views,
        (coalesce(m.like_count, 0) + coalesce(m.comments_count, 0) + coalesce(m.saved, 0)
         + coalesce(m.shares, 0))::BIGINT AS engagement
    FROM ig_media AS m
    LEFT JOIN ig_accounts AS a USING (account_id)
    WHERE (m.posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND m.posted_at < timezone('UTC', ($until + 1)::TIMESTAMP))
      AND ($account_ids IS NULL OR list_contains($account_ids, m.account_id))
      AND ($media_types IS NULL OR list_contains($media_types, m.media_type))
)
SELECT *, CASE WHEN reach > 0 THEN engagement / reach END AS engagement_rate
FROM posts
ORDER BY {{post_rank}} DESC NULLS LAST, media_id
LIMIT $limit
