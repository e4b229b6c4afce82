-- Email verification, password reset and email change: single-use tokens sent by mail, stored
-- as hashes. Members who registered before verification existed count as verified.
ALTER TABLE members ADD COLUMN email_verified_at INTEGER;
UPDATE members SET email_verified_at = created_at;

CREATE TABLE email_tokens (
    token_hash TEXT    PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify', 'reset')),
    email      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX email_tokens_member ON email_tokens (member_id, purpose);
