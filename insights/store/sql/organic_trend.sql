-- name: organic_trend
-- Organic figures per period: account daily insights joined with the posts published then.
WITH daily AS (
    SELECT date_trunc($grain, date)::DATE AS period,
           sum(reach)::BIGINT AS daily_reach,
           sum(follower_count)::BIGINT AS new_followers
    FROM ig_account_daily
    WHERE date BETWEEN $since AND $until
      AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
    GROUP BY period
), posts AS (
    -- the UTC day by integer arithmetic on the instant: a calendar conversion per post
    -- (timezone('UTC', posted_at)::DATE) costs three times the rest of the query
    SELECT date_trunc($grain, DATE '1970-01-01'
               + CAST(epoch_us(posted_at) // 86400000000 AS INTEGER))::DATE AS period,
           count(*)::BIGINT AS posts,
           coalesce(sum(reach), 0)::BIGINT AS post_reach,
           coalesce(sum(like_count), 0)::BIGINT AS likes,
           coalesce(sum(comments_count), 0)::BIGINT AS comments,
           coalesce(sum(saved), 0)::BIGINT AS saves,
           coalesce(sum(shares), 0)::BIGINT AS shares,
           coalesce(sum(engagement), 0)::BIGINT AS engagement,
           coalesce(sum(engagement) FILTER (WHERE has_insights), 0)::BIGINT
               AS rated_engagement
    FROM organic_posts($since, $until, $account_ids, $media_types)
    GROUP BY period
)
SELECT period,
       coalesce(daily.daily_reach, 0) AS daily_reach,
       coalesce(daily.new_followers, 0) AS new_followers,
       coalesce(posts.posts, 0) AS posts,
       coalesce(posts.post_reach, 0) AS post_reach,
       coalesce(posts.likes, 0) AS likes,
       coalesce(posts.comments, 0) AS comments,
       coalesce(posts.saves, 0) AS saves,
       coalesce(posts.shares, 0) AS shares,
       coalesce(posts.engagement, 0) AS engagement,
       coalesce(posts.rated_engagement, 0) AS rated_engagement
FROM daily FULL OUTER JOIN posts USING (period)
ORDER BY period
