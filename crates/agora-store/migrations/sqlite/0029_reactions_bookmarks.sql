-- Reactions on items of every kind, named by their reference (item_kind, item_id): no column
-- per kind, and a new kind needs no change here. One row per member, item and emoji; deleted
-- with the member (erasure also deletes them itself, moving the counts).
CREATE TABLE reactions (
    id         INTEGER PRIMARY KEY,
    item_kind  TEXT    NOT NULL,
    item_id    INTEGER NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    emoji      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (item_kind, item_id, member_id, emoji)
);
-- Who reacted to an item, the latest first.
CREATE INDEX reactions_item ON reactions (item_kind, item_id, created_at, id);
CREATE INDEX reactions_member ON reactions (member_id);

-- The count per item and emoji that a topic page shows under each post, read for a page's
-- posts in one query; moved by a delta in the statement of each change (a row at 0 stays).
CREATE TABLE reaction_counts (
    item_kind TEXT    NOT NULL,
    item_id   INTEGER NOT NULL,
    emoji     TEXT    NOT NULL,
    total     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_kind, item_id, emoji)
);

-- A member's bookmarks: one per member and item, with an optional reminder and note.
CREATE TABLE bookmarks (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    item_kind  TEXT    NOT NULL,
    item_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    remind_at  INTEGER,
    note       TEXT    NOT NULL DEFAULT '',
    UNIQUE (member_id, item_kind, item_id)
);
CREATE INDEX bookmarks_reminders ON bookmarks (member_id, remind_at);
