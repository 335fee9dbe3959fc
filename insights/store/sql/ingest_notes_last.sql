-- name: ingest_notes_last
-- What the most recent finished ingest run skipped, retried or could not get, and why, in the
-- order it happened ('incomplete' notes made that run partial).
SELECT n.run_id, n.kind, n.source, n.object_id, n.message
FROM ingest_notes AS n
WHERE n.run_id = (SELECT max(run_id) FROM ingest_runs WHERE status <> 'running')
ORDER BY n.seq
