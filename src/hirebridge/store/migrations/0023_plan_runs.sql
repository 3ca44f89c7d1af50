-- A plan of every subject under the deployed recipes, asked for from the console and run as a
-- background job: who asked and when, when it ran, and what it found (per recipe and action, how
-- many writes of each kind; removed actions and likely renames). No candidate data.
CREATE TABLE plan_runs (
    id            bigserial PRIMARY KEY,
    requested_by  text NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    subjects      integer,
    summary       jsonb,
    renames       jsonb,
    orphans       jsonb,
    error         text
);
-- The run still to finish, found without a scan.
CREATE INDEX plan_runs_unfinished_idx ON plan_runs (id) WHERE finished_at IS NULL;
