-- Q&A. A question is a topic of kind 'question'; its replies are its answers. The asker, the
-- group's moderators or site staff accept answers; one of them is the best, shown under the
-- question (the topic's featured post) and in search results.
CREATE TABLE accepted_answers (
    post_id     BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    topic_id    BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    best        BOOLEAN NOT NULL DEFAULT FALSE,
    accepted_by BIGINT REFERENCES members (id) ON DELETE SET NULL,
    accepted_at BIGINT NOT NULL
);
CREATE INDEX accepted_answers_topic ON accepted_answers (topic_id);
CREATE UNIQUE INDEX accepted_answers_best ON accepted_answers (topic_id) WHERE best;

-- What is kept per question beyond its topic: when an answer was first accepted (the time
-- to an accepted answer counts from the topic's creation) and when the asker was reminded of
-- an answer waiting for acceptance.
CREATE TABLE questions (
    topic_id          BIGINT PRIMARY KEY REFERENCES topics (id) ON DELETE CASCADE,
    first_accepted_at BIGINT,
    reminded_at       BIGINT
);

-- The worker's look for answered questions nobody accepted an answer on.
CREATE INDEX topics_open_questions ON topics (first_reply_at) WHERE kind = 'question' AND status = 'open';
