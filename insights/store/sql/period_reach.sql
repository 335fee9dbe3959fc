-- name: period_reach
-- Reach, impressions and frequency of one stored whole period (since and until exactly) at
-- one level (campaign, adset or ad), for the objects of the filtered campaigns and objectives:
-- Meta's count of unique people over the period, never a sum of daily reach. An ad set or an
-- ad finds its campaign in ad_sets / ads; a period is of every age and gender together (NULL
-- in those columns, as in the rollups); frequency is Meta's, else impressions / reach.
WITH parents AS (
    SELECT adset_id AS object_id, campaign_id FROM ad_sets WHERE $level = 'adset'
    UNION ALL
    SELECT ad_id, campaign_id FROM ads WHERE $level = 'ad'
), periods AS (
    SELECT
        p.object_id,
        p.reach,
        p.impressions,
        p.frequency,
        CASE WHEN p.level = 'campaign' THEN p.object_id ELSE a.campaign_id END AS campaign_id,
        NULL::VARCHAR AS age,
        NULL::VARCHAR AS gender
    FROM ad_period_reach AS p
    LEFT JOIN parents AS a ON a.object_id = p.object_id
    WHERE p.level = $level AND p.since = $since AND p.until = $until
)
SELECT
    object_id,
    reach::DOUBLE AS reach,
    impressions::DOUBLE AS impressions,
    coalesce(frequency, impressions / nullif(reach, 0))::DOUBLE AS frequency
FROM periods
WHERE paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, NULL, NULL)
ORDER BY object_id
