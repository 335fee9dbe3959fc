-- name: content_hashtags
-- Hashtags (lower-cased, once per post; ig_media.hashtags, extracted when the post was
-- written) of the posts under the organic filters, with the posts that use them, their reach
-- and engagement; only hashtags on at least $min_posts posts.
WITH tagged AS (
    SELECT
        unnest(hashtags) AS hashtag,
        coalesce(reach, 0) AS reach,
        engagement,
        has_insights
    FROM organic_posts($since, $until, $account_ids, $media_types)
)
SELECT hashtag, count(*)::BIGINT AS posts, sum(reach)::BIGINT AS post_reach,
       sum(engagement)::BIGINT AS engagement,
       coalesce(sum(engagement) FILTER (WHERE has_insights), 0)::BIGINT AS rated_engagement
FROM tagged
GROUP BY hashtag
HAVING count(*) >= $min_posts
ORDER BY posts DESC, hashtag
