-- name: last_success
-- When the last successful ingest finished (NULL before the first one).
SELECT max(finished_at) AS finished_at FROM ingest_runs WHERE status IN ('succeeded', 'partial')
