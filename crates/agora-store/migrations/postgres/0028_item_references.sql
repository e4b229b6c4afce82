-- Reports and legal complaints name what they are about by item reference (item_kind, item_id:
-- 'post' 12, 'message' 7), not by a column per kind: a kind that declares itself is reportable
-- and can be complained about with no constraint to widen. Each also keeps the item's audience
-- (audience_kind, audience_id: 'group' 3, 'conversation' 9), which routes it to the members who
-- decide it, and its author (item_author_id), whom an upheld report counts against.

ALTER TABLE reports ADD COLUMN item_kind TEXT;
ALTER TABLE reports ADD COLUMN item_id BIGINT;
ALTER TABLE reports ADD COLUMN audience_kind TEXT;
ALTER TABLE reports ADD COLUMN audience_id BIGINT;
ALTER TABLE reports ADD COLUMN item_author_id BIGINT REFERENCES members (id) ON DELETE SET NULL;
UPDATE reports f SET item_kind = 'post', item_id = f.post_id, audience_kind = 'group',
       audience_id = p.group_id, item_author_id = p.author_id
  FROM posts p WHERE p.id = f.post_id;
-- Dropping the column drops its foreign key, its indexes and the check that named it.
ALTER TABLE reports DROP COLUMN post_id;
ALTER TABLE reports ADD CONSTRAINT reports_one_subject CHECK ((item_kind IS NULL) <> (member_id IS NULL));
ALTER TABLE reports ADD CONSTRAINT reports_item_has_id CHECK ((item_kind IS NULL) = (item_id IS NULL));

-- One open report per reporter and item (NULLs never collide).
CREATE UNIQUE INDEX reports_open_item ON reports (item_kind, item_id, by_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_pending_item ON reports (resolved_at, item_kind, item_id);
-- What trust counts against an author: the upheld reports on their items.
CREATE INDEX reports_upheld_author ON reports (item_author_id, resolved_at) WHERE resolution = 'upheld';
ANALYZE reports;

ALTER TABLE legal_cases ADD COLUMN item_kind TEXT;
ALTER TABLE legal_cases ADD COLUMN item_id BIGINT;
ALTER TABLE legal_cases ADD COLUMN audience_kind TEXT;
ALTER TABLE legal_cases ADD COLUMN audience_id BIGINT;
ALTER TABLE legal_cases ADD COLUMN item_author_id BIGINT REFERENCES members (id) ON DELETE SET NULL;
UPDATE legal_cases c SET item_kind = 'post', item_id = c.post_id, audience_kind = 'group',
       audience_id = p.group_id, item_author_id = p.author_id
  FROM posts p WHERE p.id = c.post_id;
ALTER TABLE legal_cases DROP COLUMN post_id;
ALTER TABLE legal_cases RENAME COLUMN hid_post TO hid_item;
ALTER TABLE legal_cases ADD CONSTRAINT legal_cases_item_has_id CHECK ((item_kind IS NULL) = (item_id IS NULL));
CREATE INDEX legal_cases_due ON legal_cases (item_kind, item_id, due_at) WHERE status = 'open';
