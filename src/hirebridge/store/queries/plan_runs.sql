-- name: add_plan_run
-- A plan run asked for, unless one asked for earlier has not finished (then that one).
WITH pending AS (
    SELECT id FROM plan_runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1
), added AS (
    INSERT INTO plan_runs (requested_by)
    SELECT %(actor)s WHERE NOT EXISTS (SELECT 1 FROM pending)
    RETURNING id
)
SELECT id, true FROM added UNION ALL SELECT id, false FROM pending;

-- name: start_plan_run
-- Started (again, when a worker died during it); nothing when it has finished already.
UPDATE plan_runs SET started_at = now() WHERE id = %(id)s AND finished_at IS NULL RETURNING id;

-- name: finish_plan_run
UPDATE plan_runs
SET finished_at = now(), subjects = %(subjects)s, summary = %(summary)s, renames = %(renames)s,
    orphans = %(orphans)s, error = %(error)s
WHERE id = %(id)s AND finished_at IS NULL;

-- name: latest_plan_run
SELECT id, requested_by, requested_at, started_at, finished_at, subjects, summary, renames, orphans, error
FROM plan_runs ORDER BY id DESC LIMIT 1;

-- name: abandon_plan_runs
-- A run no worker finished within its time (its job was deleted, or failed outside the plan) is
-- closed with that reason, so the console offers a new one.
UPDATE plan_runs
SET finished_at = now(), error = 'abandoned: no worker finished it within '
    || %(seconds)s::int / 60 || ' minutes'
WHERE finished_at IS NULL AND coalesce(started_at, requested_at) < now() - make_interval(secs => %(seconds)s);
