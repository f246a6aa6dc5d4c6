-- Nines' durable store, version 5 on H2: per-hour roll-ups, filled from the per-minute ones when
-- these leave their 30 days, kept for retention.rollup. PostgreSQL's V5 (db/vendor/postgresql) also
-- partitions results and roll-ups by day; H2, for one coordinator, keeps them unpartitioned and
-- deletes expired rows (docs/storage.md, "Partitions").
CREATE TABLE rollups_hourly (
  check_id     VARCHAR NOT NULL,
  location     VARCHAR NOT NULL,
  hour_epoch_s BIGINT  NOT NULL,  -- the hour's first second
  total        INTEGER NOT NULL,
  failed       INTEGER NOT NULL,
  PRIMARY KEY (check_id, location, hour_epoch_s)
);
CREATE INDEX rollups_hourly_by_time ON rollups_hourly (hour_epoch_s);
