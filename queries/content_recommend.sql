-- name: content_recommend
-- Per account and option (a format, a weekday x 3-hour slot in the time zone $tz, a hashtag):
-- the posts with reach under the organic filters, their reach and engagement, and the spread
-- of the per-post engagement rate, for recommendations shrunk toward the account's rate.
WITH posts AS (
    SELECT
        account_id,
        coalesce(media_product_type, 'FEED') || ' ' || coalesce(media_type, 'UNKNOWN') AS format,
        (isodow(timezone($tz, posted_at)) - 1)::INTEGER AS weekday,
        (hour(timezone($tz, posted_at)) // 3 * 3)::INTEGER AS block,
        reach,
        (coalesce(like_count, 0) + coalesce(comments_count, 0) + coalesce(saved, 0)
            + coalesce(shares, 0))::DOUBLE AS engagement,
        hashtags AS tags
    FROM ig_media
    WHERE (posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($until + 1)::TIMESTAMP))
      AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
      AND ($media_types IS NULL OR list_contains($media_types, media_type))
      AND reach > 0
), options AS (
    SELECT account_id, 'account' AS dimension, '' AS option, reach, engagement FROM posts
    UNION ALL
    SELECT account_id, 'format', format, reach, engagement FROM posts
    UNION ALL
    SELECT account_id, 'time', weekday::VARCHAR || ':' || block::VARCHAR, reach, engagement
    FROM posts
    UNION ALL
    SELECT account_id, 'hashtag', unnest(tags), reach, engagement FROM posts
)
SELECT
    account_id,
    dimension,
    option,
    count(*)::BIGINT                     AS posts,
    sum(reach)::DOUBLE                   AS post_reach,
    sum(engagement)::DOUBLE              AS engagement,
    coalesce(var_samp(engagement / reach), 0) AS rate_variance
FROM options
GROUP BY account_id, dimension, option
