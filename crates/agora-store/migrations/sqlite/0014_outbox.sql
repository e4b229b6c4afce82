-- Domain events, recorded in the transaction of the change they tell of, and each consumer's
-- position in them. A consumer is leased to one worker at a time (holder, leased_until).
CREATE TABLE outbox (
    id      INTEGER PRIMARY KEY,
    stream  TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    payload TEXT    NOT NULL,
    at      INTEGER  NOT NULL
);
CREATE TABLE outbox_consumers (
    name         TEXT    PRIMARY KEY,
    position     INTEGER  NOT NULL,
    holder       TEXT    NOT NULL,
    leased_until INTEGER  NOT NULL
);
-- How far a bulletin's delivery got: the last member (by id) mailed, so a restarted worker
-- goes on from there.
ALTER TABLE bulletins ADD COLUMN delivered_through INTEGER NOT NULL DEFAULT 0;
