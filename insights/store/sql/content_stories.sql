-- name: content_stories
-- The stories published in the range (UTC days) of all or the given accounts, newest first,
-- with their insights as last read while they lived (empty where Meta gave none: fewer than 5
-- viewers, or the story was never read while live).
SELECT
    s.story_id,
    s.account_id,
    coalesce('@' || a.username, s.account_id) AS account,
    s.posted_at,
    s.media_type,
    coalesce(s.thumbnail_url, s.media_url) AS picture,
    s.reach,
    s.views,
    s.replies,
    s.shares,
    s.navigation,
    s.taps_forward,
    s.taps_back,
    s.exits,
    s.swipes_forward,
    s.insights_note,
    s.permalink
FROM ig_stories AS s
LEFT JOIN ig_accounts AS a USING (account_id)
WHERE s.posted_at >= timezone('UTC', $since::TIMESTAMP)
  AND s.posted_at < timezone('UTC', ($until + 1)::TIMESTAMP)
  AND ($account_ids IS NULL OR list_contains($account_ids, s.account_id))
ORDER BY s.posted_at DESC, s.story_id
