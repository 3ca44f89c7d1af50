-- name: take_due_subjects
-- Claims the subjects whose time has come, so that one periodic run defers each once.
UPDATE subjects SET next_due_at = NULL, desired_version = desired_version + 1
WHERE (connection, kind, id) IN (
    SELECT connection, kind, id FROM subjects WHERE next_due_at <= now()
    ORDER BY next_due_at LIMIT 500 FOR UPDATE SKIP LOCKED
)
RETURNING connection, kind, id;

-- name: note_source_updated
-- Bumps the subject only when Lever's updatedAt moved, since the last sweep and since what the last
-- reconcile read (a webhook's reconcile already saw it); returns the new version when it did.
INSERT INTO subjects (connection, kind, id, desired_version, source_updated_at)
VALUES (%(connection)s, %(kind)s, %(id)s, 1, %(updated_at)s)
ON CONFLICT (connection, kind, id) DO UPDATE
SET desired_version = subjects.desired_version + 1, source_updated_at = EXCLUDED.source_updated_at
WHERE subjects.source_updated_at IS DISTINCT FROM EXCLUDED.source_updated_at
  AND subjects.seen_updated_at IS DISTINCT FROM EXCLUDED.source_updated_at
RETURNING desired_version;
