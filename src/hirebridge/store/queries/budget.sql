-- name: ensure_rate_budget
INSERT INTO rate_budgets (name) VALUES (%(name)s) ON CONFLICT (name) DO NOTHING;

-- name: take_rate_budget
-- One request of the budget, or how long to wait before asking again. `backlog` is how far (in
-- seconds of the rate) the bucket may already be spent for this priority to take from it: live work
-- may queue behind the burst; lower priorities take only while the bucket still holds their reserve.
-- Returns (granted, seconds to wait): a grant waits until its slot comes (0 while the burst lasts).
WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t),
taken AS (
    UPDATE rate_budgets b SET busy_until = greatest(b.busy_until, now.t) + 1.0 / %(rate)s
    FROM now
    WHERE b.name = %(name)s AND greatest(b.busy_until, now.t) - now.t <= %(backlog)s
    RETURNING b.busy_until - now.t AS ahead
)
SELECT true, greatest(0.0, ahead - %(burst)s / %(rate)s) FROM taken
UNION ALL
SELECT false, greatest(0.001, greatest(b.busy_until, now.t) - now.t - %(backlog)s)
FROM rate_budgets b, now
WHERE b.name = %(name)s AND NOT EXISTS (SELECT 1 FROM taken);

-- name: drain_rate_budget
-- The account answered 429: whatever the bucket said, it is empty now, for every process.
UPDATE rate_budgets SET busy_until = greatest(busy_until, extract(epoch FROM clock_timestamp()) + %(seconds)s)
WHERE name = %(name)s;
