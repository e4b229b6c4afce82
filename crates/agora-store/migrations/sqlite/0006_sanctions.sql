-- Actions on members: warnings, silences, suspensions and bans, each with a reason the member
-- sees, and their appeals to the moderators.
CREATE TABLE sanctions (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('warning', 'silence', 'suspension', 'ban')),
    reason     TEXT    NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER,
    by_id      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    lifted_at  INTEGER,
    lifted_by  INTEGER REFERENCES members (id) ON DELETE SET NULL
);
CREATE INDEX sanctions_member ON sanctions (member_id, starts_at);

CREATE TABLE appeals (
    id          INTEGER PRIMARY KEY,
    sanction_id INTEGER NOT NULL REFERENCES sanctions (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    message     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX appeals_created ON appeals (created_at);
