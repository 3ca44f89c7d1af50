-- One request budget per Lever account, shared by every process (serve, workers, the CLI): a token
-- bucket kept as the moment it would be full again (epoch seconds). A grant moves that moment on by
-- one request's share of the rate; the bucket holds burst − (busy_until − now) × rate tokens.
CREATE TABLE rate_budgets (
    name       text PRIMARY KEY,
    busy_until double precision NOT NULL DEFAULT 0
);

-- The offers poll: candidates whose offers can matter now (in an offer stage, not archived, under a
-- recipe that asks for a signed offer), what their offers were when last read, and when.
ALTER TABLE subjects
    ADD COLUMN watch_offers      boolean NOT NULL DEFAULT false,
    ADD COLUMN offers_seen       text,
    ADD COLUMN offers_checked_at timestamptz;
CREATE INDEX subjects_watch_offers_idx ON subjects (connection, offers_checked_at NULLS FIRST)
WHERE watch_offers;

-- An opportunity as a list page returned it (sweep, backfill), for the reconcile that page queued:
-- used only if no hint came after it (same version), deleted once used.
CREATE TABLE lever_reads (
    connection text NOT NULL,
    id         text NOT NULL,
    version    bigint NOT NULL,
    body       jsonb NOT NULL,
    read_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection, id)
);
