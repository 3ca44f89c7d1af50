-- name: get_packet_for_effect
SELECT * FROM packets
WHERE lever_connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND recipe = %(recipe)s AND key = %(key)s;

-- name: get_packet
SELECT * FROM packets WHERE id = %(packet_id)s;

-- name: get_packet_by_token
SELECT p.*, l.admin_email AS link_admin FROM packet_links l JOIN packets p ON p.id = l.packet_id
WHERE l.token_hash = %(token_hash)s;

-- name: upsert_packet
-- A packet an admin declined, or whose person joined Justworks, is final: Lever's later changes leave
-- it alone. A withdrawn packet that comes back starts a new generation, so the admins are told again.
-- A reviewed packet whose Lever data did not change stays reviewed.
INSERT INTO packets (id, lever_connection, subject_kind, subject_id, recipe, key, justworks_connection,
                     status, source, problems)
VALUES (%(packet_id)s, %(connection)s, %(kind)s, %(id)s, %(recipe)s, %(key)s, %(justworks)s,
        %(status)s, %(source)s, %(problems)s)
ON CONFLICT (lever_connection, subject_kind, subject_id, recipe, key) DO UPDATE
SET source = EXCLUDED.source, problems = EXCLUDED.problems,
    justworks_connection = EXCLUDED.justworks_connection,
    status = CASE
        WHEN packets.status = 'sending' THEN 'sending'
        WHEN packets.status = 'reviewed' AND packets.source = EXCLUDED.source
             AND EXCLUDED.status = 'awaiting_review' THEN 'reviewed'
        ELSE EXCLUDED.status END,
    generation = packets.generation + CASE WHEN packets.status = 'withdrawn' THEN 1 ELSE 0 END,
    notified_at = CASE WHEN packets.status = 'withdrawn' THEN NULL ELSE packets.notified_at END,
    last_error = NULL, updated_at = now()
WHERE packets.status NOT IN ('sent', 'declined', 'joined')
RETURNING *;

-- name: correct_packet
UPDATE packets SET corrections = %(corrections)s, problems = %(problems)s, status = %(status)s,
                   updated_at = now()
WHERE id = %(packet_id)s AND status IN ('held', 'awaiting_review')
RETURNING *;

-- name: review_packet
-- The admin entered the packet in Justworks; who and when are kept.
UPDATE packets SET status = 'reviewed', reviewed_by = %(admin)s, reviewed_at = now(), updated_at = now()
WHERE id = %(packet_id)s AND status = 'awaiting_review'
RETURNING *;

-- name: mark_packet_notified
UPDATE packets SET notified_at = COALESCE(notified_at, now()) WHERE id = %(packet_id)s;

-- name: join_packet
UPDATE packets SET status = 'joined', member_id = %(member_id)s, matched_by = %(matched_by)s,
                   match_flag = NULL, joined_at = now(), decided_at = now(), updated_at = now()
WHERE id = %(packet_id)s AND status IN ('held', 'awaiting_review', 'reviewed')
RETURNING *;

-- name: flag_packet
UPDATE packets SET match_flag = %(flag)s, member_id = %(member_id)s, updated_at = now()
WHERE id = %(packet_id)s AND status IN ('held', 'awaiting_review', 'reviewed')
  AND member_id IS DISTINCT FROM %(member_id)s
RETURNING *;

-- name: list_awaited_packets
SELECT * FROM packets
WHERE justworks_connection = %(justworks)s AND status IN ('held', 'awaiting_review', 'reviewed')
ORDER BY created_at;

-- name: list_invites
-- What `status` and /metrics show: every packet still waiting for its person in Justworks.
SELECT id, justworks_connection, status, subject_id, reviewed_by, match_flag, notified_at,
       EXTRACT(EPOCH FROM now() - COALESCE(notified_at, created_at)) / 3600.0 AS waited_hours
FROM packets WHERE status IN ('held', 'awaiting_review', 'reviewed')
ORDER BY COALESCE(notified_at, created_at);

-- name: decline_packet
UPDATE packets SET status = 'declined', decided_by = %(admin)s, decline_reason = %(reason)s,
                   decided_at = now(), updated_at = now()
WHERE id = %(packet_id)s AND status IN ('held', 'awaiting_review')
RETURNING *;

-- name: withdraw_packet
UPDATE packets SET status = 'withdrawn', updated_at = now()
WHERE id = %(packet_id)s AND status IN ('held', 'awaiting_review', 'reviewed')
RETURNING *;

