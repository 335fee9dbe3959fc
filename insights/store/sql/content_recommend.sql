-- name: content_recommend
-- What to post next, per account: its $top best options of each kind (a media type, a weekday
-- x 3-hour slot in the time zone $tz, a hashtag) by expected engagement rate, over the posts
-- with reach under the organic filters. Only options on at least $min_option_posts posts whose
-- own rate is above the account's rate are candidates. An option's expected rate is its pooled
-- rate (engagement / reach) shrunk toward the account's as if the account's rate had been seen
-- on $prior_posts more posts; `half` is $z x the per-post spread of the account's rate /
-- sqrt(posts + $prior_posts). Every account gets one 'account' row (its posts and rate); one
-- with fewer than $min_posts posts gets a 'too short' row instead and no options.
WITH posts AS (
    SELECT
        account_id,
        coalesce(media_type, 'UNKNOWN') AS format,
        (isodow(timezone($tz, posted_at)) - 1)::INTEGER AS weekday,
        (hour(timezone($tz, posted_at)) // 3 * 3)::INTEGER AS block,
        reach,
        engagement::DOUBLE AS engagement,
        hashtags AS tags
    FROM organic_posts($since, $until, $account_ids, $media_types)
    WHERE reach > 0
), options AS (
    SELECT account_id, 'account' AS dimension, '' AS option, reach, engagement FROM posts
    UNION ALL
    SELECT account_id, 'format', format, reach, engagement FROM posts
    UNION ALL
    SELECT account_id, 'time', weekday::VARCHAR || ':' || block::VARCHAR, reach, engagement
    FROM posts
    UNION ALL
    SELECT account_id, 'hashtag', unnest(tags), reach, engagement FROM posts
), sums AS (
    SELECT
        account_id,
        dimension,
        option,
        count(*)::BIGINT                           AS posts,
        sum(engagement) / sum(reach)               AS rate,
        coalesce(var_samp(engagement / reach), 0)  AS rate_variance
    FROM options
    GROUP BY account_id, dimension, option
), accounts AS (
    SELECT account_id, posts, rate, sqrt(rate_variance) AS spread
    FROM sums
    WHERE dimension = 'account'
), ranked AS (
    SELECT
        s.account_id,
        s.dimension,
        s.option,
        s.posts,
        s.rate,
        a.rate AS account_rate,
        (s.posts * s.rate + $prior_posts * a.rate) / (s.posts + $prior_posts) AS expected,
        $z * a.spread / sqrt(s.posts + $prior_posts)                          AS half
    FROM sums AS s
    JOIN accounts AS a USING (account_id)
    WHERE s.dimension <> 'account' AND a.posts >= $min_posts
      AND s.posts >= $min_option_posts AND s.rate > a.rate
    QUALIFY row_number() OVER (
        PARTITION BY s.account_id, s.dimension ORDER BY expected DESC, s.posts DESC, s.option
    ) <= $top
)
SELECT account_id, dimension, option, posts, rate, account_rate, expected,
       expected - half AS low, expected + half AS high
FROM ranked
UNION ALL
SELECT account_id, CASE WHEN posts < $min_posts THEN 'too short' ELSE 'account' END, '',
       posts, rate, rate, NULL, NULL, NULL
FROM accounts
ORDER BY dimension = 'too short', account_id,
         CASE dimension WHEN 'account' THEN 0 WHEN 'format' THEN 1 WHEN 'time' THEN 2 ELSE 3 END,
         expected DESC, posts DESC, option
