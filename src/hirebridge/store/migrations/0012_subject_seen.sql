-- What the last finished reconcile read (the opportunity's updatedAt and stage, the recipes' fingerprint),
-- and where the last reconcile started (its version and the newest inbox row then): a reconcile whose
-- webhooks were all already in that read is skipped (domain/coverage.py).
ALTER TABLE subjects
    ADD COLUMN started_version  bigint NOT NULL DEFAULT 0,
    ADD COLUMN started_inbox_id bigint NOT NULL DEFAULT 0,
    ADD COLUMN seen_updated_at  bigint,
    ADD COLUMN seen_stage       text,
    ADD COLUMN seen_recipes     text;

-- A reconcile's start reads its subject's inbox rows after the last start's: by subject, then id.
CREATE INDEX inbox_subject_id_idx ON inbox (connection, subject_kind, subject_id, id);
DROP INDEX inbox_subject_idx;
