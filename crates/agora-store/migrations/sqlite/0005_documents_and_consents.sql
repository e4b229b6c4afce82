-- Versioned documents members accept (netiquette, terms, privacy policy), and the consent
-- ledger: every acceptance (and every opt-in or opt-out) as a row, never updated.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('netiquette', 'terms', 'privacy')),
    version      INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    UNIQUE (kind, version)
);

CREATE TABLE consents (
    id        INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    subject   TEXT    NOT NULL,
    version   INTEGER NOT NULL DEFAULT 0,
    granted   INTEGER NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX consents_member ON consents (member_id, subject, id);
