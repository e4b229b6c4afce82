-- Top lists rank topics by the replies written in a period: the period's posts, newest first
-- (at most 20,000 of them), read from this index alone; a group's list narrows them by group_id
-- within it. On the benchmark's seed (1,000,000 posts over three years) a top list read the
-- whole posts table without it: 0.4–1 s on SQLite; with it 2–65 ms on SQLite and 1–15 ms on
-- PostgreSQL for every period (docs/performance.md, "Top and unanswered").
CREATE INDEX posts_recent ON posts (created_at, group_id, topic_id, number, deleted);
-- Top of all time across groups: reply count first (a group's list has topics_replies). Without
-- it the site-wide list sorted every readable topic: 0.9 s on the seed (SQLite), 1–4 ms with it.
CREATE INDEX topics_top ON topics (reply_count DESC, id DESC);
-- Unanswered lists: topics no one but their author replied to, newest first, in a group and
-- across groups. Partial: a topic leaves them at its first reply from someone else.
CREATE INDEX topics_unanswered ON topics (group_id, created_at DESC, id DESC) WHERE first_reply_at IS NULL;
CREATE INDEX topics_unanswered_all ON topics (created_at DESC, id DESC) WHERE first_reply_at IS NULL;
-- New indexes beside analysed ones: without statistics of their own they look more selective
-- than they are (see 0018).
ANALYZE topics;
ANALYZE posts;
