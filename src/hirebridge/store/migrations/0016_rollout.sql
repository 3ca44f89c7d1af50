-- Under which recipes each subject was last reconciled (domain/changes.py `recipes_fingerprint`): a
-- subject under other recipes is due again, rolled out at low priority (runtime/rollout.py). And when
-- a rollout reconcile was queued for it, so it is queued once.
ALTER TABLE subjects
    ADD COLUMN recipes_fingerprint text,
    ADD COLUMN rollout_queued_at  timestamptz;

-- `rollout: manual`: the recipes an operator let roll out with `hirebridge apply`, per Lever
-- connection and subject kind.
CREATE TABLE rollout_approvals (
    connection  text NOT NULL,
    kind        text NOT NULL,
    fingerprint text NOT NULL,
    approved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection, kind)
);
