-- name: table_freshness
-- Row count and last update of every table of the data model.
SELECT 'ig_accounts' AS table_name, count(*) AS row_count, max(updated_at) AS last_updated
FROM ig_accounts
UNION ALL SELECT 'ig_media', count(*), max(updated_at) FROM ig_media
UNION ALL SELECT 'ig_account_daily', count(*), max(date)::TIMESTAMPTZ FROM ig_account_daily
UNION ALL SELECT 'ad_accounts', count(*), max(updated_at) FROM ad_accounts
UNION ALL SELECT 'ad_campaigns', count(*), max(updated_at) FROM ad_campaigns
UNION ALL SELECT 'ad_insights_daily', count(*), max(date)::TIMESTAMPTZ FROM ad_insights_daily
UNION ALL SELECT 'ig_stories', count(*), max(updated_at) FROM ig_stories
UNION ALL SELECT 'ig_follower_snapshots', count(*), max(taken_at) FROM ig_follower_snapshots
UNION ALL SELECT 'ig_audience', count(*), max(date)::TIMESTAMPTZ FROM ig_audience
UNION ALL SELECT 'ig_account_reach', count(*), max(updated_at) FROM ig_account_reach
UNION ALL SELECT 'ad_sets', count(*), max(updated_at) FROM ad_sets
UNION ALL SELECT 'ads', count(*), max(updated_at) FROM ads
UNION ALL SELECT 'ad_creatives', count(*), max(updated_at) FROM ad_creatives
UNION ALL SELECT 'ad_level_daily', count(*), max(date)::TIMESTAMPTZ FROM ad_level_daily
UNION ALL SELECT 'ad_level_placement_daily', count(*), max(date)::TIMESTAMPTZ
FROM ad_level_placement_daily
UNION ALL SELECT 'ad_period_reach', count(*), max(read_at) FROM ad_period_reach