-- name: insert_packet_link
INSERT INTO packet_links (token_hash, packet_id, admin_email)
VALUES (%(token_hash)s, %(packet_id)s, %(admin_email)s)
ON CONFLICT (packet_id, admin_email) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now();

-- name: packet_email_sent
SELECT 1 FROM packet_emails
WHERE packet_id = %(packet_id)s AND generation = %(generation)s AND kind = %(kind)s
  AND recipient = %(recipient)s;

-- name: record_packet_email
INSERT INTO packet_emails (packet_id, generation, kind, recipient)
VALUES (%(packet_id)s, %(generation)s, %(kind)s, %(recipient)s)
ON CONFLICT DO NOTHING;

-- name: packet_recipients
SELECT DISTINCT recipient FROM packet_emails
WHERE packet_id = %(packet_id)s AND generation = %(generation)s AND kind = 'hired';

-- name: set_packet_effect_status
-- An admin's decision is recorded on the packet's effect, so plans treat the packet as final and the
-- recipe can note the outcome on Lever through the ledger (exactly once).
UPDATE effects SET status = %(status)s, external_id = COALESCE(%(external_id)s, external_id),
                   external_key = COALESCE(%(matched_by)s, external_key), updated_at = now()
WHERE connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
  AND recipe = %(recipe)s AND key = %(key)s AND kind = 'justworks_packet';

-- name: erase_subject_packets
-- An erased candidate: the packet keeps its id, status and times (so nothing is prepared again) and
-- loses every field; an open one is withdrawn (one being sent too: its send finds it no longer
-- `sending` and records nothing; one reviewed is no longer watched for in Justworks). Its review links
-- and email recipients go, and so does a flag on a member who only partly matched (it names them).
WITH erased AS (
    UPDATE packets
    SET source = '{}', corrections = '{}', problems = '[]', last_error = NULL, decided_by = NULL,
        decline_reason = NULL, match_flag = NULL, redacted_at = now(), updated_at = now(),
        status = CASE WHEN status IN ('held', 'awaiting_review', 'reviewed', 'sending') THEN 'withdrawn'
                      ELSE status END
    WHERE lever_connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
    RETURNING id
), links AS (
    DELETE FROM packet_links WHERE packet_id IN (SELECT id FROM erased)
)
DELETE FROM packet_emails WHERE packet_id IN (SELECT id FROM erased);

-- name: redact_finished_packets
-- Retention: packets joined, sent, declined or withdrawn before the cutoff lose their fields, links and
-- recipients, a batch at a time (oldest first).
WITH due AS (
    SELECT id FROM packets
    WHERE status IN ('joined', 'sent', 'declined', 'withdrawn') AND redacted_at IS NULL
      AND updated_at < %(cutoff)s
    ORDER BY updated_at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
), redacted AS (
    UPDATE packets p
    SET source = '{}', corrections = '{}', problems = '[]', last_error = NULL, decided_by = NULL,
        decline_reason = NULL, match_flag = NULL, redacted_at = now()
    FROM due WHERE p.id = due.id
    RETURNING p.id
), links AS (
    DELETE FROM packet_links WHERE packet_id IN (SELECT id FROM redacted)
), emails AS (
    DELETE FROM packet_emails WHERE packet_id IN (SELECT id FROM redacted)
)
SELECT count(*) FROM redacted;

-- name: subject_packets
SELECT p.*,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('admin_email', l.admin_email, 'created_at', l.created_at)
                                  ORDER BY l.created_at), '[]')
        FROM packet_links l WHERE l.packet_id = p.id) AS review_links,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('generation', e.generation, 'kind', e.kind,
                                                     'recipient', e.recipient, 'sent_at', e.sent_at)
                                  ORDER BY e.sent_at), '[]')
        FROM packet_emails e WHERE e.packet_id = p.id) AS emails
FROM packets p
WHERE lever_connection = %(connection)s AND subject_kind = %(kind)s AND subject_id = %(id)s
ORDER BY created_at;

-- name: packet_subjects_by_email
-- Subjects whose packet carries this home email (a request to be forgotten names an email only).
SELECT DISTINCT lever_connection, subject_kind, subject_id FROM packets
WHERE lower(source ->> 'home_email') = lower(%(email)s)
   OR lower(corrections ->> 'home_email') = lower(%(email)s);
