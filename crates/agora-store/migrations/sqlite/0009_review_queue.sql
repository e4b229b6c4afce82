-- The moderation queue holds more than members' flags: posts the system held (word filters,
-- the spam check, new members' first posts) are queued as flags with source 'system'. Members
-- are flagged too (a spammer's or a fake account), with the same reasons and resolutions.
ALTER TABLE flags ADD COLUMN source TEXT NOT NULL DEFAULT 'member' CHECK (source IN ('member', 'system'));
UPDATE flags SET source = 'system' WHERE note LIKE 'held by %';

CREATE TABLE member_flags (
    id                INTEGER PRIMARY KEY,
    member_id         INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    by_id             INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason            TEXT    NOT NULL CHECK (reason IN ('spam', 'abuse', 'defamation', 'fake', 'other')),
    note              TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    resolved_at       INTEGER,
    resolved_by       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    resolution        TEXT CHECK (resolution IN ('upheld', 'dismissed')),
    resolution_reason TEXT
);
CREATE UNIQUE INDEX member_flags_open ON member_flags (member_id, by_id) WHERE resolved_at IS NULL;
CREATE INDEX member_flags_pending ON member_flags (resolved_at, member_id);
