-- name: health_now
-- The transaction's time, which every age is measured from.
SELECT now();

-- name: health_subjects_behind
-- Subjects behind per Lever connection and since when the longest-behind one has been (partial index).
SELECT connection, count(*) AS behind, min(behind_since) AS behind_since
FROM subjects WHERE behind_since IS NOT NULL GROUP BY connection;

-- name: health_subjects_errored
SELECT connection, count(*) AS errored FROM subjects WHERE last_error IS NOT NULL GROUP BY connection;

-- name: health_parked_effects
-- Effects parked after a permanent refusal (effects_state_idx covers every state but done).
SELECT connection, count(*) AS parked, min(updated_at) AS oldest
FROM effects WHERE state = 'failed' GROUP BY connection;

-- name: health_queue
-- Jobs not finished, by queue: waiting to run now, scheduled later (a retry's backoff), running.
SELECT queue_name AS queue,
       CASE WHEN status = 'doing' THEN 'running'
            WHEN scheduled_at > now() THEN 'scheduled'
            ELSE 'waiting' END AS state,
       count(*) AS jobs
FROM procrastinate_jobs WHERE status IN ('todo', 'doing') GROUP BY 1, 2;

-- name: health_lever_grants
-- OAuth grants refused (connect again), per connection (`justworks:NAME` for Justworks); tokens are
-- never read here.
SELECT connection, refused IS NOT NULL AS refused FROM oauth_tokens;

-- name: health_packets_waiting
-- Justworks packets waiting for an admin: held (a problem to correct) or awaiting review.
SELECT status, count(*) AS packets, min(created_at) AS oldest
FROM packets WHERE status IN ('held', 'awaiting_review') GROUP BY status;
