-- Justworks new-hire packets (U9), one per Lever subject and recipe action. `source` holds the fields
-- the recipe rendered from Lever, `corrections` what an admin changed on the review page; the packet
-- is their merge. `problems` are the exact reasons a packet is held. Nothing else about the candidate
-- is stored: no files, no resumes, no raw Lever payloads.
CREATE TABLE packets (
    id                   text PRIMARY KEY,
    lever_connection     text NOT NULL,
    subject_kind         text NOT NULL,
    subject_id           text NOT NULL,
    recipe               text NOT NULL,
    key                  text NOT NULL,
    justworks_connection text NOT NULL,
    status               text NOT NULL
        CHECK (status IN ('held', 'awaiting_review', 'sending', 'sent', 'declined', 'withdrawn')),
    source               jsonb NOT NULL,
    corrections          jsonb NOT NULL DEFAULT '{}',
    problems             jsonb NOT NULL DEFAULT '[]',
    invite               boolean NOT NULL DEFAULT true,
    -- Bumped when a withdrawn packet comes back (re-hired): admins are told again.
    generation           integer NOT NULL DEFAULT 1,
    pending_hire_id      text,
    last_error           text,
    decided_by           text,
    decline_reason       text,
    send_started_at      timestamptz,
    decided_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lever_connection, subject_kind, subject_id, recipe, key)
);
CREATE INDEX packets_status_idx ON packets (status);

-- Review links: one unguessable token per admin and packet; only its SHA-256 is kept.
CREATE TABLE packet_links (
    token_hash  text PRIMARY KEY,
    packet_id   text NOT NULL REFERENCES packets (id) ON DELETE CASCADE,
    admin_email text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (packet_id, admin_email)
);

-- Emails sent about a packet, so a retried reconcile does not email an admin twice.
CREATE TABLE packet_emails (
    packet_id  text NOT NULL REFERENCES packets (id) ON DELETE CASCADE,
    generation integer NOT NULL,
    kind       text NOT NULL,
    recipient  text NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (packet_id, generation, kind, recipient)
);
