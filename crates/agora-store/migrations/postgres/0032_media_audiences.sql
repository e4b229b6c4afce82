-- A file of the media folder is kept for an audience, not only a group: a copy of a remote image
-- made for a private message is its conversation's, served to its members only. The audience is
-- written as items write theirs (audience_kind, audience_id); group_id stays for a group's
-- files, set null when the group is deleted, as before. Existing group files get their audience.
ALTER TABLE media ADD COLUMN audience_kind TEXT;
ALTER TABLE media ADD COLUMN audience_id BIGINT;
UPDATE media SET audience_kind = 'group', audience_id = group_id WHERE group_id IS NOT NULL;
