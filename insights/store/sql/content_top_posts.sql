-- name: content_top_posts
-- The best posts published in the range under the organic filters, ranked by the chosen
-- measure (a column name from an allow-list), with their figures; at most $limit rows.
-- The account names are joined to the winners only, so that the ranking reads the numbers
-- alone and DuckDB fetches captions and links for the winners' rows (late materialisation).
WITH posts AS (
    SELECT
        media_id,
        account_id,
        posted_at,
        media_type,
        media_product_type,
        caption,
        permalink,
        coalesce(thumbnail_url, media_url) AS picture,
        coalesce(reach, 0)::BIGINT AS reach,
        coalesce(views, 0)::BIGINT AS views,
        engagement::BIGINT AS engagement
    FROM organic_posts($since, $until, $account_ids, $media_types)
), ranked AS (
    SELECT *, CASE WHEN reach > 0 THEN engagement / reach END AS engagement_rate
    FROM posts
    ORDER BY {{post_rank}} DESC NULLS LAST, media_id
    LIMIT $limit
)
SELECT
    r.media_id,
    r.account_id,
    coalesce('@' || a.username, r.account_id) AS account,
    r.posted_at,
    r.media_type,
    r.media_product_type,
    r.caption,
    r.permalink,
    r.picture,
    r.reach,
    r.views,
    r.engagement,
    r.engagement_rate
FROM ranked AS r
LEFT JOIN ig_accounts AS a USING (account_id)
ORDER BY r.{{post_rank}} DESC NULLS LAST, r.media_id
