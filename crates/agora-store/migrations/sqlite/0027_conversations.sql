-- Private messages: conversations between named members (the conversation audience). A
-- participant's row says where they stand (taking part, a request not yet accepted, declined,
-- left), from which message on they read (`history_from`: a member added without the earlier
-- history) and how far they have read (`last_read`): unread = conversations.last_seq - last_read,
-- never a count of messages. `last_message_at` is copied onto each participant's row so that an
-- inbox is one range of one index.
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    subject         TEXT    NOT NULL,
    started_by      INTEGER NOT NULL REFERENCES members (id),
    moderation      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    last_seq        INTEGER NOT NULL DEFAULT 0,
    last_message_at INTEGER NOT NULL
);
CREATE TABLE conversation_members (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    state           TEXT    NOT NULL CHECK (state IN ('active', 'requested', 'declined', 'left')),
    added_by        INTEGER REFERENCES members (id) ON DELETE SET NULL,
    history_from    INTEGER NOT NULL DEFAULT 1,
    last_read       INTEGER NOT NULL DEFAULT 0,
    last_message_at INTEGER NOT NULL,
    joined_at       INTEGER NOT NULL,
    left_at         INTEGER,
    PRIMARY KEY (conversation_id, member_id)
);
CREATE INDEX conversation_members_inbox ON conversation_members (member_id, state, last_message_at);
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    author_id       INTEGER NOT NULL REFERENCES members (id),
    body_markdown   TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    edited_at       INTEGER,
    deleted_at      INTEGER,
    UNIQUE (conversation_id, seq)
);
CREATE INDEX messages_author ON messages (author_id);
-- The versions an edit replaced.
CREATE TABLE message_revisions (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    body_markdown TEXT    NOT NULL,
    replaced_at   INTEGER NOT NULL
);
CREATE INDEX message_revisions_message ON message_revisions (message_id);
-- A member's blocks (no conversations either way, existing ones hidden from the blocker) and
-- ignores (the other's content collapsed, no mentions from them).
CREATE TABLE member_blocks (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    other_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('block', 'ignore')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (member_id, other_id, kind)
);
CREATE INDEX member_blocks_other ON member_blocks (other_id, kind);
