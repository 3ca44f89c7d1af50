-- name: ensure_sweep_cursor
INSERT INTO sweep_cursors (connection, stream) VALUES (%(connection)s, %(stream)s)
ON CONFLICT (connection, stream) DO NOTHING;

-- name: claim_sweep_cursor
-- Takes the stream's lease when its time has come and nobody holds it. `force` (a pass asked for on
-- the command line) takes it anyway: two passes at once only repeat work that costs nothing.
UPDATE sweep_cursors
SET claimed_until = now() + make_interval(secs => %(lease_seconds)s), last_started_at = now()
WHERE connection = %(connection)s AND stream = %(stream)s
  AND (%(force)s OR (next_run_at <= now() AND (claimed_until IS NULL OR claimed_until < now())))
RETURNING position;

-- name: extend_sweep_claim
UPDATE sweep_cursors SET claimed_until = now() + make_interval(secs => %(lease_seconds)s)
WHERE connection = %(connection)s AND stream = %(stream)s;

-- name: finish_sweep_cursor
-- The position never moves back: a `--since` pass over older history leaves it where it was. The
-- last backfill's figures stay in the summary through later passes (`status` shows its progress).
UPDATE sweep_cursors
SET position = GREATEST(position, %(position)s), claimed_until = NULL, last_finished_at = now(),
    last_error = NULL,
    last_summary = CASE WHEN last_summary ? 'backfill' AND NOT %(summary)s::jsonb ? 'backfill'
                        THEN %(summary)s::jsonb || jsonb_build_object('backfill', last_summary -> 'backfill')
                        ELSE %(summary)s::jsonb END,
    next_run_at = now() + make_interval(secs => %(interval_seconds)s)
WHERE connection = %(connection)s AND stream = %(stream)s;

-- name: fail_sweep_cursor
UPDATE sweep_cursors
SET claimed_until = NULL, last_error = %(error)s,
    next_run_at = now() + make_interval(secs => %(interval_seconds)s)
WHERE connection = %(connection)s AND stream = %(stream)s;

-- name: list_sweep_cursors
SELECT connection, stream, position, next_run_at, claimed_until, last_started_at, last_finished_at,
       last_error, last_summary
FROM sweep_cursors ORDER BY connection, stream;
