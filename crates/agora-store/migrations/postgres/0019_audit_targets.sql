-- Audit entries name what they are about as a reference (target_kind, target_id: post 12,
-- member 7), so the log lists everything done to one item. Entries written before name it
-- only in their words (target); those are read back where the words hold a number.
ALTER TABLE audit_log ADD COLUMN target_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN target_id BIGINT;

UPDATE audit_log SET target_kind = split_part(target, ':', 1)
 WHERE position(':' IN target) > 1;
UPDATE audit_log SET target_id = CAST(substring(target FROM '^[a-z]+:([0-9]+)') AS BIGINT)
 WHERE target_kind IN ('post', 'topic', 'sanction', 'bulletin') AND target ~ '^[a-z]+:[0-9]+';
UPDATE audit_log SET target_id = (SELECT m.id FROM members m
   WHERE 'member:' || m.username = target OR target LIKE 'member:' || m.username || ' in %' LIMIT 1)
 WHERE target_kind = 'member';
-- An erased member's entry names them by number.
UPDATE audit_log SET target_id = CAST(substring(target FROM 8) AS BIGINT)
 WHERE target_kind = 'member' AND target_id IS NULL AND target ~ '^member:[0-9]+$';
UPDATE audit_log SET target_id = (SELECT c.id FROM legal_cases c WHERE 'case:' || c.reference = target)
 WHERE target_kind = 'case';

DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF at, actor_name, action, target, group_id, detail, target_kind, target_id ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id, id);
