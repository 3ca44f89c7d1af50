-- name: status_subjects
SELECT connection,
       count(*) AS known,
       count(*) FILTER (WHERE synced_version >= desired_version) AS in_sync,
       count(*) FILTER (WHERE synced_version < desired_version) AS behind,
       count(*) FILTER (WHERE last_error IS NOT NULL) AS errored,
       max(last_synced_at) AS last_synced_at
FROM subjects GROUP BY connection ORDER BY connection;

-- name: list_errored_subjects
-- Subjects whose last reconcile failed (cleared when one finishes).
SELECT connection, kind, id, last_error FROM subjects
WHERE last_error IS NOT NULL ORDER BY connection, kind, id LIMIT %(limit)s;

-- name: status_jobs
-- Reconcile jobs by Lever connection; a job waiting for its next attempt counts as retrying.
SELECT args->>'connection' AS connection,
       count(*) FILTER (WHERE status = 'todo' AND attempts = 0
                        AND (scheduled_at IS NULL OR scheduled_at <= now())) AS queued,
       count(*) FILTER (WHERE status = 'todo' AND (attempts > 0 OR scheduled_at > now())) AS retrying,
       count(*) FILTER (WHERE status = 'doing') AS running,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       -- Still to run at a priority below live (runtime/queue.py): the sweep's, a backfill's.
       count(*) FILTER (WHERE status IN ('todo', 'doing') AND priority < 0 AND priority > -10) AS sweep,
       count(*) FILTER (WHERE status IN ('todo', 'doing') AND priority <= -10) AS background
FROM procrastinate_jobs
WHERE queue_name = 'reconcile' AND status IN ('todo', 'doing', 'failed')
GROUP BY args->>'connection' ORDER BY 1;

-- name: status_webhooks
-- `not_delivered`: events of our webhooks Lever has sent nothing for since the webhook was made.
SELECT w.connection, count(*) AS registered,
       (SELECT max(received_at) FROM inbox i WHERE i.source = 'lever' AND i.connection = w.connection)
           AS last_received_at,
       coalesce(array_agg(w.event ORDER BY w.event) FILTER (WHERE w.delivered_at IS NULL), '{}')
           AS not_delivered
FROM lever_webhooks w GROUP BY w.connection ORDER BY w.connection;

-- name: status_lever_tokens
-- What `status` shows of an OAuth grant: its dates and counters, never the tokens.
SELECT connection, connected_at, expires_at, refreshed_at, refreshes, refused
FROM oauth_tokens ORDER BY connection;

-- name: list_failed_effects
SELECT id, connection, subject_kind, subject_id, recipe, key, kind, target, last_error, attempts,
       updated_at
FROM effects
WHERE state = 'failed' AND (%(connection)s::text IS NULL OR connection = %(connection)s)
ORDER BY updated_at DESC, id
LIMIT %(limit)s;

-- name: count_failed_effects
SELECT connection, count(*) FROM effects WHERE state = 'failed' GROUP BY connection;

-- name: replay_forget_template_failures
-- A template failure recorded nothing outside: forget it, so the recipe is evaluated afresh.
DELETE FROM effects
WHERE state = 'failed' AND kind = 'template'
  AND connection = %(connection)s
  AND (%(kind)s::text IS NULL OR subject_kind = %(kind)s)
  AND (%(id)s::text IS NULL OR subject_id = %(id)s)
  AND (%(recipe)s::text IS NULL OR recipe = %(recipe)s)
  AND (%(key)s::text IS NULL OR key = %(key)s)
RETURNING connection, subject_kind, subject_id, recipe, key;

-- name: replay_reset_failures
-- An effect with an external object goes back to done (the plan then retries the change it still
-- differs by); one without goes back to pending, so the next reconcile first looks for its marker
-- (a refused write may still have landed) and only then writes again.
UPDATE effects
SET state = CASE WHEN external_id IS NOT NULL THEN 'done' ELSE 'pending' END, updated_at = now()
WHERE state = 'failed' AND kind <> 'template'
  AND connection = %(connection)s
  AND (%(kind)s::text IS NULL OR subject_kind = %(kind)s)
  AND (%(id)s::text IS NULL OR subject_id = %(id)s)
  AND (%(recipe)s::text IS NULL OR recipe = %(recipe)s)
  AND (%(key)s::text IS NULL OR key = %(key)s)
RETURNING connection, subject_kind, subject_id, recipe, key;
