-- Bulletins: the community's newsletter, sent by admins to the members who opted in (the
-- opt-ins themselves are rows of the consent ledger). `sent` counts the mails handed over.
CREATE TABLE bulletins (
    id           INTEGER PRIMARY KEY,
    subject      TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    sent_by      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    sent_by_name TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    recipients   INTEGER NOT NULL,
    sent         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX consents_subject ON consents (subject, member_id, id);
