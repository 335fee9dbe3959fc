-- name: ad_fatigue_weeks
-- One row per ad and week with delivery under the paid filters, from the ad-level rows:
-- weeks_back is 0 for the 7 days ending at $until, 1 for the 7 days before, and so on back
-- to $since. Beside the week's sums, reached_impressions and daily_reach are the sums over
-- the rows that have a reach (Meta leaves it out of breakdown rows over 13 months old): their
-- ratio is the week's average daily frequency. With the ad's name, its campaign's and its ad
-- account's currency.
WITH weeks AS (
    SELECT
        ad_id,
        any_value(adset_id)                                      AS adset_id,
        any_value(campaign_id)                                   AS campaign_id,
        date_diff('day', date, $until::DATE) // 7                AS weeks_back,
        sum(spend)::DECIMAL(18, 2)                               AS spend,
        sum(impressions)::BIGINT                                 AS impressions,
        sum(clicks)::BIGINT                                      AS clicks,
        coalesce(sum(reached_impressions), 0)::BIGINT
                                                                 AS reached_impressions,
        coalesce(sum(reach), 0)::BIGINT                          AS daily_reach
    FROM {{ad_source}}
    WHERE date BETWEEN $since AND $until
      AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
    GROUP BY ad_id, weeks_back
)
SELECT
    w.ad_id,
    coalesce(a.name, w.ad_id)             AS ad_name,
    w.adset_id,
    w.campaign_id,
    coalesce(c.name, w.campaign_id)       AS campaign_name,
    v.currency,
    w.weeks_back,
    w.spend,
    w.impressions,
    w.clicks,
    w.reached_impressions,
    w.daily_reach
FROM weeks AS w
LEFT JOIN ads AS a USING (ad_id)
LEFT JOIN ad_campaigns AS c ON c.campaign_id = w.campaign_id
LEFT JOIN ad_campaign_values AS v ON v.campaign_id = w.campaign_id
ORDER BY w.ad_id, w.weeks_back
