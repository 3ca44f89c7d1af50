-- name: insert_inbox_event
-- A redelivered event has the same dedupe key and is not stored again.
INSERT INTO inbox (source, connection, dedupe_key, event, subject_kind, subject_id, payload)
VALUES (%(source)s, %(connection)s, %(dedupe_key)s, %(event)s, %(subject_kind)s, %(subject_id)s, %(payload)s)
ON CONFLICT (source, connection, dedupe_key) DO NOTHING
RETURNING id;

-- name: insert_inbox_events
-- Many events in one statement (the ingest's group commit), given as one JSON array: one parameter
-- is cheaper to send than seven arrays. The keys returned are the new ones. Sorted by key, so
-- concurrent batches wait for each other instead of deadlocking.
INSERT INTO inbox (source, connection, dedupe_key, event, subject_kind, subject_id, payload)
SELECT e.source, e.connection, e.dedupe_key, e.event, e.subject_kind, e.subject_id, e.payload
FROM jsonb_to_recordset(%(events)s) AS e(source text, connection text, dedupe_key text, event text,
                                         subject_kind text, subject_id text, payload jsonb)
ORDER BY e.source, e.connection, e.dedupe_key
ON CONFLICT (source, connection, dedupe_key) DO NOTHING
RETURNING source, connection, dedupe_key;

-- name: bump_subject
INSERT INTO subjects (connection, kind, id, desired_version)
VALUES (%(connection)s, %(kind)s, %(id)s, 1)
ON CONFLICT (connection, kind, id) DO UPDATE SET desired_version = subjects.desired_version + 1
RETURNING desired_version;

-- name: hint_subject
-- A new desired version, and whether a reconcile must be queued for it: not while one queued by an
-- earlier hint has not started yet (that one will read Lever after this change), so a burst of
-- webhooks about one candidate is one job. A mark older than ten minutes is not trusted (a job lost
-- or deleted by hand): a job is queued again. `queued_at = now()` afterwards means this transaction
-- set it, i.e. it must queue.
INSERT INTO subjects (connection, kind, id, desired_version, queued_at)
VALUES (%(connection)s, %(kind)s, %(id)s, 1, now())
ON CONFLICT (connection, kind, id) DO UPDATE
SET desired_version = subjects.desired_version + 1,
    queued_at = CASE WHEN subjects.queued_at > now() - interval '10 minutes'
                     THEN subjects.queued_at ELSE now() END
RETURNING desired_version, queued_at = now() AS must_queue;

-- name: hint_subjects
-- hint_subject for many subjects at once (a JSON array), each raised by its number of new events;
-- the subjects returned must queue a reconcile. Sorted, so concurrent batches lock rows in one order.
INSERT INTO subjects (connection, kind, id, desired_version, queued_at)
SELECT h.connection, h.kind, h.id, h.hints, now()
FROM jsonb_to_recordset(%(hints)s) AS h(connection text, kind text, id text, hints bigint)
ORDER BY h.connection, h.kind, h.id
ON CONFLICT (connection, kind, id) DO UPDATE
SET desired_version = subjects.desired_version + EXCLUDED.desired_version,
    queued_at = CASE WHEN subjects.queued_at > now() - interval '10 minutes'
                     THEN subjects.queued_at ELSE now() END
RETURNING connection, kind, id, queued_at = now() AS must_queue;

-- name: lock_subject
-- Taken before start_subject, in its own statement: a statement that waits for a row lock sees the
-- row as its holder committed it but other tables as they were when it began, so a start waiting in
-- one statement for an ingest would count that ingest's raised version without its webhook.
SELECT 1 FROM subjects WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s FOR UPDATE;

-- name: start_subject
-- A reconcile starting: what it must reach, what the last one read, and the webhooks stored since the
-- last one started (to tell whether that read already covered them). Hints from now on queue a job
-- of their own. Run after lock_subject, in its transaction.
WITH old AS (
    SELECT connection, kind, id, started_version, started_inbox_id FROM subjects
    WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s
), hints AS (
    SELECT coalesce(jsonb_agg(jsonb_build_array(i.source, i.event, i.payload -> 'triggeredAt',
                                                i.payload #> '{data,toStageId}') ORDER BY i.id),
                    '[]'::jsonb) AS list,
           max(i.id) AS last_id
    FROM old JOIN inbox i
      ON i.connection = old.connection AND i.subject_kind = old.kind AND i.subject_id = old.id
     AND i.id > old.started_inbox_id
)
UPDATE subjects s
SET queued_at = NULL, started_version = s.desired_version,
    started_inbox_id = GREATEST(old.started_inbox_id, coalesce(hints.last_id, 0))
FROM old, hints
WHERE s.connection = old.connection AND s.kind = old.kind AND s.id = old.id
RETURNING s.desired_version, s.synced_version, old.started_version, s.seen_updated_at, s.seen_stage,
          s.seen_recipes, hints.list, s.erasure;

-- name: get_subject_versions
SELECT desired_version, synced_version FROM subjects
WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s;

-- name: finish_subject
-- The end of a reconcile that saw `version`: synced, what it read, its next due time and its audit
-- row, in one statement (a round trip each was a third of a quiet reconcile's).
WITH synced AS (
    UPDATE subjects
    SET synced_version = GREATEST(synced_version, %(version)s), last_synced_at = now(), last_error = NULL,
        next_due_at = %(due)s, seen_updated_at = %(seen_updated_at)s, seen_stage = %(seen_stage)s,
        seen_recipes = %(seen_recipes)s, recipes_fingerprint = %(fingerprint)s, rollout_queued_at = NULL,
        watch_offers = %(watch_offers)s, offers_seen = %(offers_seen)s,
        offers_checked_at = CASE WHEN %(offers_seen)s::text IS NULL THEN offers_checked_at ELSE now() END
    WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s
)
INSERT INTO audit (connection, subject_kind, subject_id, action, detail)
VALUES (%(connection)s, %(kind)s, %(id)s, %(action)s, %(detail)s);

-- name: skip_subject
-- A reconcile whose webhooks the last read already covered: synced without reading Lever again; what
-- was read, and when anything is due, stay as they were.
WITH synced AS (
    UPDATE subjects
    SET synced_version = GREATEST(synced_version, %(version)s), last_synced_at = now(), last_error = NULL
    WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s
)
INSERT INTO audit (connection, subject_kind, subject_id, action, detail)
VALUES (%(connection)s, %(kind)s, %(id)s, 'covered', %(detail)s);

-- name: mark_subject_error
UPDATE subjects SET last_error = %(error)s
WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s;

-- name: list_effects
SELECT recipe, key, kind, target, marker, state, external_id, external_key, external_url,
       status, content_hash, attempts, last_error, intent_at
FROM effects
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
ORDER BY id;

-- name: record_intent
-- Committed before the external write is sent (exactly-once: docs/concepts.md, principle 2).
INSERT INTO effects (connection, subject_kind, subject_id, recipe, key, kind, target, marker, state,
                     status, content_hash, attempts, intent_at)
VALUES (%(connection)s, %(kind)s, %(id)s, %(recipe)s, %(key)s, %(effect_kind)s, %(target)s, %(marker)s,
        'pending', %(status)s, %(content_hash)s, 1, now())
ON CONFLICT (connection, subject_kind, subject_id, recipe, key) DO UPDATE
SET state = 'pending', attempts = effects.attempts + 1, intent_at = now(), updated_at = now()
RETURNING id;

-- name: record_done
UPDATE effects
SET state = 'done', external_id = %(external_id)s, external_key = %(external_key)s,
    external_url = %(external_url)s, status = %(status)s, content_hash = %(content_hash)s,
    last_error = NULL, done_at = now(), updated_at = now()
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND recipe = %(recipe)s AND key = %(key)s;

-- name: record_failed
UPDATE effects
SET state = 'failed', last_error = %(error)s, updated_at = now()
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND recipe = %(recipe)s AND key = %(key)s;

-- name: park_effect
INSERT INTO effects (connection, subject_kind, subject_id, recipe, key, kind, target, marker, state,
                     last_error, attempts, intent_at)
VALUES (%(connection)s, %(kind)s, %(id)s, %(recipe)s, %(key)s, %(effect_kind)s, %(target)s, %(marker)s,
        'failed', %(error)s, 1, now())
ON CONFLICT (connection, subject_kind, subject_id, recipe, key) DO UPDATE
SET state = 'failed', last_error = EXCLUDED.last_error, updated_at = now();

-- name: record_forgotten
-- A pending create that a safe lookup proved was never made: forget it so it is planned again.
DELETE FROM effects
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND recipe = %(recipe)s AND key = %(key)s AND state = 'pending';

-- name: insert_audit
INSERT INTO audit (connection, subject_kind, subject_id, action, detail, actor)
VALUES (%(connection)s, %(kind)s, %(id)s, %(action)s, %(detail)s, %(actor)s);

-- name: upsert_lever_webhook
INSERT INTO lever_webhooks (connection, event, webhook_id, url, signature_token)
VALUES (%(connection)s, %(event)s, %(webhook_id)s, %(url)s, %(signature_token)s)
ON CONFLICT (connection, event) DO UPDATE
SET webhook_id = EXCLUDED.webhook_id, url = EXCLUDED.url, signature_token = EXCLUDED.signature_token,
    created_at = now(),
    delivered_at = CASE WHEN lever_webhooks.webhook_id = EXCLUDED.webhook_id
                        THEN lever_webhooks.delivered_at END;

-- name: list_lever_webhooks
SELECT event, webhook_id, url, signature_token FROM lever_webhooks WHERE connection = %(connection)s;

-- name: lever_webhooks_not_delivered
-- Our webhooks Lever has sent no event for since they were made: a webhook made through the API sends
-- nothing until a Super Admin turns its event on in Lever's settings (or the event has not happened).
SELECT event FROM lever_webhooks
WHERE connection = %(connection)s AND delivered_at IS NULL
ORDER BY event;

-- name: mark_lever_webhook_delivered
-- The first event Lever delivered to our webhook for it (the token it was signed with says which).
UPDATE lever_webhooks SET delivered_at = now()
WHERE connection = %(connection)s AND event = %(event)s AND signature_token = %(signature_token)s
  AND delivered_at IS NULL;

-- name: delete_lever_webhook
DELETE FROM lever_webhooks WHERE connection = %(connection)s AND event = %(event)s;

-- name: upsert_connection
INSERT INTO connections (name, kind) VALUES (%(name)s, %(kind)s)
ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, updated_at = now();

-- name: merge_connection_state
UPDATE connections SET state = state || %(state)s, updated_at = now() WHERE name = %(name)s;

-- name: list_connection_states
SELECT name, state FROM connections WHERE kind = %(kind)s;
