-- name: content_formats
-- Posts per media type and product type under the organic filters: counts, sums, and the
-- spread of the per-post engagement rate (quantiles), so a format is judged by its
-- distribution and not its mean alone.
WITH posts AS (
    SELECT
        media_type,
        coalesce(media_product_type, 'UNKNOWN') AS product_type,
        coalesce(reach, 0) AS reach,
        engagement,
        has_insights
    FROM organic_posts($since, $until, $account_ids, $media_types)
), grouped AS (
    -- one pass for both dimensions, and the five quantiles from one sort per group
    SELECT
        CASE WHEN grouping(media_type) = 0 THEN 'media_type' ELSE 'product_type' END
            AS dimension,
        CASE WHEN grouping(media_type) = 0 THEN media_type ELSE product_type END AS value,
        count(*)::BIGINT        AS posts,
        sum(reach)::BIGINT      AS post_reach,
        sum(engagement)::BIGINT AS engagement,
        -- the rate's numerator: only posts with insights (a reach) count
        coalesce(sum(engagement) FILTER (WHERE has_insights), 0)::BIGINT AS rated_engagement,
        quantile_cont(CASE WHEN reach > 0 THEN engagement / reach END,
                      [0.10, 0.25, 0.50, 0.75, 0.90]) AS q
    FROM posts
    GROUP BY GROUPING SETS ((media_type), (product_type))
)
SELECT dimension, value, posts, post_reach, engagement, rated_engagement,
       q[1] AS er_p10, q[2] AS er_p25, q[3] AS er_median, q[4] AS er_p75, q[5] AS er_p90
FROM grouped
ORDER BY dimension, posts DESC, value
