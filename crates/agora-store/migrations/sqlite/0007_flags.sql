-- Flags members raise on posts, with a reason; enough agreeing flags hide a post until a
-- moderator looks; a moderator resolves each flag with a reason.
CREATE TABLE flags (
    id                INTEGER PRIMARY KEY,
    post_id           INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id         INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason            TEXT    NOT NULL CHECK (reason IN ('spam', 'abuse', 'defamation', 'off_topic', 'other')),
    note              TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    resolved_at       INTEGER,
    resolved_by       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    resolution        TEXT CHECK (resolution IN ('upheld', 'dismissed')),
    resolution_reason TEXT
);
CREATE UNIQUE INDEX flags_open ON flags (post_id, member_id) WHERE resolved_at IS NULL;
CREATE INDEX flags_pending ON flags (resolved_at, post_id);
