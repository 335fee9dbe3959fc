-- name: ingest_runs
-- The most recent ingest runs, newest first.
SELECT run_id, source, started_at, finished_at, status, rows_written, error
FROM ingest_runs
ORDER BY run_id DESC
LIMIT $limit
