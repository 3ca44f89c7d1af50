-- When a reconcile was last queued for the subject by a hint and not yet started: further hints
-- only raise desired_version (store/queries/core.sql `hint_subject`).
ALTER TABLE subjects ADD COLUMN queued_at timestamptz;
