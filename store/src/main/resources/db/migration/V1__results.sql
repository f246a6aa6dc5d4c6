-- Nines' durable store, version 1. Runs unchanged on H2 2.x and PostgreSQL 12+.
-- Instants are BIGINT counts since 1970-01-01T00:00:00Z, with their unit in the column name:
-- exact (a ProbeResult's startedAt has nanoseconds; PostgreSQL timestamps keep microseconds),
-- cheap to index, and the same on both databases.

-- Raw results, kept for retention.raw. A result is identified by (check, agent, sequence);
-- writes are idempotent inserts.
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
  phases          VARCHAR,          -- JSON object: phase name -> milliseconds
  diagnostics     VARCHAR,          -- JSON object, or NULL
  PRIMARY KEY (check_id, agent_id, seq)
);
CREATE INDEX results_by_check_location_time ON results (check_id, location, started_at_ns);
CREATE INDEX results_by_time ON results (started_at_ns);

-- Sequences a check refused for their time (too old, or too far in the future): consumed, so
-- that a resend is a duplicate. Kept for retention.raw after they were refused.
CREATE TABLE refused_sequences (
  check_id       VARCHAR NOT NULL,
  agent_id       VARCHAR NOT NULL,
  seq            BIGINT  NOT NULL,
  recorded_at_ns BIGINT  NOT NULL,
  PRIMARY KEY (check_id, agent_id, seq)
);
CREATE INDEX refused_sequences_by_time ON refused_sequences (recorded_at_ns);

-- Each check's last evaluation. Only a later evaluation (a count at least as high) replaces it.
CREATE TABLE evaluations (
  check_id         VARCHAR NOT NULL PRIMARY KEY,
  state            VARCHAR NOT NULL,
  since_ns         BIGINT  NOT NULL,
  at_ns            BIGINT  NOT NULL,
  evaluation_count BIGINT  NOT NULL,
  member_id        VARCHAR NOT NULL
);

-- Per-minute roll-ups of the raw results, kept for retention.rollup: recomputed from the raw
-- results of a minute whenever a result of that minute is written, so rewriting is harmless.
CREATE TABLE rollups (
  check_id       VARCHAR NOT NULL,
  location       VARCHAR NOT NULL,
  minute_epoch_s BIGINT  NOT NULL,  -- the minute's first second
  total          INTEGER NOT NULL,
  failed         INTEGER NOT NULL,
  PRIMARY KEY (check_id, location, minute_epoch_s)
);
CREATE INDEX rollups_by_time ON rollups (minute_epoch_s);
