-- Leader leases: exactly one process runs the background workers (payout, outbox, reconcile, expiry)
-- when several service processes share one database. A process holds a named lease until
-- expires_at_ms and renews it well before; another takes it only once it has expired (its holder died
-- or stopped renewing). token is the fencing token: it grows by one each time the lease changes hands,
-- so a write made under an old tenure can be recognised and refused. Times here are unix
-- MILLISECONDS (the *_ms suffix), unlike the seconds elsewhere: lease times are short.
-- Read and written only by the leader-lease adapters (market-service/src/adapters/*/leader-lease.ts).
CREATE TABLE leader_leases (
  name           TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  holder         TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
  token          INTEGER NOT NULL CHECK (token > 0),
  expires_at_ms  INTEGER NOT NULL,
  acquired_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
