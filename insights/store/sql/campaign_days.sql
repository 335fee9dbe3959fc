-- name: campaign_days
-- Sums per campaign (with its name) on the listed days only (an unusual day and the same
-- weekdays before it), under the paid filters: what explains an unusual day without reading
-- every day between.
WITH sums AS (
    SELECT
        campaign_id,
        date,
        sum(spend)::DOUBLE            AS spend,
        sum(impressions)::DOUBLE      AS impressions,
        sum(clicks)::DOUBLE           AS clicks,
        sum(link_clicks)::DOUBLE      AS link_clicks,
        sum(conversions)::DOUBLE      AS conversions,
        sum(conversion_value)::DOUBLE AS conversion_value
    FROM {{paid_source}}
    WHERE date BETWEEN $since AND $until
      AND list_contains($days, date)
      AND paid_selected(campaign_id, age, gender, $campaign_ids, $objectives, $ages, $genders)
    GROUP BY campaign_id, date
)
SELECT sums.*, coalesce(c.name, sums.campaign_id) AS campaign_name
FROM sums LEFT JOIN ad_campaigns AS c USING (campaign_id)
