-- name: content_reels_watch
-- Reels published in the range under the organic filters with Meta's watch-time figures:
-- how many have them, their views and total watch time (milliseconds), so the average watch
-- time over the reels is a ratio of sums (total watch time / views).
SELECT
    count(*)::BIGINT AS reels,
    count(reels_total_watch_time_ms)::BIGINT AS reels_with_watch_time,
    coalesce(sum(views) FILTER (WHERE reels_total_watch_time_ms IS NOT NULL), 0)::BIGINT
        AS views,
    coalesce(sum(reels_total_watch_time_ms), 0)::BIGINT AS total_watch_time_ms
FROM organic_posts($since, $until, $account_ids, $media_types)
WHERE media_product_type = 'REELS'
