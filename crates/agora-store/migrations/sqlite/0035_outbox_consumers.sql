-- A consumer's place is the (tx, id) of the last event it handled, not a reference to its row,
-- so the events behind every consumer can be deleted after the retention without losing
-- anyone's place. The event after it has failed `failures` times (the last with
-- `last_error`), and is tried again at `retry_at`.
ALTER TABLE outbox_consumers ADD COLUMN position_tx INTEGER NOT NULL DEFAULT 0;
UPDATE outbox_consumers SET position_tx = COALESCE(
    (SELECT o.tx FROM outbox o WHERE o.id = outbox_consumers.position), 0);
ALTER TABLE outbox_consumers ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_consumers ADD COLUMN retry_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_consumers ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
-- Events a consumer failed on at every attempt, with their last error and a copy of the event
-- (the outbox may prune it), until an admin retries or dismisses them. `retrying_until` is
-- the lease of one admin's retry.
CREATE TABLE outbox_parked (
    id             INTEGER PRIMARY KEY,
    consumer       TEXT    NOT NULL,
    event_id       INTEGER  NOT NULL,
    event_tx       INTEGER  NOT NULL,
    name           TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    at             INTEGER  NOT NULL,
    error          TEXT    NOT NULL,
    attempts       INTEGER  NOT NULL,
    parked_at      INTEGER  NOT NULL,
    retrying_until INTEGER  NOT NULL DEFAULT 0,
    UNIQUE (consumer, event_id)
);
-- Pruning finds the oldest events by their time.
CREATE INDEX outbox_at ON outbox (at);
