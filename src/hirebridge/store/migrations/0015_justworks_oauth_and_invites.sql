-- OAuth tokens of every service in one table: a Lever connection's row is keyed by its name (`main`),
-- a Justworks connection's by `justworks:NAME`, the names `hirebridge connections connect` takes.
ALTER TABLE lever_tokens RENAME TO oauth_tokens;
ALTER TABLE oauth_tokens RENAME CONSTRAINT lever_tokens_pkey TO oauth_tokens_pkey;

-- Justworks has no API that creates a hire: an admin reviews the packet, types it into Justworks'
-- "Add a person" form and invites the person there. hirebridge records who reviewed it, then notices
-- the person among Justworks' members (`joined`), or flags a member who only partly matches.
ALTER TABLE packets DROP CONSTRAINT packets_status_check;
ALTER TABLE packets ADD CONSTRAINT packets_status_check CHECK (status IN
    ('held', 'awaiting_review', 'reviewed', 'joined', 'sending', 'sent', 'declined', 'withdrawn'));
ALTER TABLE packets
    ADD COLUMN reviewed_by  text,
    ADD COLUMN reviewed_at  timestamptz,
    ADD COLUMN member_id    text,
    ADD COLUMN matched_by   text,
    ADD COLUMN match_flag   text,
    ADD COLUMN joined_at    timestamptz,
    -- When the admins were (last) told: an invite is overdue some time after it.
    ADD COLUMN notified_at  timestamptz;
