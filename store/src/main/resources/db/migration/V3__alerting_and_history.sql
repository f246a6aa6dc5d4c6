-- Nines' durable store, version 3: the coordinator's state other than results, as keyed JSON
-- documents. Runs unchanged on H2 2.x and PostgreSQL 12+.
--
-- One table for several small collections, told apart by kind:
--   alerts       service id             -> ServiceAlerts JSON (open incident, recent resolved ones)
--   outbox       notification key       -> OutboxEntry JSON (status, next attempt, delivery log)
--   maintenance  ad hoc window id       -> window JSON (services, from, to, reason, createdAt)
--   config       zero-padded sequence   -> applied configuration version JSON (hash, appliedAt,
--                                          previous hash, diff with the services each change touches)
-- Each collection is read whole when a coordinator starts (or when a cluster first touches its
-- map) and written by key, so a document table fits them all: one Hazelcast MapStore class and
-- one repository serve every collection, and the JSON can gain fields without a migration.
-- Bodies are VARCHAR (unbounded on both databases), as V1's JSON columns.
CREATE TABLE documents (
  kind          VARCHAR NOT NULL,
  doc_key       VARCHAR NOT NULL,
  body          VARCHAR NOT NULL,
  updated_at_ms BIGINT  NOT NULL,   -- when it was last written, ms since the epoch
  PRIMARY KEY (kind, doc_key)
);
CREATE INDEX documents_by_time ON documents (kind, updated_at_ms);
