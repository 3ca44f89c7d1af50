-- name: request_erasure
-- Erase a subject (a request, or Lever's candidateDeleted): kept even for a subject never seen, so
-- that a later webhook about it creates nothing. The first request is the one kept.
INSERT INTO subjects (connection, kind, id, desired_version, erasure)
VALUES (%(connection)s, %(kind)s, %(id)s, 1, %(erasure)s)
ON CONFLICT (connection, kind, id) DO UPDATE
SET erasure = coalesce(subjects.erasure, EXCLUDED.erasure),
    desired_version = subjects.desired_version + 1
RETURNING erasure;

-- name: request_erasure_of_held
-- Lever lists these opportunities as deleted (the sweep): erase those hirebridge holds anything for.
UPDATE subjects
SET erasure = %(erasure)s, desired_version = desired_version + 1
WHERE connection = %(connection)s AND kind = 'opportunity' AND id = ANY(%(ids)s) AND erasure IS NULL
RETURNING id;

-- name: subject_erasure
SELECT erasure FROM subjects WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s;

-- name: erase_inbox
UPDATE inbox SET payload = '{}'
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s AND payload <> '{}';

-- name: erase_audit_details
-- The timeline keeps what happened and when; its details go. Earlier erasure rows hold no
-- candidate data and stay as they are.
UPDATE audit SET detail = '{}'
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND action <> 'erased' AND detail <> '{}';

-- name: erase_effect_details
-- Ids, keys and markers stay (so nothing is created again); an error text may quote a value, and
-- a content hash is a fingerprint of candidate data, as is a Lever note's status (the offer check
-- keeps there the digest of its findings).
UPDATE effects SET last_error = NULL, content_hash = NULL,
                   status = CASE WHEN kind = 'lever_note' THEN NULL ELSE status END
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND (last_error IS NOT NULL OR content_hash IS NOT NULL
       OR (kind = 'lever_note' AND status IS NOT NULL));

-- name: mark_erased
-- Done: synced at every version so far, no error, nothing due, nothing read kept (a list page's
-- copy of the opportunity included), no longer watched by the offers poll.
WITH forgotten AS (
    DELETE FROM lever_reads WHERE connection = %(connection)s AND id = %(id)s AND %(kind)s = 'opportunity'
)
UPDATE subjects
SET erasure = erasure || jsonb_build_object('erased_at', now()), last_error = NULL,
    synced_version = desired_version, last_synced_at = now(), next_due_at = NULL, queued_at = NULL,
    seen_updated_at = NULL, seen_stage = NULL, seen_recipes = NULL,
    watch_offers = false, offers_seen = NULL, offers_checked_at = NULL
WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s
RETURNING (erasure ->> 'erased_at') IS NOT NULL;

-- name: finish_erased
-- A hint about a subject already erased: synced, no audit row, nothing else.
UPDATE subjects SET synced_version = GREATEST(synced_version, %(version)s), queued_at = NULL,
                    last_synced_at = now(), last_error = NULL
WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s;

-- name: latest_deleted_by
-- Who deleted the candidate in Lever, as its candidateDeleted webhook says (a Lever user id).
SELECT payload #>> '{data,deletedBy}' FROM inbox
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND event = 'candidateDeleted'
ORDER BY id DESC LIMIT 1;

-- name: wake_deletions_stream
-- A read Lever answered 404: the deletions stream runs at once to confirm it.
UPDATE sweep_cursors SET next_run_at = now()
WHERE connection = %(connection)s AND stream = 'deletions' AND next_run_at > now();

-- name: retention_delete_inbox
DELETE FROM inbox WHERE id IN (
    SELECT id FROM inbox WHERE received_at < %(cutoff)s ORDER BY received_at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
);

-- name: retention_delete_jira_events
DELETE FROM jira_events WHERE id IN (
    SELECT id FROM jira_events WHERE received_at < %(cutoff)s ORDER BY received_at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
);

-- name: retention_delete_audit
-- Timeline rows past the window go; erasure records are kept (they hold no candidate data).
DELETE FROM audit WHERE id IN (
    SELECT id FROM audit WHERE at < %(cutoff)s AND action <> 'erased' ORDER BY at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
);

-- name: retention_redact_audit
UPDATE audit SET detail = '{}' WHERE id IN (
    SELECT id FROM audit WHERE at < %(cutoff)s AND detail <> '{}' AND action <> 'erased'
    ORDER BY at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
);

-- name: export_subject
SELECT connection, kind, id, desired_version, synced_version, last_synced_at, last_error, next_due_at,
       seen_updated_at, seen_stage, erasure
FROM subjects WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s;

-- name: export_effects
SELECT recipe, key, kind, target, marker, state, external_id, external_key, external_url, status,
       last_error, intent_at, done_at
FROM effects WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
ORDER BY id;

-- name: export_audit
SELECT at, action, detail FROM audit
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s ORDER BY id;

-- name: export_inbox
SELECT source, event, received_at, payload FROM inbox
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s ORDER BY id;

-- name: export_jira_events
SELECT connection, event, issue_key, comment_id, received_at FROM jira_events
WHERE lever_connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s ORDER BY id;
