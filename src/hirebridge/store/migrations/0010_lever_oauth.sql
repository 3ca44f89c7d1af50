-- Lever OAuth tokens per connection, encrypted with HIREBRIDGE_SECRET_KEY (config/secret_key.py).
-- `refused` keeps why Lever refused the refresh token, so calls fail fast until connected again.
CREATE TABLE lever_tokens (
    connection      text PRIMARY KEY,
    access_token    text NOT NULL,
    refresh_token   text,
    expires_at      timestamptz NOT NULL,
    scope           text NOT NULL DEFAULT '',
    connected_at    timestamptz NOT NULL DEFAULT now(),
    refreshed_at    timestamptz,
    refreshes       integer NOT NULL DEFAULT 0,
    refused         text
);
