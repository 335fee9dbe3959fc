-- name: campaign_days
-- Sums per campaign (with its name) on the listed days only (an unusual day and the same
-- weekdays before it), under the paid filters: what explains an unusual day without reading
-- every day between. The sales figures (what CPA and ROAS are taken over) are the campaign's
-- own when it sells, NULL when it does not.
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
SELECT sums.*,
       sales_only(sums.spend, v.sells)            AS sales_spend,
       sales_only(sums.conversions, v.sells)      AS sales_conversions,
       sales_only(sums.conversion_value, v.sells) AS sales_value,
       coalesce(c.name, sums.campaign_id)         AS campaign_name
FROM sums
LEFT JOIN ad_campaigns AS c USING (campaign_id)
LEFT JOIN ad_campaign_values AS v USING (campaign_id)
ORDER BY sums.date, sums.campaign_id
