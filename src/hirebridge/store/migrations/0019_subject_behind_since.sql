-- Since when a subject has been behind (desired_version above synced_version): the age of the oldest
-- change not yet synced, which /metrics and `hirebridge status` read through a partial index instead of
-- scanning every subject. Kept by triggers, so no statement that raises or syncs a version has to; their
-- WHEN clauses skip the function for the common rows (a new subject is behind, a hint to a subject
-- already behind changes nothing). A reconcile that ends still behind (changes arrived while it ran)
-- restarts the clock: what is left is younger than that reconcile.
ALTER TABLE subjects ADD COLUMN behind_since timestamptz DEFAULT now();
UPDATE subjects SET behind_since = NULL WHERE synced_version >= desired_version;
CREATE INDEX subjects_behind_idx ON subjects (connection, behind_since) WHERE behind_since IS NOT NULL;
CREATE INDEX subjects_errored_idx ON subjects (connection) WHERE last_error IS NOT NULL;

CREATE FUNCTION hirebridge_subject_behind_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.synced_version >= NEW.desired_version THEN
        NEW.behind_since := NULL;
    ELSIF TG_OP = 'INSERT' OR OLD.behind_since IS NULL OR NEW.synced_version > OLD.synced_version THEN
        NEW.behind_since := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER subjects_behind_since_insert BEFORE INSERT ON subjects FOR EACH ROW
WHEN (NEW.synced_version >= NEW.desired_version)
EXECUTE FUNCTION hirebridge_subject_behind_since();

CREATE TRIGGER subjects_behind_since_update BEFORE UPDATE OF desired_version, synced_version ON subjects
FOR EACH ROW
WHEN ((NEW.synced_version >= NEW.desired_version) <> (OLD.behind_since IS NULL)
      OR NEW.synced_version > OLD.synced_version)
EXECUTE FUNCTION hirebridge_subject_behind_since();
