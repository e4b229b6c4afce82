-- Legal complaints about posts (defamation, copyright, privacy) and the cases they open.
-- A guest's complaint waits for its mailed confirmation link; an open case hides the post until
-- a moderator decides. Every step of a case is an event that triggers keep from being changed.
-- The complainant's address is kept to write to them and is never shown.
CREATE TABLE legal_cases (
    id                 INTEGER PRIMARY KEY,
    reference          TEXT    NOT NULL,
    post_id            INTEGER REFERENCES posts (id) ON DELETE SET NULL,
    status             TEXT    NOT NULL CHECK (status IN ('unconfirmed', 'open', 'removed', 'restored')),
    kind               TEXT    NOT NULL CHECK (kind IN ('defamation', 'copyright', 'privacy', 'other')),
    statement          TEXT    NOT NULL,
    complainant_id     INTEGER REFERENCES members (id) ON DELETE SET NULL,
    complainant_name   TEXT    NOT NULL,
    complainant_email  TEXT    NOT NULL,
    confirm_hash       TEXT,
    created_at         INTEGER NOT NULL,
    decided_at         INTEGER
);
CREATE UNIQUE INDEX legal_cases_reference ON legal_cases (reference);
CREATE UNIQUE INDEX legal_cases_confirm ON legal_cases (confirm_hash) WHERE confirm_hash IS NOT NULL;
CREATE INDEX legal_cases_status ON legal_cases (status, created_at);

CREATE TABLE legal_case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES legal_cases (id),
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    actor_name TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX legal_case_events_case ON legal_case_events (case_id, id);

CREATE TRIGGER legal_case_events_no_update BEFORE UPDATE OF case_id, at, actor_name, action, note ON legal_case_events
BEGIN
    SELECT RAISE(ABORT, 'the steps of a legal case are append-only');
END;

CREATE TRIGGER legal_case_events_no_delete BEFORE DELETE ON legal_case_events
BEGIN
    SELECT RAISE(ABORT, 'the steps of a legal case are append-only');
END;
