-- name: live_workers
-- Workers (serve or worker processes) that sent a heartbeat lately (procrastinate sends one every few
-- seconds): someone to run what a command queued.
SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '1 minute';

-- name: job_states
-- Finished jobs are deleted (`delete_jobs="successful"`), so an id missing here has succeeded.
SELECT id, status::text FROM procrastinate_jobs WHERE id = ANY(%(ids)s);

-- name: sync_backlog
-- Subjects with a change not synced yet, and reconciles queued or running.
SELECT (SELECT count(*) FROM subjects WHERE synced_version < desired_version) AS behind,
       (SELECT count(*) FROM procrastinate_jobs
        WHERE status IN ('todo', 'doing') AND task_name = 'reconcile_opportunity') AS reconciles;
