-- Reports and legal complaints name what they are about by item reference (item_kind, item_id:
-- 'post' 12, 'message' 7), not by a column per kind: a kind that declares itself is reportable
-- and can be complained about with no constraint to widen. Each also keeps the item's audience
-- (audience_kind, audience_id: 'group' 3, 'conversation' 9), which routes it to the members who
-- decide it, and its author (item_author_id), whom an upheld report counts against.
-- SQLite cannot drop a column a foreign key names: both tables are rebuilt once, here.

CREATE TABLE reports_new (
    id                INTEGER PRIMARY KEY,
    item_kind         TEXT,
    item_id           INTEGER,
    member_id         INTEGER REFERENCES members (id) ON DELETE CASCADE,
    audience_kind     TEXT,
    audience_id       INTEGER,
    item_author_id    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    by_id             INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    source            TEXT    NOT NULL DEFAULT 'member' CHECK (source IN ('member', 'system')),
    reason            TEXT    NOT NULL CHECK (reason IN ('spam', 'abuse', 'defamation', 'off_topic', 'fake', 'other')),
    note              TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    resolved_at       INTEGER,
    resolved_by       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    resolution        TEXT CHECK (resolution IN ('upheld', 'dismissed')),
    resolution_reason TEXT,
    -- About an item or a member, exactly one; an item has an id.
    CHECK ((item_kind IS NULL) <> (member_id IS NULL)),
    CHECK ((item_kind IS NULL) = (item_id IS NULL))
);
INSERT INTO reports_new (id, item_kind, item_id, member_id, audience_kind, audience_id,
                         item_author_id, by_id, source, reason, note, created_at, resolved_at,
                         resolved_by, resolution, resolution_reason)
SELECT f.id, CASE WHEN f.post_id IS NULL THEN NULL ELSE 'post' END, f.post_id, f.member_id,
       CASE WHEN f.post_id IS NULL THEN NULL ELSE 'group' END, p.group_id, p.author_id,
       f.by_id, f.source, f.reason, f.note, f.created_at, f.resolved_at, f.resolved_by,
       f.resolution, f.resolution_reason
  FROM reports f LEFT JOIN posts p ON p.id = f.post_id ORDER BY f.id;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;

-- One open report per reporter and item or member (NULLs never collide).
CREATE UNIQUE INDEX reports_open_item ON reports (item_kind, item_id, by_id) WHERE resolved_at IS NULL;
CREATE UNIQUE INDEX reports_open_member ON reports (member_id, by_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_pending_item ON reports (resolved_at, item_kind, item_id);
CREATE INDEX reports_pending_member ON reports (resolved_at, member_id);
CREATE INDEX reports_by ON reports (by_id);
-- What trust counts against an author: the upheld reports on their items.
CREATE INDEX reports_upheld_author ON reports (item_author_id, resolved_at) WHERE resolution = 'upheld';
ANALYZE reports;

-- Legal cases likewise; their steps refer to them, so the steps' table is rebuilt with them
-- (the new steps table refers to the new cases table, and follows it when it is renamed).
CREATE TABLE legal_cases_new (
    id                 INTEGER PRIMARY KEY,
    reference          TEXT    NOT NULL,
    item_kind          TEXT,
    item_id            INTEGER,
    audience_kind      TEXT,
    audience_id        INTEGER,
    item_author_id     INTEGER REFERENCES members (id) ON DELETE SET NULL,
    status             TEXT    NOT NULL CHECK (status IN ('unconfirmed', 'open', 'removed', 'restored')),
    kind               TEXT    NOT NULL CHECK (kind IN ('defamation', 'copyright', 'privacy', 'other')),
    statement          TEXT    NOT NULL,
    complainant_id     INTEGER REFERENCES members (id) ON DELETE SET NULL,
    complainant_name   TEXT    NOT NULL,
    complainant_email  TEXT    NOT NULL,
    confirm_hash       TEXT,
    created_at         INTEGER NOT NULL,
    decided_at         INTEGER,
    due_at             INTEGER,
    hid_item           INTEGER NOT NULL DEFAULT 0,
    CHECK ((item_kind IS NULL) = (item_id IS NULL))
);
INSERT INTO legal_cases_new (id, reference, item_kind, item_id, audience_kind, audience_id,
                             item_author_id, status, kind, statement, complainant_id,
                             complainant_name, complainant_email, confirm_hash, created_at,
                             decided_at, due_at, hid_item)
SELECT c.id, c.reference, CASE WHEN c.post_id IS NULL THEN NULL ELSE 'post' END, c.post_id,
       CASE WHEN p.id IS NULL THEN NULL ELSE 'group' END, p.group_id, p.author_id, c.status,
       c.kind, c.statement, c.complainant_id, c.complainant_name, c.complainant_email,
       c.confirm_hash, c.created_at, c.decided_at, c.due_at, c.hid_post
  FROM legal_cases c LEFT JOIN posts p ON p.id = c.post_id ORDER BY c.id;

CREATE TABLE legal_case_events_new (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES legal_cases_new (id),
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    actor_name TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT ''
);
INSERT INTO legal_case_events_new (id, case_id, at, actor_id, actor_name, action, note)
SELECT id, case_id, at, actor_id, actor_name, action, note FROM legal_case_events ORDER BY id;

DROP TABLE legal_case_events;
DROP TABLE legal_cases;
ALTER TABLE legal_cases_new RENAME TO legal_cases;
ALTER TABLE legal_case_events_new RENAME TO legal_case_events;

CREATE UNIQUE INDEX legal_cases_reference ON legal_cases (reference);
CREATE UNIQUE INDEX legal_cases_confirm ON legal_cases (confirm_hash) WHERE confirm_hash IS NOT NULL;
CREATE INDEX legal_cases_status ON legal_cases (status, created_at);
CREATE INDEX legal_cases_due ON legal_cases (item_kind, item_id, due_at) WHERE status = 'open';
CREATE INDEX legal_case_events_case ON legal_case_events (case_id, id);

CREATE TRIGGER legal_case_events_no_update BEFORE UPDATE OF case_id, at, actor_name, action, note ON legal_case_events
BEGIN
    SELECT RAISE(ABORT, 'the steps of a legal case are append-only');
END;

CREATE TRIGGER legal_case_events_no_delete BEFORE DELETE ON legal_case_events
BEGIN
    SELECT RAISE(ABORT, 'the steps of a legal case are append-only');
END;
