-- Who each post mentioned (`@name`), so that a member is told once per post however often it
-- is edited: a row is written in the post's transaction for each member a version of it
-- mentioned who could read it, and `told_at` is set when the post is published (at once, or
-- when a held post is approved), with a `member_mentioned` event for each who may still read
-- it then.
CREATE TABLE post_mentions (
    post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    by_id        INTEGER REFERENCES members (id) ON DELETE SET NULL,
    mentioned_at INTEGER NOT NULL,
    told_at      INTEGER,
    PRIMARY KEY (post_id, member_id)
);
CREATE INDEX post_mentions_member ON post_mentions (member_id);
