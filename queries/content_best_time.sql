-- name: content_best_time
-- Posts per weekday (0 = Monday) and hour of publication in the time zone $tz, under the
-- organic filters: how many, their reach and engagement.
SELECT
    (isodow(timezone($tz, posted_at)) - 1)::INTEGER AS weekday,
    hour(timezone($tz, posted_at))::INTEGER         AS hour,
    count(*)::BIGINT                                AS posts,
    sum(coalesce(reach, 0))::BIGINT                 AS post_reach,
    sum(coalesce(like_count, 0) + coalesce(comments_count, 0) + coalesce(saved, 0)
        + coalesce(shares, 0))::BIGINT              AS engagement
FROM ig_media
WHERE (posted_at >= timezone('UTC', $since::TIMESTAMP)
         AND posted_at < timezone('UTC', ($until + 1)::TIMESTAMP))
  AND ($account_ids IS NULL OR list_contains($account_ids, account_id))
  AND ($media_types IS NULL OR list_contains($media_types, media_type))
GROUP BY weekday, hour
