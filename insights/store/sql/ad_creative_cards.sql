-- name: ad_creative_cards
-- The creatives of the listed ids as the creative grid shows them: the picture kept by the
-- last refresh (thumbnail, its media type), what the ad says and where it leads.
SELECT
    creative_id,
    title,
    body,
    call_to_action,
    destination_url,
    url_tags,
    thumbnail,
    thumbnail_type
FROM ad_creatives
WHERE list_contains($creative_ids, creative_id)
