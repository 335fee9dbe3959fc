-- Each post's hashtags, extracted once when the post is written rather than by every page
-- that reads them (the extraction is most of the cost of the hashtag figures): lower-cased,
-- each once, sorted. Every writer of ig_media sets the column with hashtags_of(caption).
CREATE MACRO hashtags_of(caption) AS
    list_sort(list_distinct(regexp_extract_all(lower(caption), '#[\p{L}\p{N}_]+')));

ALTER TABLE ig_media ADD COLUMN hashtags VARCHAR[];

UPDATE ig_media SET hashtags = hashtags_of(caption);
