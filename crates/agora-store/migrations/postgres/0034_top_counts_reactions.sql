-- Top lists rank topics by replies and reactions. Each topic counts the reactions on its posts
-- (moved by a delta in the reaction's own transaction), so all time ranks by replies plus
-- reactions from an index; a period reads the reactions given in it, newest first, from theirs.
-- Only topics with reactions are written (a rewrite of every topic bloats PostgreSQL's table,
-- see 0015 in docs/performance.md).
ALTER TABLE topics ADD COLUMN reaction_count BIGINT NOT NULL DEFAULT 0;
UPDATE topics SET reaction_count = (
    SELECT COALESCE(SUM(c.total), 0) FROM reaction_counts c JOIN posts p ON p.id = c.item_id
    WHERE c.item_kind = 'post' AND p.topic_id = topics.id)
WHERE id IN (SELECT p.topic_id FROM reaction_counts c JOIN posts p ON p.id = c.item_id
             WHERE c.item_kind = 'post');
DROP INDEX topics_top;
CREATE INDEX topics_top ON topics ((reply_count + reaction_count) DESC, id DESC);
CREATE INDEX topics_group_top ON topics (group_id, (reply_count + reaction_count) DESC, id DESC);
CREATE INDEX reactions_recent ON reactions (item_kind, created_at, item_id);
-- New indexes beside analysed ones (see 0018).
ANALYZE topics;
ANALYZE reactions;
