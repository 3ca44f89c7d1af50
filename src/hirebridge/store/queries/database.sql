-- name: database_exists
SELECT 1 FROM pg_database WHERE datname = %(name)s;

-- name: round_trip
SELECT 1;
