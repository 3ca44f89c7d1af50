-- name: claim_rollout
-- Subjects last reconciled under other recipes than `current` (a JSON array of connection, kind and
-- fingerprint), at most `limit`, marked as queued and their desired version raised (so the reconcile
-- is not taken for a repeat). Not those with a live reconcile queued (it rolls them out anyway), nor
-- those whose last reconcile failed (the queue retries them), nor those never reconciled.
WITH current AS (
    SELECT * FROM jsonb_to_recordset(%(current)s) AS c(connection text, kind text, fingerprint text)
), due AS (
    SELECT s.connection, s.kind, s.id FROM subjects s JOIN current c USING (connection, kind)
    WHERE s.recipes_fingerprint IS DISTINCT FROM c.fingerprint
      AND s.last_synced_at IS NOT NULL AND s.last_error IS NULL AND s.queued_at IS NULL
      AND (s.rollout_queued_at IS NULL OR s.rollout_queued_at < now() - interval '10 minutes')
    ORDER BY s.last_synced_at
    LIMIT %(limit)s
    FOR UPDATE OF s SKIP LOCKED
)
UPDATE subjects s SET rollout_queued_at = now(), desired_version = s.desired_version + 1
FROM due WHERE s.connection = due.connection AND s.kind = due.kind AND s.id = due.id
RETURNING s.connection, s.kind, s.id;

-- name: rollout_in_flight
-- Rollout reconciles queued or running, by their priority.
SELECT count(*) FROM procrastinate_jobs
WHERE queue_name = 'reconcile' AND status IN ('todo', 'doing') AND priority = %(priority)s
  AND (status = 'doing' OR scheduled_at IS NULL OR scheduled_at <= now());

-- name: rollout_progress
-- Per Lever connection and kind: subjects reconciled so far, and those under the current recipes.
WITH current AS (
    SELECT * FROM jsonb_to_recordset(%(current)s) AS c(connection text, kind text, fingerprint text)
)
SELECT c.connection, c.kind,
       count(s.id) AS known,
       count(s.id) FILTER (WHERE s.recipes_fingerprint = c.fingerprint) AS current,
       count(s.id) FILTER (WHERE s.recipes_fingerprint IS DISTINCT FROM c.fingerprint
                            AND s.last_error IS NOT NULL) AS failing,
       (SELECT a.fingerprint FROM rollout_approvals a
        WHERE a.connection = c.connection AND a.kind = c.kind) AS approved
FROM current c
LEFT JOIN subjects s ON s.connection = c.connection AND s.kind = c.kind AND s.last_synced_at IS NOT NULL
GROUP BY c.connection, c.kind ORDER BY c.connection, c.kind;

-- name: approve_rollout
INSERT INTO rollout_approvals (connection, kind, fingerprint)
SELECT c.connection, c.kind, c.fingerprint
FROM jsonb_to_recordset(%(current)s) AS c(connection text, kind text, fingerprint text)
ON CONFLICT (connection, kind) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, approved_at = now();

-- name: list_rollout_approvals
SELECT connection, kind, fingerprint FROM rollout_approvals;

-- name: move_effects
-- Renames (`moved`) applied to one subject's ledger: each effect of a moved recipe or action takes
-- its new address, unless an effect is there already (made under the new name before the rename was
-- declared: that one stays, and so does the old one, an orphan). Markers stay as they were written.
WITH moves AS (
    SELECT * FROM jsonb_to_recordset(%(moves)s)
        AS m(ord int, from_recipe text, from_action text, to_recipe text, to_action text)
), candidates AS (
    SELECT DISTINCT ON (e.id) e.id, m.to_recipe AS recipe,
           CASE WHEN m.from_action IS NULL THEN e.key
                ELSE m.to_action || substr(e.key, length(m.from_action) + 1) END AS key,
           e.recipe AS old_recipe, e.key AS old_key
    FROM effects e JOIN moves m ON e.recipe = m.from_recipe
     AND (m.from_action IS NULL OR e.key = m.from_action
          OR left(e.key, length(m.from_action) + 1) IN (m.from_action || ':', m.from_action || '.'))
    WHERE e.connection = %(connection)s AND e.subject_kind = %(kind)s AND e.subject_id = %(id)s
    ORDER BY e.id, m.ord
), chosen AS (
    -- Two moves may lead two effects to one address (a recipe renamed, and an action of another recipe
    -- moved into it): the oldest effect takes it, the other stays where it was, an orphan.
    SELECT DISTINCT ON (recipe, key) * FROM candidates ORDER BY recipe, key, id
)
UPDATE effects e SET recipe = c.recipe, key = c.key, updated_at = now()
FROM chosen c
WHERE e.id = c.id AND NOT EXISTS (
    SELECT 1 FROM effects t
    WHERE t.connection = e.connection AND t.subject_kind = e.subject_kind AND t.subject_id = e.subject_id
      AND t.recipe = c.recipe AND t.key = c.key
)
RETURNING c.old_recipe, c.old_key, c.recipe, c.key;

-- name: effect_actions
-- What the ledger holds per recipe and action (the key up to `:` or `.`), over every subject: what
-- `check` compares with the recipes to find removed and renamed actions.
SELECT connection, recipe, split_part(split_part(key, ':', 1), '.', 1) AS action, kind, target,
       count(*) AS effects,
       count(*) FILTER (WHERE state = 'done' AND kind IN ('jira_issue', 'jsm_request')) AS issues
FROM effects WHERE kind <> 'template'
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
