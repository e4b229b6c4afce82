-- What a kind says of its topics, read by every shared list and search without knowing the
-- kind: a status (a question is 'open' or 'solved'; an idea 'new', 'planned', 'shipped'…;
-- empty for a discussion) and the post to show under the topic (a question's best answer).
ALTER TABLE topics ADD COLUMN status TEXT NOT NULL DEFAULT '';
-- When someone other than its author first replied (a question's time to first answer).
ALTER TABLE topics ADD COLUMN first_reply_at BIGINT;
-- Not a foreign key: topics are written (and copied) before their posts.
ALTER TABLE topics ADD COLUMN featured_post_id BIGINT;
-- Lists of one kind and status in a group, newest activity first (a board's unanswered
-- questions, its planned ideas).
CREATE INDEX topics_kind_status ON topics (group_id, kind, status, last_activity_at DESC, id DESC);
UPDATE topics SET first_reply_at = (
    SELECT MIN(p.created_at) FROM posts p
    WHERE p.topic_id = topics.id AND p.number > 1 AND p.author_id <> topics.author_id AND p.deleted = FALSE
);
