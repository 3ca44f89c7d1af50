-- The console's name search: each candidate name token as an HMAC under the instance's secret
-- (domain/name_index.py), never the name. Written when a reconcile reads the opportunity, deleted
-- with the subject's other personal data by an erasure, and by retention once not refreshed for
-- `audit_days` (refreshed at most daily, so a quiet subject's row is not rewritten by every run).
CREATE TABLE subject_names (
    connection  text NOT NULL,
    kind        text NOT NULL,
    id          text NOT NULL,
    token       bytea NOT NULL,
    written_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection, kind, id, token)
);
CREATE INDEX subject_names_token_idx ON subject_names (token);
CREATE INDEX subject_names_written_idx ON subject_names (written_at);

-- Search by the start of a Lever id, and the console's lists by recency.
CREATE INDEX subjects_id_prefix_idx ON subjects (id text_pattern_ops);
CREATE INDEX subjects_synced_idx ON subjects (last_synced_at DESC NULLS LAST);
CREATE INDEX packets_status_updated_idx ON packets (status, updated_at DESC);

-- Who did it: an operator's console action (a retry, a reconcile, a sign-in, a user change). Actions
-- not about one subject (a sign-in) have no subject.
ALTER TABLE audit ADD COLUMN actor text;
ALTER TABLE audit ALTER COLUMN connection DROP NOT NULL,
                  ALTER COLUMN subject_kind DROP NOT NULL,
                  ALTER COLUMN subject_id DROP NOT NULL;
