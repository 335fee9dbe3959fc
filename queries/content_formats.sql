-- name: content_formats
-- Posts per media type and product type under the organic filters: counts, sums, and the
-- spread of the per-post engagement rate (quantiles), so a format is judged by its
-- distribution and not its mean alone.
WITH posts AS (
    SELECT
        media_type,
        coalesce(media_product_type, 'UNKNOWN') AS product_type,
        coalesce(reach, 0) AS reach,
        coalesce(like_count, 0) + coalesce(comments_count, 0) + coalesce(saved, 0)
            + coalesce(shares, 0) AS engagement
    FROM ig_media
    WHERE (posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($until + 1)::TIMESTAMP))
  AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
  AND ($media_types IS NULL OR list_contains($media_types, media_type))
)
SELECT
    dimension,
    value,
    count(*)::BIGINT                AS posts,
    sum(reach)::BIGINT              AS post_reach,
    sum(engagement)::BIGINT         AS engagement,
    quantile_cont(rate, 0.10)       AS er_p10,
    quantile_cont(rate, 0.25)       AS er_p25,
    quantile_cont(rate, 0.50)       AS er_median,
    quantile_cont(rate, 0.75)       AS er_p75,
    quantile_cont(rate, 0.90)       AS er_p90
FROM (
    SELECT 'media_type' AS dimension, media_type AS value, reach, engagement,
           CASE WHEN reach > 0 THEN engagement / reach END AS rate
    FROM posts
    UNION ALL
    SELECT 'product_type', product_type, reach, engagement,
           CASE WHEN reach > 0 THEN engagement / reach END
    FROM posts
)
GROUP BY dimension, value
ORDER BY dimension, posts DESC, value
