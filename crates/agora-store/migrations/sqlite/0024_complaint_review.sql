-- A confirmed legal complaint no longer hides its post by itself: it puts the post first in the
-- moderators' queue with a time to decide by (due_at), and hides it only on their decision, or
-- at once when the site hides complaints of that kind at once (hid_post says the case hid it,
-- so a complaint not upheld shows again only what the case hid, never what its author deleted).
ALTER TABLE legal_cases ADD COLUMN due_at INTEGER;
ALTER TABLE legal_cases ADD COLUMN hid_post INTEGER NOT NULL DEFAULT 0;
-- Cases opened before this hid their post on opening.
UPDATE legal_cases SET hid_post = 1 WHERE status IN ('open', 'removed') AND post_id IS NOT NULL;
UPDATE legal_cases SET due_at = created_at + 172800000000 WHERE status = 'open';
CREATE INDEX legal_cases_due ON legal_cases (post_id, due_at) WHERE status = 'open';
