-- A subject whose candidate is erased (deleted in Lever, or forgotten on request): `erasure` holds
-- who asked, why and when (ids and names of operators only), and `erased_at` inside it once done. An
-- erased subject is never reconciled again, so nothing is created for it again.
ALTER TABLE subjects ADD COLUMN erasure jsonb;
CREATE INDEX subjects_erasure_idx ON subjects ((erasure ->> 'erased_at')) WHERE erasure IS NOT NULL;

-- Retention reads by age: timeline rows by time, finished packets by their last change.
CREATE INDEX audit_at_idx ON audit (at);
ALTER TABLE packets ADD COLUMN redacted_at timestamptz;
CREATE INDEX packets_finished_idx ON packets (updated_at)
WHERE status IN ('joined', 'sent', 'declined', 'withdrawn') AND redacted_at IS NULL;
