-- name: filter_values
-- The values the objective, media type, age and gender filters can offer.
SELECT 'objective' AS dimension, objective AS value
FROM (SELECT DISTINCT objective FROM ad_campaigns WHERE objective IS NOT NULL)
UNION ALL
SELECT 'media_type', media_type
FROM (SELECT DISTINCT media_type FROM ig_media WHERE media_type IS NOT NULL)
UNION ALL
SELECT 'age', age FROM (SELECT DISTINCT age FROM ad_insights_daily)
UNION ALL
SELECT 'gender', gender FROM (SELECT DISTINCT gender FROM ad_insights_daily)
ORDER BY dimension, value
