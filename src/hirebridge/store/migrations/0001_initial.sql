-- Connections named in the config, with what hirebridge learnt about them (webhook ids, health).
CREATE TABLE connections (
    name        text PRIMARY KEY,
    kind        text NOT NULL,
    state       jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Lever webhooks hirebridge registered, one per event, each with its own signature token.
CREATE TABLE lever_webhooks (
    connection       text NOT NULL,
    event            text NOT NULL,
    webhook_id       text NOT NULL,
    url              text NOT NULL,
    signature_token  text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection, event)
);

-- Every event received, stored once (a redelivery has the same dedupe key).
CREATE TABLE inbox (
    id            bigserial PRIMARY KEY,
    source        text NOT NULL,
    connection    text NOT NULL,
    dedupe_key    text NOT NULL,
    event         text NOT NULL,
    subject_kind  text,
    subject_id    text,
    payload       jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, connection, dedupe_key)
);
CREATE INDEX inbox_subject_idx ON inbox (connection, subject_kind, subject_id);
CREATE INDEX inbox_received_idx ON inbox (received_at);

-- One row per Lever subject (opportunity, requisition). A hint bumps desired_version; a reconcile
-- that saw version V sets synced_version = V, so a burst of hints costs one real reconcile.
CREATE TABLE subjects (
    connection       text NOT NULL,
    kind             text NOT NULL,
    id               text NOT NULL,
    desired_version  bigint NOT NULL DEFAULT 0,
    synced_version   bigint NOT NULL DEFAULT 0,
    last_synced_at   timestamptz,
    last_error       text,
    PRIMARY KEY (connection, kind, id)
);

-- The ledger: every external write, recorded as an intent before it is sent and as done after.
CREATE TABLE effects (
    id             bigserial PRIMARY KEY,
    connection     text NOT NULL,
    subject_kind   text NOT NULL,
    subject_id     text NOT NULL,
    recipe         text NOT NULL,
    key            text NOT NULL,
    kind           text NOT NULL,
    target         text NOT NULL,
    marker         text NOT NULL,
    state          text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    external_id    text,
    external_key   text,
    external_url   text,
    status         text,
    content_hash   text,
    attempts       integer NOT NULL DEFAULT 0,
    last_error     text,
    intent_at      timestamptz,
    done_at        timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection, subject_kind, subject_id, recipe, key)
);
CREATE UNIQUE INDEX effects_marker_idx ON effects (marker);
CREATE INDEX effects_state_idx ON effects (state) WHERE state <> 'done';

-- What was done and why, per subject, for the timeline.
CREATE TABLE audit (
    id            bigserial PRIMARY KEY,
    connection    text NOT NULL,
    subject_kind  text NOT NULL,
    subject_id    text NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    action        text NOT NULL,
    detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_subject_idx ON audit (connection, subject_kind, subject_id, at);
