-- Mirrors SQLite 016-leader-leases.sql: one row per named lease, with its holder, fencing token and
-- expiry in unix milliseconds. The PostgreSQL adapter reads the time from the database's clock, so
-- replicas on different hosts agree on when a lease has expired.
CREATE TABLE leader_leases (
  name           text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  holder         text NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
  token          bigint NOT NULL CHECK (token > 0),
  expires_at_ms  bigint NOT NULL,
  acquired_at_ms bigint NOT NULL
);
