-- Where each Lever connection's sweep stands, one row per stream (opportunities, requisitions,
-- offers). `position` is a Lever `updatedAt` (ms, Lever's clock): the next pass lists what changed
-- since `position - overlap`. `claimed_until` is a lease, so that one process sweeps at a time.
CREATE TABLE sweep_cursors (
    connection        text NOT NULL,
    stream            text NOT NULL,
    position          bigint,
    next_run_at       timestamptz NOT NULL DEFAULT now(),
    claimed_until     timestamptz,
    last_started_at   timestamptz,
    last_finished_at  timestamptz,
    last_error        text,
    last_summary      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (connection, stream)
);
