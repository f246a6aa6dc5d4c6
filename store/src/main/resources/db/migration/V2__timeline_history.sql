-- Nines' durable store, version 2: each check's timeline history per location, kept for
-- retention.rollup, so that timelines and availability older than retention.raw survive a
-- restart (see docs/storage.md, "Timeline history").
--
-- One row per known stretch (UP or DOWN) of one location, cut at hour boundaries: an hour is the
-- unit a change rewrites (delete the hour's rows, insert its stretches, in one transaction), so
-- writing an hour twice changes nothing. Time without a row is UNKNOWN.
CREATE TABLE location_intervals (
  check_id  VARCHAR NOT NULL,
  location  VARCHAR NOT NULL,
  start_ns  BIGINT  NOT NULL,   -- inclusive
  end_ns    BIGINT  NOT NULL,   -- exclusive; within the hour start_ns falls in
  state     VARCHAR NOT NULL,   -- UP or DOWN
  PRIMARY KEY (check_id, location, start_ns)
);
CREATE INDEX location_intervals_by_end ON location_intervals (end_ns);
