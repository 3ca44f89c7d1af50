-- name: lock_oauth_tokens
-- One refresh at a time per connection, across processes, until the transaction ends.
SELECT pg_advisory_xact_lock(hashtext('hirebridge:oauth:' || %(connection)s));

-- name: get_oauth_tokens
SELECT access_token, refresh_token, expires_at, scope, connected_at, refreshed_at, refreshes, refused
FROM oauth_tokens WHERE connection = %(connection)s;

-- name: connect_oauth_tokens
INSERT INTO oauth_tokens (connection, access_token, refresh_token, expires_at, scope)
VALUES (%(connection)s, %(access_token)s, %(refresh_token)s, %(expires_at)s, %(scope)s)
ON CONFLICT (connection) DO UPDATE
SET access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
    expires_at = EXCLUDED.expires_at, scope = EXCLUDED.scope, connected_at = now(),
    refreshed_at = NULL, refreshes = 0, refused = NULL;

-- name: refresh_oauth_tokens
UPDATE oauth_tokens
SET access_token = %(access_token)s, refresh_token = %(refresh_token)s, expires_at = %(expires_at)s,
    scope = %(scope)s, refreshed_at = now(), refreshes = refreshes + 1
WHERE connection = %(connection)s;

-- name: refuse_oauth_tokens
UPDATE oauth_tokens SET refused = %(reason)s WHERE connection = %(connection)s;

-- name: delete_oauth_tokens
DELETE FROM oauth_tokens WHERE connection = %(connection)s;
