-- Jira webhook events about issues hirebridge links to a Lever subject, stored once per delivery
-- identifier (X-Atlassian-Webhook-Identifier is the same across Jira's retries). Only ids are kept:
-- the reconcile re-reads comments and statuses from Jira, so comment bodies are never stored here.
CREATE TABLE jira_events (
    id               bigserial PRIMARY KEY,
    connection       text NOT NULL,
    identifier       text NOT NULL,
    event            text NOT NULL,
    issue_id         text,
    issue_key        text,
    comment_id       text,
    lever_connection text NOT NULL,
    subject_kind     text NOT NULL,
    subject_id       text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection, identifier)
);
CREATE INDEX jira_events_subject_idx ON jira_events (lever_connection, subject_kind, subject_id);
CREATE INDEX jira_events_received_idx ON jira_events (received_at);

-- The admin webhook hirebridge registered per Jira connection, and the secret it signs with (a secret
-- cannot be read back from Jira, so a generated one is kept here to verify deliveries after a restart).
CREATE TABLE jira_webhooks (
    connection  text PRIMARY KEY,
    webhook_id  text NOT NULL,
    url         text NOT NULL,
    secret      text NOT NULL,
    account_id  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- An incoming event names a Jira issue by id and key: find the subject whose effect made it.
CREATE INDEX effects_external_key_idx ON effects (target, external_key) WHERE external_key IS NOT NULL;
CREATE INDEX effects_external_id_idx ON effects (target, external_id) WHERE external_id IS NOT NULL;
