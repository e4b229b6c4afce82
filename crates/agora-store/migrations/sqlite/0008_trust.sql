-- Trust levels and the reading record they are computed from. A member's level (0 new,
-- 1 basic, 2 member, 3 regular, 4 leader) is kept on the member row so every request knows it;
-- `trust_earned` is the highest level their activity ever earned (it is not lost by staying
-- away, only confirmed flags lower the level below it); `trust_locked` is a level an admin set
-- by hand (NULL: computed).
ALTER TABLE members ADD COLUMN trust_level INTEGER NOT NULL DEFAULT 0 CHECK (trust_level BETWEEN 0 AND 4);
ALTER TABLE members ADD COLUMN trust_earned INTEGER NOT NULL DEFAULT 0 CHECK (trust_earned BETWEEN 0 AND 4);
ALTER TABLE members ADD COLUMN trust_locked INTEGER CHECK (trust_locked BETWEEN 0 AND 4);

-- Staff and members who joined before trust levels existed start where they would expect.
UPDATE members SET trust_level = 4, trust_earned = 4 WHERE role IN ('admin', 'moderator');
UPDATE members SET trust_level = 1, trust_earned = 1 WHERE role = 'member';

-- One row per member, aggregated: days on which they visited, topics entered, posts read and
-- roughly how long they spent reading.
CREATE TABLE member_activity (
    member_id      INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    days_visited   INTEGER NOT NULL DEFAULT 0,
    last_visit_day INTEGER NOT NULL DEFAULT 0,
    topics_entered INTEGER NOT NULL DEFAULT 0,
    posts_read     INTEGER NOT NULL DEFAULT 0,
    read_seconds   INTEGER NOT NULL DEFAULT 0,
    last_read_at   INTEGER NOT NULL DEFAULT 0
);

-- How far each member has read each topic (the highest post number shown to them).
CREATE TABLE topic_reads (
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    topic_id      INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    last_number   INTEGER NOT NULL,
    first_read_at INTEGER NOT NULL,
    last_read_at  INTEGER NOT NULL,
    PRIMARY KEY (member_id, topic_id)
);
CREATE INDEX topic_reads_topic ON topic_reads (topic_id);
CREATE INDEX posts_author_topic ON posts (author_id, topic_id, number);
