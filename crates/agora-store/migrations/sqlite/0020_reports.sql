-- One report model: flags on posts and flags on members were two tables with the same columns.
-- A report is about a post or a member (exactly one), by a member (for a post the system held,
-- its author), with a reason and a note, open until a moderator upholds or dismisses it.
CREATE TABLE reports (
    id                INTEGER PRIMARY KEY,
    post_id           INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    member_id         INTEGER REFERENCES members (id) ON DELETE CASCADE,
    by_id             INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    source            TEXT    NOT NULL DEFAULT 'member' CHECK (source IN ('member', 'system')),
    reason            TEXT    NOT NULL CHECK (reason IN ('spam', 'abuse', 'defamation', 'off_topic', 'fake', 'other')),
    note              TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    resolved_at       INTEGER,
    resolved_by       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    resolution        TEXT CHECK (resolution IN ('upheld', 'dismissed')),
    resolution_reason TEXT,
    CHECK ((post_id IS NULL) <> (member_id IS NULL))
);
INSERT INTO reports (post_id, member_id, by_id, source, reason, note, created_at, resolved_at,
                     resolved_by, resolution, resolution_reason)
SELECT post_id, NULL, member_id, source, reason, note, created_at, resolved_at, resolved_by,
       resolution, resolution_reason FROM flags ORDER BY id;
INSERT INTO reports (post_id, member_id, by_id, source, reason, note, created_at, resolved_at,
                     resolved_by, resolution, resolution_reason)
SELECT NULL, member_id, by_id, 'member', reason, note, created_at, resolved_at, resolved_by,
       resolution, resolution_reason FROM member_flags ORDER BY id;
DROP TABLE flags;
DROP TABLE member_flags;

-- One open report per reporter and post or member (NULLs never collide).
CREATE UNIQUE INDEX reports_open_post ON reports (post_id, by_id) WHERE resolved_at IS NULL;
CREATE UNIQUE INDEX reports_open_member ON reports (member_id, by_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_pending_post ON reports (resolved_at, post_id);
CREATE INDEX reports_pending_member ON reports (resolved_at, member_id);
CREATE INDEX reports_by ON reports (by_id);
ANALYZE reports;
