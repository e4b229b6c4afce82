-- agora's foundation on SQLite: members, sessions, settings, rate counters, groups with
-- memberships, requests and invitations, and one content model (topics of several kinds,
-- each a thread of posts) with revisions and a full-text index.
-- Times are INTEGER microseconds since the Unix epoch, UTC. Booleans are INTEGER 0/1.

CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL,
    username_key  TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    bio           TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'moderator', 'member')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX members_username ON members (username_key);
CREATE UNIQUE INDEX members_email ON members (email);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('web', 'api')),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_member ON sessions (member_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE rate_counters (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);

CREATE TABLE groups (
    id               INTEGER PRIMARY KEY,
    slug             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    visibility       TEXT    NOT NULL CHECK (visibility IN ('public', 'closed', 'secret')),
    member_count     INTEGER NOT NULL DEFAULT 0,
    topic_count      INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX groups_slug ON groups (slug);
CREATE INDEX groups_name ON groups (name, id);

CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role      TEXT    NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX group_members_member ON group_members (member_id, group_id);

CREATE TABLE join_requests (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
    created_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    decided_at INTEGER
);
CREATE UNIQUE INDEX join_requests_pending ON join_requests (group_id, member_id) WHERE state = 'pending';
CREATE INDEX join_requests_member ON join_requests (member_id);

CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    invitee_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    inviter_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    state      TEXT    NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'revoked')),
    created_at INTEGER NOT NULL,
    decided_at INTEGER
);
CREATE UNIQUE INDEX invitations_pending ON invitations (group_id, invitee_id) WHERE state = 'pending';
CREATE INDEX invitations_invitee ON invitations (invitee_id, state);

-- Every kind of content is a topic (discussion, question, idea, wiki, article, event, poll):
-- a thread of posts whose first post carries the body. Kinds add tables of their own.
CREATE TABLE topics (
    id               INTEGER PRIMARY KEY,
    group_id         INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL DEFAULT 'discussion'
                     CHECK (kind IN ('discussion', 'question', 'idea', 'wiki', 'article', 'event', 'poll')),
    title            TEXT    NOT NULL,
    slug             TEXT    NOT NULL,
    author_id        INTEGER NOT NULL REFERENCES members (id),
    tags             TEXT    NOT NULL DEFAULT '',
    pinned           INTEGER NOT NULL DEFAULT 0,
    locked           INTEGER NOT NULL DEFAULT 0,
    deleted          INTEGER NOT NULL DEFAULT 0,
    post_count       INTEGER NOT NULL DEFAULT 0,
    reply_count      INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL
);
CREATE INDEX topics_latest ON topics (group_id, last_activity_at DESC, id DESC);
CREATE INDEX topics_replies ON topics (group_id, reply_count DESC, id DESC);
CREATE INDEX topics_author ON topics (author_id);

CREATE TABLE topic_tags (
    topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    tag      TEXT    NOT NULL,
    PRIMARY KEY (topic_id, tag)
);
CREATE INDEX topic_tags_tag ON topic_tags (tag, topic_id);

CREATE TABLE posts (
    id             INTEGER PRIMARY KEY,
    topic_id       INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    group_id       INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    author_id      INTEGER NOT NULL REFERENCES members (id),
    body_markdown  TEXT    NOT NULL,
    body_html      TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    edited_at      INTEGER,
    revision_count INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    deleted_at     INTEGER,
    deleted_by     INTEGER REFERENCES members (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX posts_topic_number ON posts (topic_id, number);
CREATE INDEX posts_author ON posts (author_id, id);

CREATE TABLE post_revisions (
    id            INTEGER PRIMARY KEY,
    post_id       INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    title         TEXT,
    body_markdown TEXT    NOT NULL,
    editor_id     INTEGER REFERENCES members (id) ON DELETE SET NULL,
    replaced_at   INTEGER NOT NULL,
    UNIQUE (post_id, number)
);

-- The search index: one row per visible post, rowid = posts.id; the opening post carries
-- its topic's title. Written in the same transaction as the post.
CREATE VIRTUAL TABLE post_search USING fts5 (
    title,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
