-- A group's pinned topics, found without walking all its topics (the first page of a group
-- with tens of thousands of topics asked for them by scanning).
CREATE INDEX topics_pinned ON topics (group_id, last_activity_at DESC, id DESC) WHERE pinned = TRUE;
