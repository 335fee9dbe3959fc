-- name: data_bounds
-- First and last day with data, for default date ranges and the date picker's limits. The daily
-- tables (ads, account insights) define the last day; post times are UTC instants and only set
-- it when nothing else exists, but older posts (an imported history) reach back the first day.
WITH daily AS (
    SELECT min(date) AS first_day, max(date) AS last_day FROM ad_insights_daily
    UNION ALL
    SELECT min(date), max(date) FROM ig_account_daily
), posts AS (
    -- the UTC day of the first and last instant (taken on the column itself, so DuckDB answers
    -- from the table's statistics instead of converting every row)
    SELECT timezone('UTC', min(posted_at))::DATE AS first_day,
           timezone('UTC', max(posted_at))::DATE AS last_day
    FROM ig_media
)
SELECT (SELECT min(first_day) FROM (SELECT first_day FROM daily UNION ALL
                                    SELECT first_day FROM posts)) AS first_day,
       coalesce((SELECT max(last_day) FROM daily), (SELECT last_day FROM posts)) AS last_day,
       (SELECT max(date) FROM ad_campaign_daily) AS last_ad_day
