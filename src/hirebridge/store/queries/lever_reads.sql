-- name: keep_lever_read
-- Never for an erased candidate: a list page still shows one Lever keeps, and nothing of them is stored.
INSERT INTO lever_reads (connection, id, version, body)
SELECT %(connection)s, %(id)s, %(version)s, %(body)s
WHERE NOT EXISTS (
    SELECT FROM subjects
    WHERE connection = %(connection)s AND kind = 'opportunity' AND id = %(id)s AND erasure IS NOT NULL
)
ON CONFLICT (connection, id) DO UPDATE
SET version = EXCLUDED.version, body = EXCLUDED.body, read_at = now();

-- name: take_lever_read
DELETE FROM lever_reads WHERE connection = %(connection)s AND id = %(id)s RETURNING version, body;

-- name: forget_old_lever_reads
-- Reads no reconcile took (it was skipped, or a webhook came after the page): kept an hour at most.
DELETE FROM lever_reads WHERE read_at < now() - interval '1 hour';

-- name: offers_to_check
-- The offers poll's next candidates: those watched, longest unchecked first.
SELECT id, offers_seen FROM subjects
WHERE connection = %(connection)s AND kind = 'opportunity' AND watch_offers
ORDER BY offers_checked_at NULLS FIRST LIMIT %(limit)s;

-- name: offers_checked
-- Marks the subject checked; bumps it when its offers differ from those its last reconcile read and
-- no reconcile is still to run. Returns whether it bumped.
WITH old AS (
    SELECT offers_seen IS DISTINCT FROM %(offers)s AND synced_version >= desired_version AS bump
    FROM subjects WHERE connection = %(connection)s AND kind = 'opportunity' AND id = %(id)s FOR UPDATE
)
UPDATE subjects s SET offers_checked_at = now(), desired_version = s.desired_version + old.bump::int
FROM old
WHERE s.connection = %(connection)s AND s.kind = 'opportunity' AND s.id = %(id)s
RETURNING old.bump;
