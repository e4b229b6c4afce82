-- A group can be archived (read-only: every topic locked, no new topics, votes or members) and
-- deleted by an admin. A deleted group is gone for everyone: every lookup and the scope's filter
-- leave it out, and its address is freed. Its rows stay, so that what the law needs (a legal
-- case's post, the audit log) is kept.
ALTER TABLE groups ADD COLUMN archived_at INTEGER;
ALTER TABLE groups ADD COLUMN deleted_at INTEGER;
