-- name: find_jira_linked_subject
-- The Lever subject whose Jira issue or JSM request this is (issue ids are stable; keys change on a
-- move, so either matches).
SELECT connection, subject_kind, subject_id
FROM effects
WHERE target = %(target)s
  AND kind IN ('jira_issue', 'jsm_request')
  AND ((external_id IS NOT NULL AND external_id = %(issue_id)s)
       OR (external_key IS NOT NULL AND external_key = %(issue_key)s))
ORDER BY id
LIMIT 1;

-- name: insert_jira_event
-- A redelivery carries the same identifier and is not stored again.
INSERT INTO jira_events (connection, identifier, event, issue_id, issue_key, comment_id,
                         lever_connection, subject_kind, subject_id)
VALUES (%(connection)s, %(identifier)s, %(event)s, %(issue_id)s, %(issue_key)s, %(comment_id)s,
        %(lever_connection)s, %(subject_kind)s, %(subject_id)s)
ON CONFLICT (connection, identifier) DO NOTHING
RETURNING id;

-- name: lock_jira_webhook_registration
-- Held until the transaction ends: one process at a time registers or removes a connection's webhook.
SELECT pg_advisory_xact_lock(hashtext('jira-webhook:' || %(connection)s));

-- name: get_jira_webhook
SELECT webhook_id, url, secret, account_id FROM jira_webhooks WHERE connection = %(connection)s;

-- name: delete_jira_webhook
DELETE FROM jira_webhooks WHERE connection = %(connection)s;

-- name: upsert_jira_webhook
INSERT INTO jira_webhooks (connection, webhook_id, url, secret, account_id)
VALUES (%(connection)s, %(webhook_id)s, %(url)s, %(secret)s, %(account_id)s)
ON CONFLICT (connection) DO UPDATE
SET webhook_id = EXCLUDED.webhook_id, url = EXCLUDED.url, secret = EXCLUDED.secret,
    account_id = EXCLUDED.account_id, created_at = now();
