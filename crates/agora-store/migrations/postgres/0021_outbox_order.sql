-- Consumers read the outbox in order of (tx, id): on PostgreSQL tx is the recording
-- transaction's id, and only finished transactions' events are read, so that no event becomes
-- visible behind one a consumer has passed without a lock ordering every commit. On SQLite
-- (one writer, commits in order of id) tx stays 0. Events recorded before keep 0 and sort first.
ALTER TABLE outbox ADD COLUMN tx BIGINT NOT NULL DEFAULT 0;
CREATE INDEX outbox_order ON outbox (tx, id);
