-- The web console's local accounts, their sessions and the failed sign-ins that slow guessing down.
CREATE TABLE console_accounts (
    email text PRIMARY KEY,                 -- lower-cased
    role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_hash text,                     -- argon2id; NULL: signs in through the identity provider only
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of the cookie's value is stored: a copy of the database opens no session.
CREATE TABLE console_sessions (
    token_hash bytea PRIMARY KEY,
    email text NOT NULL REFERENCES console_accounts (email) ON DELETE CASCADE,
    csrf text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_sessions_email_idx ON console_sessions (email);

-- Keyed by a hash of "account:<email>" or "address:<ip>", so what strangers type is not kept.
CREATE TABLE console_sign_in_failures (
    key bytea PRIMARY KEY,
    failures integer NOT NULL,
    last_at timestamptz NOT NULL DEFAULT now()
);
