-- Nines' durable store, version 5 on PostgreSQL: raw results and per-minute roll-ups in tables
-- partitioned by UTC day (declarative range partitioning on their time column), and per-hour
-- roll-ups partitioned by UTC month. Retention drops whole partitions instead of deleting rows
-- (docs/storage.md, "Partitions"). H2 has its own V5 (db/vendor/h2): the same tables, unpartitioned.
--
-- Partitions are named <table>_p<yyyymmdd> (<table>_p<yyyymm> for the hourly roll-ups) and cover
-- [first instant of the day, first instant of the next day). Each table has a DEFAULT partition
-- that catches a row whose day has no partition yet, so that no write is refused; the coordinator
-- creates partitions ahead (today and the next days) when it opens the database and at each
-- retention run, and moves any rows the DEFAULT partition caught into their day's partition.
--
-- The primary key of a partitioned table must include the partition column: results are keyed by
-- (check_id, agent_id, seq, started_at_ns). A result resent as it was (same check, agent, sequence
-- and start) is still a conflict, so inserts stay idempotent. Two different results under one
-- (check, agent, sequence) are not caught here: the check's applied sequences (CheckLog) refuse
-- the second as a duplicate before it reaches the database. Refused sequences stay in their own
-- unpartitioned table, keyed by (check_id, agent_id, seq) as before: they are few, and a refused
-- result's time is by definition not one a partition exists for.

-- Raw results ------------------------------------------------------------------------------------
ALTER TABLE results RENAME TO results_v4;
ALTER TABLE results_v4 RENAME CONSTRAINT results_pkey TO results_v4_pkey;
ALTER INDEX results_by_time RENAME TO results_v4_by_time;

CREATE TABLE results (
  check_id        VARCHAR NOT NULL,
  agent_id        VARCHAR NOT NULL,
  seq             BIGINT  NOT NULL,
  location        VARCHAR NOT NULL,
  started_at_ns   BIGINT  NOT NULL,
  duration_ms     BIGINT  NOT NULL,
  ok              BOOLEAN NOT NULL,
  failure_kind    VARCHAR,
  failure_step    VARCHAR,
  failure_message VARCHAR,
  attempts        INTEGER NOT NULL,
  phases          VARCHAR,
  diagnostics     VARCHAR,
  PRIMARY KEY (check_id, agent_id, seq, started_at_ns)
) PARTITION BY RANGE (started_at_ns);
-- No index by time: retention drops partitions, and a day's rows are found by partition pruning.
CREATE TABLE results_default PARTITION OF results DEFAULT;

-- Per-minute roll-ups ----------------------------------------------------------------------------
ALTER TABLE rollups RENAME TO rollups_v4;
ALTER TABLE rollups_v4 RENAME CONSTRAINT rollups_pkey TO rollups_v4_pkey;
ALTER INDEX rollups_by_time RENAME TO rollups_v4_by_time;

CREATE TABLE rollups (
  check_id       VARCHAR NOT NULL,
  location       VARCHAR NOT NULL,
  minute_epoch_s BIGINT  NOT NULL,
  total          INTEGER NOT NULL,
  failed         INTEGER NOT NULL,
  PRIMARY KEY (check_id, location, minute_epoch_s)
) PARTITION BY RANGE (minute_epoch_s);
CREATE TABLE rollups_default PARTITION OF rollups DEFAULT;

-- Per-hour roll-ups: filled from the per-minute ones when these leave their 30 days, kept for
-- retention.rollup. Partitioned by month: a day holds only 24 rows per check and location.
CREATE TABLE rollups_hourly (
  check_id     VARCHAR NOT NULL,
  location     VARCHAR NOT NULL,
  hour_epoch_s BIGINT  NOT NULL,  -- the hour's first second
  total        INTEGER NOT NULL,
  failed       INTEGER NOT NULL,
  PRIMARY KEY (check_id, location, hour_epoch_s)
) PARTITION BY RANGE (hour_epoch_s);
CREATE TABLE rollups_hourly_default PARTITION OF rollups_hourly DEFAULT;

-- One partition for each day that has rows, then the rows. --------------------------------------
DO $$
DECLARE
  d BIGINT;
BEGIN
  FOR d IN SELECT DISTINCT started_at_ns / 86400000000000 FROM results_v4 WHERE started_at_ns >= 0
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF results FOR VALUES FROM (%s) TO (%s)',
      'results_p' || to_char(to_timestamp(d * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'),
      d * 86400000000000, (d + 1) * 86400000000000);
  END LOOP;
  FOR d IN SELECT DISTINCT minute_epoch_s / 86400 FROM rollups_v4 WHERE minute_epoch_s >= 0
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF rollups FOR VALUES FROM (%s) TO (%s)',
      'rollups_p' || to_char(to_timestamp(d * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'),
      d * 86400, (d + 1) * 86400);
  END LOOP;
END
$$;

INSERT INTO results SELECT check_id, agent_id, seq, location, started_at_ns, duration_ms, ok,
  failure_kind, failure_step, failure_message, attempts, phases, diagnostics FROM results_v4;
INSERT INTO rollups SELECT check_id, location, minute_epoch_s, total, failed FROM rollups_v4;
DROP TABLE results_v4;
DROP TABLE rollups_v4;
