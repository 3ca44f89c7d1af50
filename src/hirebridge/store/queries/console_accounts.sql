-- name: console_account_add
INSERT INTO console_accounts (email, role, password_hash) VALUES (%(email)s, %(role)s, %(password_hash)s)
ON CONFLICT (email) DO NOTHING RETURNING email;

-- name: console_account_get
SELECT email, role, password_hash, created_at, updated_at FROM console_accounts WHERE email = %(email)s;

-- name: console_account_list
SELECT a.email, a.role, a.password_hash IS NOT NULL AS has_password, a.created_at,
       (SELECT max(s.seen_at) FROM console_sessions s WHERE s.email = a.email) AS last_seen_at
FROM console_accounts a ORDER BY a.email;

-- name: console_account_remove
DELETE FROM console_accounts WHERE email = %(email)s RETURNING email;

-- name: console_account_set_role
-- A new role holds from the next request of every open session (sessions read the role by join).
UPDATE console_accounts SET role = %(role)s, updated_at = now() WHERE email = %(email)s RETURNING email;

-- name: console_account_set_password
UPDATE console_accounts SET password_hash = %(password_hash)s, updated_at = now()
WHERE email = %(email)s RETURNING email;

-- name: console_admins_left
SELECT count(*) AS n FROM console_accounts WHERE role = 'admin' AND email <> %(email)s;

-- name: console_session_start
INSERT INTO console_sessions (token_hash, email, csrf) VALUES (%(token_hash)s, %(email)s, %(csrf)s);

-- name: console_session_touch
-- The session behind a cookie, if neither idle nor too old; reading it marks it as used.
UPDATE console_sessions s SET seen_at = now()
FROM console_accounts a
WHERE s.token_hash = %(token_hash)s AND a.email = s.email
  AND s.seen_at > now() - make_interval(secs => %(idle_seconds)s)
  AND s.created_at > now() - make_interval(secs => %(absolute_seconds)s)
RETURNING s.email, a.role, s.csrf, s.created_at;

-- name: console_session_end
DELETE FROM console_sessions WHERE token_hash = %(token_hash)s;

-- name: console_sessions_end_for
DELETE FROM console_sessions WHERE email = %(email)s;

-- name: console_sessions_expire
DELETE FROM console_sessions
WHERE seen_at <= now() - make_interval(secs => %(idle_seconds)s)
   OR created_at <= now() - make_interval(secs => %(absolute_seconds)s);

-- name: console_failures_get
-- Failures older than the window are forgotten.
SELECT key, failures, last_at FROM console_sign_in_failures
WHERE key = ANY(%(keys)s) AND last_at > now() - make_interval(secs => %(window_seconds)s);

-- name: console_failure_add
INSERT INTO console_sign_in_failures AS f (key, failures, last_at) VALUES (%(key)s, 1, now())
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN f.last_at > now() - make_interval(secs => %(window_seconds)s)
                    THEN f.failures + 1 ELSE 1 END,
    last_at = now()
RETURNING failures;

-- name: console_failure_lock
-- Tries on one key wait for each other while they are counted, so parallel guesses cannot all pass
-- the lockout before the first is counted.
SELECT pg_advisory_xact_lock(hashtextextended(encode(%(key)s, 'hex'), 7305));

-- name: console_failure_take_back
-- A try counted as a failure while its password was checked succeeded: taken back, with the time of
-- the failure before it (if any).
UPDATE console_sign_in_failures
SET failures = greatest(failures - 1, 0), last_at = coalesce(%(previous_at)s, last_at)
WHERE key = %(key)s;

-- name: console_failures_clear
DELETE FROM console_sign_in_failures WHERE key = ANY(%(keys)s);

-- name: console_failures_forget
-- Failures past the window count no more: their rows go (kept small whatever strangers try).
DELETE FROM console_sign_in_failures WHERE last_at <= now() - make_interval(secs => %(window_seconds)s);
