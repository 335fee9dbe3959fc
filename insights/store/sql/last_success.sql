-- name: last_success
-- When the last successful refresh from the API finished (NULL before the first one); imports
-- and their removals are logged among the runs too, but they are not refreshes.
SELECT max(finished_at) AS finished_at
FROM ingest_runs
WHERE status IN ('succeeded', 'partial')
  AND source NOT LIKE 'import %' AND source NOT LIKE 'removed import %'
