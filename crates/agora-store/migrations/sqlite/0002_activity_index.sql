-- Lists that span groups (the landing page's latest conversations, the sitemap) read topics by
-- latest activity across all groups.
CREATE INDEX topics_activity ON topics (last_activity_at DESC, id DESC);
