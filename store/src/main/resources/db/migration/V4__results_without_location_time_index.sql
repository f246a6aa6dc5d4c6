-- Results are read back only when a check is loaded (by check_id, the primary key's prefix) and
-- for retention (by started_at_ns, results_by_time). The index by (check, location, time) only
-- cost every insert a third B-tree update: ingest is faster without it (docs/storage.md).
DROP INDEX IF EXISTS results_by_check_location_time;
