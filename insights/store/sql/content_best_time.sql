-- name: content_best_time
-- Posts per weekday (0 = Monday) and hour of publication in the time zone $tz, under the
-- organic filters: how many, their reach and engagement (cells without posts are absent).
-- Posts are first summed per UTC quarter hour, and only those are converted to local time:
-- every UTC offset in use since 1972 is a whole number of quarter hours, so all posts of a
-- quarter hour fall in the same local hour, and a long range converts a few thousand
-- instants instead of every post.
WITH quarters AS (
    SELECT
        epoch(posted_at)::BIGINT // 900                  AS quarter,
        count(*)                                          AS posts,
        sum(coalesce(reach, 0))                           AS post_reach,
        sum(engagement)                                   AS engagement,
        coalesce(sum(engagement) FILTER (WHERE has_insights), 0)
                                                          AS rated_engagement
    FROM organic_posts($since, $until, $account_ids, $media_types)
    GROUP BY quarter
), local_quarters AS (
    SELECT timezone($tz, to_timestamp(quarter * 900)) AS local_at, posts, post_reach, engagement,
           rated_engagement
    FROM quarters
)
SELECT
    (isodow(local_at) - 1)::INTEGER AS weekday,
    hour(local_at)::INTEGER         AS hour,
    sum(posts)::BIGINT              AS posts,
    sum(post_reach)::BIGINT         AS post_reach,
    sum(engagement)::BIGINT         AS engagement,
    sum(rated_engagement)::BIGINT   AS rated_engagement
FROM local_quarters
GROUP BY ALL
