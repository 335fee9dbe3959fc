-- name: period_reach_periods
-- The whole periods whose reach the store holds (since..until), with how many objects each.
SELECT since, until, count(*) AS objects
FROM ad_period_reach
GROUP BY since, until
ORDER BY until DESC, since DESC
