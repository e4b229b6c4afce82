-- Ideas. An idea is a topic of kind 'idea'; its status (topics.status) is one of an editable
-- list, grouped into sets: open (waiting for a decision), active (decided to do) and closed
-- (done with: votes on it no longer count against a member's budget). Empty until admins
-- change the list: the core's defaults apply (new, under review, planned, in progress,
-- shipped, declined, already exists).
CREATE TABLE idea_statuses (
    name       TEXT    PRIMARY KEY,
    label      TEXT    NOT NULL,
    status_set TEXT    NOT NULL CHECK (status_set IN ('open', 'active', 'closed')),
    position   INTEGER NOT NULL
);

-- One vote per member and idea. A vote a merge moved here names the idea it was cast on
-- (via), so that undoing the merge moves exactly those back.
CREATE TABLE idea_votes (
    topic_id  INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    voted_at  INTEGER NOT NULL,
    via       INTEGER REFERENCES topics (id) ON DELETE SET NULL,
    PRIMARY KEY (topic_id, member_id)
);
CREATE INDEX idea_votes_member ON idea_votes (member_id);
CREATE INDEX idea_votes_recent ON idea_votes (topic_id, voted_at);

-- A member's vote on a duplicate when they had voted on the original too: counted once, on
-- the original, and kept here to be given back if the merge is undone.
CREATE TABLE idea_merged_votes (
    duplicate_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    voted_at     INTEGER NOT NULL,
    PRIMARY KEY (duplicate_id, member_id)
);

-- Per idea: its vote count (kept exact by counting again after each change) and, once
-- merged, its original and the status it had.
CREATE TABLE ideas (
    topic_id            INTEGER PRIMARY KEY REFERENCES topics (id) ON DELETE CASCADE,
    votes               INTEGER NOT NULL DEFAULT 0,
    merged_into         INTEGER REFERENCES topics (id) ON DELETE SET NULL,
    status_before_merge TEXT
);
CREATE INDEX ideas_merged_into ON ideas (merged_into);

-- Every status change, with the note staff wrote for everyone.
CREATE TABLE idea_status_changes (
    id          INTEGER PRIMARY KEY,
    topic_id    INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    by_id       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX idea_status_changes_topic ON idea_status_changes (topic_id, id);
