-- name: paid_totals
-- Sums of paid delivery over the current range and (if given) the comparison range, one row
-- each (`current` true / false) and currency (money is never added across currencies); a
-- range without delivery has no row. sales_spend: the spend of the campaigns that sell, what a
-- ROAS and a cost per purchase are taken over (NULL when none of them sells).
SELECT
    date BETWEEN $since AND $until                     AS current,
    v.currency,
    coalesce(sum(spend), 0)::DECIMAL(18, 2)            AS spend,
    coalesce(sum(impressions), 0)::BIGINT              AS impressions,
    coalesce(sum(clicks), 0)::BIGINT                   AS clicks,
    coalesce(sum(link_clicks), 0)::BIGINT              AS link_clicks,
    coalesce(sum(conversions), 0)::BIGINT              AS conversions,
    coalesce(sum(conversion_value), 0)::DECIMAL(18, 2) AS conversion_value,
    (sum(spend) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_spend,
    (sum(conversions) FILTER (WHERE v.sells IS NOT FALSE))::BIGINT AS sales_conversions,
    (sum(conversion_value) FILTER (WHERE v.sells IS NOT FALSE))::DECIMAL(18, 2) AS sales_value
FROM {{paid_source}}
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE (date BETWEEN $since AND $until OR date BETWEEN $prev_since AND $prev_until)
  AND ($campaign_ids IS NULL OR list_contains($campaign_ids, campaign_id))
  AND ($objectives IS NULL OR campaign_id IN (
        SELECT campaign_id FROM ad_campaigns WHERE list_contains($objectives, objective)))
  AND ($ages IS NULL OR list_contains($ages, age))
  AND ($genders IS NULL OR list_contains($genders, gender))
GROUP BY current, v.currency
ORDER BY current DESC, v.currency
