-- Search walks up to a thousand of the newest matches and keeps those the viewer may read:
-- covering indexes answer "which group, deleted?" from small, dense pages instead of the
-- wide post and topic rows.
CREATE INDEX posts_visible ON posts (id, group_id, topic_id, deleted);
CREATE INDEX topics_visible ON topics (id, deleted);
