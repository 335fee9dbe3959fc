-- name: figure_changes_last
-- The past daily ad figures changed by the latest refresh that changed any.
SELECT run_id, date, currency, metric, before, after
FROM figure_changes
WHERE run_id = (SELECT max(run_id) FROM figure_changes)
ORDER BY date DESC, currency, metric
