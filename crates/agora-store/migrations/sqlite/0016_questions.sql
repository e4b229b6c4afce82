-- Q&A. A question is a topic of kind 'question'; its replies are its answers. The asker, the
-- group's moderators or site staff accept answers; one of them is the best, shown under the
-- question (the topic's featured post) and in search results.
CREATE TABLE accepted_answers (
    post_id     INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    topic_id    INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    best        INTEGER NOT NULL DEFAULT 0,
    accepted_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    accepted_at INTEGER NOT NULL
);
CREATE INDEX accepted_answers_topic ON accepted_answers (topic_id);
CREATE UNIQUE INDEX accepted_answers_best ON accepted_answers (topic_id) WHERE best = 1;

-- What is kept per question beyond its topic: when an answer was first accepted (the time
-- to an accepted answer counts from the topic's creation) and when the asker was reminded of
-- an answer waiting for acceptance.
CREATE TABLE questions (
    topic_id          INTEGER PRIMARY KEY REFERENCES topics (id) ON DELETE CASCADE,
    first_accepted_at INTEGER,
    reminded_at       INTEGER
);

-- The worker's look for answered questions nobody accepted an answer on.
CREATE INDEX topics_open_questions ON topics (first_reply_at) WHERE kind = 'question' AND status = 'open';
