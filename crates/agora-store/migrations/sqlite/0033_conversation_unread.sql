-- The header's count of conversations with unread messages, on every page a member opens, is
-- read from a member's own rows alone: each row keeps the conversation's last message number
-- (written with last_message_at, which every message already stamps on every row), and a partial
-- index holds only the rows with something unread, usually none. Before, every page joined all
-- of the member's conversations.
ALTER TABLE conversation_members ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
UPDATE conversation_members SET last_seq =
    (SELECT c.last_seq FROM conversations c WHERE c.id = conversation_members.conversation_id);
CREATE INDEX conversation_members_unread ON conversation_members (member_id)
    WHERE state = 'active' AND last_seq > last_read;
