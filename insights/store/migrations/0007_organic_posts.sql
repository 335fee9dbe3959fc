-- The posts the organic filters select, as a table macro that every organic query reads, so
-- that the filter is written once: published from `since` to `until` (UTC days, both
-- included), of the listed accounts and media types (NULL: all). The bounds are instants on
-- the stored UTC value, so a date range reads only the blocks of its days.
CREATE OR REPLACE MACRO organic_posts(since, until, account_ids, media_types) AS TABLE
    SELECT *
    FROM ig_media
    WHERE posted_at >= timezone('UTC', since::TIMESTAMP)
      AND posted_at < timezone('UTC', (until + 1)::TIMESTAMP)
      AND (account_ids IS NULL OR list_contains(account_ids, account_id))
      AND (media_types IS NULL OR list_contains(media_types, media_type));
