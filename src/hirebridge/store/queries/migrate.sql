-- name: lock_migrations
-- Held until the transaction ends, so that concurrent starts do not race. Any constant works; it only
-- has to be the same in every process migrating this database.
SELECT pg_advisory_xact_lock(79449903941959);  -- 0x48425F4D4947

-- name: create_schema_migrations
CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
);

-- name: list_schema_migrations
SELECT name, checksum FROM schema_migrations;

-- name: insert_schema_migration
INSERT INTO schema_migrations (name, checksum) VALUES (%(name)s, %(checksum)s);
