-- Files of the media folder that are not simply public: each size of a member's avatar (deleted
-- with the member), images uploaded for a group's posts, and copies of remote images made for
-- a post of a closed or secret group. A file with no row here is a public copy. An upload or a
-- copy is served only to those who may read its group; one whose group was deleted (its group_id
-- set null) to no one.
CREATE TABLE media (
    name       TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('avatar', 'upload', 'copy')),
    owner_id   INTEGER REFERENCES members(id),
    group_id   INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    bytes      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX media_owner ON media (owner_id, purpose);
