-- When a subject next needs a reconcile by itself (a reminder's time), and the `updatedAt` Lever last
-- showed for it (requisitions have no updated-since filter, so the watch compares).
ALTER TABLE subjects ADD COLUMN next_due_at timestamptz;
ALTER TABLE subjects ADD COLUMN source_updated_at bigint;
CREATE INDEX subjects_due_idx ON subjects (next_due_at) WHERE next_due_at IS NOT NULL;
