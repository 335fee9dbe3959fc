-- name: paid_totals
-- Sums of paid delivery over the current range and (if given) the comparison range, one row
-- each (`current` true / false); a range without delivery has no row.
SELECT
    date BETWEEN $since AND $until                     AS current,
    coalesce(sum(spend), 0)::DECIMAL(18, 2)            AS spend,
    coalesce(sum(impressions), 0)::BIGINT              AS impressions,
    coalesce(sum(clicks), 0)::BIGINT                   AS clicks,
    coalesce(sum(link_clicks), 0)::BIGINT              AS link_clicks,
    coalesce(sum(conversions), 0)::BIGINT              AS conversions,
    coalesce(sum(conversion_value), 0)::DECIMAL(18, 2) AS conversion_value
FROM {{paid_source}}
WHERE (date BETWEEN $since AND $until OR date BETWEEN $prev_since AND $prev_until)
  AND ($campaign_ids IS NULL OR list_contains($campaign_ids, campaign_id))
  AND ($objectives IS NULL OR campaign_id IN (
        SELECT campaign_id FROM ad_campaigns WHERE list_contains($objectives, objective)))
  AND ($ages IS NULL OR list_contains($ages, age))
  AND ($genders IS NULL OR list_contains($genders, gender))
GROUP BY current
