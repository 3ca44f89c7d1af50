-- name: console_index_names
-- The subject's name tokens (HMACs) become exactly these; a token kept is refreshed at most daily.
WITH gone AS (
    DELETE FROM subject_names
    WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s
      AND NOT (token = ANY(%(tokens)s::bytea[]))
)
INSERT INTO subject_names (connection, kind, id, token)
SELECT %(connection)s, %(kind)s, %(id)s, t FROM unnest(%(tokens)s::bytea[]) AS t
ON CONFLICT (connection, kind, id, token) DO UPDATE SET written_at = now()
WHERE subject_names.written_at < now() - interval '1 day';

-- name: erase_subject_names
DELETE FROM subject_names WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s;

-- name: retention_delete_subject_names
-- Names of subjects no reconcile has read for the timeline's whole window.
DELETE FROM subject_names WHERE (connection, kind, id, token) IN (
    SELECT connection, kind, id, token FROM subject_names WHERE written_at < %(cutoff)s
    ORDER BY written_at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
);

-- name: console_search
-- Subjects whose id starts with %(prefix)s (a LIKE pattern, NULL for none), then those holding every
-- name token asked for (one row per token in subject_names; %(wanted)s tokens). One page, and one
-- row more to tell whether another page follows.
WITH hits AS (
    SELECT connection, kind, id, 0 AS rank FROM subjects
    WHERE %(prefix)s::text IS NOT NULL AND id LIKE %(prefix)s
    UNION ALL
    SELECT connection, kind, id, 1 AS rank FROM subject_names
    WHERE %(wanted)s > 0 AND token = ANY(%(tokens)s::bytea[])
    GROUP BY connection, kind, id HAVING count(*) = %(wanted)s
), best AS (
    SELECT connection, kind, id, min(rank) AS rank FROM hits GROUP BY connection, kind, id
)
SELECT s.connection, s.kind, s.id, s.seen_stage, s.last_synced_at, s.behind_since, s.last_error,
       s.erasure IS NOT NULL AS erased,
       (SELECT count(*) FROM effects e
        WHERE e.connection = s.connection AND e.subject_kind = s.kind AND e.subject_id = s.id
          AND e.state = 'failed') AS parked
FROM best JOIN subjects s USING (connection, kind, id)
ORDER BY best.rank, s.last_synced_at DESC NULLS LAST, s.connection, s.kind, s.id
LIMIT %(limit)s OFFSET %(offset)s;

-- name: console_subject
SELECT connection, kind, id, desired_version, synced_version, last_synced_at, behind_since,
       last_error, seen_stage, next_due_at, erasure
FROM subjects WHERE connection = %(connection)s AND kind = %(kind)s AND id = %(id)s;

-- name: console_timeline_inbox
-- Webhooks received: the event and the ids Lever sent with it, never the rest of the payload.
SELECT id, event, received_at, payload->'data'->>'toStageId' AS to_stage,
       payload->'data'->>'fromStageId' AS from_stage, payload->>'triggeredAt' AS triggered_at
FROM inbox
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
ORDER BY id DESC LIMIT %(limit)s;

-- name: console_timeline_jira_events
SELECT id, connection, event, issue_key, received_at FROM jira_events
WHERE lever_connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
ORDER BY id DESC LIMIT %(limit)s;

-- name: console_timeline_audit
SELECT id, at, action, detail, actor FROM audit
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
ORDER BY at DESC, id DESC LIMIT %(limit)s;

-- name: console_timeline_effects
SELECT id, recipe, key, kind, target, state, external_id, external_key, external_url, status,
       attempts, last_error, intent_at, done_at, updated_at
FROM effects
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
ORDER BY coalesce(intent_at, updated_at), id;

-- name: console_failed_effect
SELECT connection, subject_kind, subject_id, recipe, key FROM effects
WHERE id = %(effect)s AND state = 'failed';

-- name: console_packets
-- Packets by status (all when NULL), newest change first: what the review page would show, no field.
SELECT id, lever_connection, subject_kind, subject_id, recipe, key, justworks_connection, status,
       problems, generation, decided_by, decline_reason, created_at, updated_at
FROM packets WHERE %(status)s::text IS NULL OR status = %(status)s
ORDER BY updated_at DESC, id LIMIT %(limit)s OFFSET %(offset)s;

-- name: console_packet
SELECT id, status FROM packets WHERE id = %(id)s;

-- name: console_audit
-- The audit trail of a time range, subjects' rows and console actions alike, oldest first.
SELECT id, at, connection, subject_kind, subject_id, action, actor, detail FROM audit
WHERE at >= %(start)s AND at < %(end)s
ORDER BY at, id LIMIT %(limit)s;

-- name: console_insert_action
INSERT INTO audit (connection, subject_kind, subject_id, action, detail, actor)
VALUES (%(connection)s, %(kind)s, %(id)s, %(action)s, %(detail)s, %(actor)s);

-- name: console_throughput
-- Reconciles finished per bucket of %(bucket)s seconds since %(since)s: run (read Lever) or covered.
SELECT to_timestamp(floor(extract(epoch FROM at) / %(bucket)s) * %(bucket)s) AS bucket,
       count(*) FILTER (WHERE action = 'reconciled') AS reconciled,
       count(*) FILTER (WHERE action = 'covered') AS covered
FROM audit WHERE at >= %(since)s AND action IN ('reconciled', 'covered')
GROUP BY 1 ORDER BY 1;

-- name: console_lag
-- Sync lag per bucket: from a webhook's arrival to the first reconcile of its subject that ended
-- after it (one index probe per webhook); webhooks still waiting count up to now.
SELECT to_timestamp(floor(extract(epoch FROM i.received_at) / %(bucket)s) * %(bucket)s) AS bucket,
       count(*) AS webhooks,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM coalesce(r.at, now()) - i.received_at))
           AS p50_seconds,
       max(extract(epoch FROM coalesce(r.at, now()) - i.received_at)) AS max_seconds
FROM inbox i
LEFT JOIN LATERAL (
    SELECT a.at FROM audit a
    WHERE a.connection = i.connection AND a.subject_kind = i.subject_kind AND a.subject_id = i.subject_id
      AND a.at >= i.received_at AND a.action IN ('reconciled', 'covered', 'not-found', 'erased')
    ORDER BY a.at LIMIT 1
) r ON true
WHERE i.received_at >= %(since)s AND i.source = 'lever' AND i.subject_id IS NOT NULL
GROUP BY 1 ORDER BY 1;

-- name: console_budgets
-- The shared Lever budgets: the moment each bucket is full again (runtime/budget.py).
SELECT name, busy_until, extract(epoch FROM now()) AS now FROM rate_budgets;

-- name: console_jira_health
-- Per Jira connection: its admin webhook, and the newest refusal parked for it (partial index).
SELECT c.name,
       (SELECT count(*) FROM jira_webhooks w WHERE w.connection = c.name) AS webhooks,
       (SELECT e.last_error FROM effects e
        WHERE e.state = 'failed' AND e.target = 'jira:' || c.name
        ORDER BY e.updated_at DESC LIMIT 1) AS last_error
FROM unnest(%(names)s::text[]) AS c(name);
