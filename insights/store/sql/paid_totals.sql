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
    sales_sum(spend, v.sells)::DECIMAL(18, 2) AS sales_spend,
    sales_sum(conversions, v.sells)::BIGINT AS sales_conversions,
    sales_sum(conversion_value, v.sells)::DECIMAL(18, 2) AS sales_value
FROM {{paid_source}}
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
WHERE (date BETWEEN $since AND $until OR date BETWEEN $prev_since AND $prev_until)
  AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
GROUP BY current, v.currency
ORDER BY current DESC, v.currency
