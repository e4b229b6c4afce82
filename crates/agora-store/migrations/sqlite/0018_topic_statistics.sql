-- Fresh statistics for topics. Migration 0015 added an index and rewrote every topic; on a
-- database that has statistics (a seeded or analysed one), an index without them beside
-- indexes with them looks more selective than it is: SQLite chose topics_kind_status for every
-- cross-group list (the landing page, a member's latest topics) and sorted all its rows, a
-- twentyfold slowdown measured by bench/load.py. An empty table gets no statistics.
ANALYZE topics;
