-- Lifting a ban retracts its label (NIP-09): the market remembers the id of every ban label it
-- publishes, and the outbox gains a job type for the market's kind-5 deletion requests.

-- One row per kind-1985 ban label the market published (or is publishing) for a game. The id is known
-- when the ban is recorded: the outbox signs the label with the created_at fixed in its payload, so
-- every attempt yields the same event id. retracted_at/deletion_event_id are set when the ban is lifted.
CREATE TABLE ban_labels (
  label_event_id     TEXT PRIMARY KEY CHECK (length(label_event_id) = 64),
  game_pubkey        TEXT NOT NULL,
  game_slug          TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  retracted_at       INTEGER,
  deletion_event_id  TEXT CHECK (deletion_event_id IS NULL OR length(deletion_event_id) = 64),
  CHECK ((retracted_at IS NULL) = (deletion_event_id IS NULL))
) WITHOUT ROWID;
CREATE INDEX ban_labels_live ON ban_labels (game_pubkey, game_slug) WHERE retracted_at IS NULL;

-- outbox_jobs.type is a CHECK list, which SQLite cannot alter: rebuild the table with the same columns
-- and rows (ids kept, so nothing pending is lost or reordered) and PUBLISH_DELETION added. No other
-- table, view or trigger refers to outbox_jobs; this runs in the migration's own transaction.
CREATE TABLE outbox_jobs_006 (
  id               INTEGER PRIMARY KEY,
  type             TEXT NOT NULL CHECK (type IN ('PUBLISH_EVENT', 'PUBLISH_ZAP_RECEIPT', 'PUBLISH_FEATURED_LIST', 'PUBLISH_BAN_LABEL', 'PUBLISH_PROFILE', 'PUBLISH_DELETION')),
  payload_json     TEXT NOT NULL CHECK (json_valid(payload_json)),
  relays_json      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(relays_json)),
  status           TEXT NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT,
  idempotency_key  TEXT NOT NULL UNIQUE,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
INSERT INTO outbox_jobs_006 (id, type, payload_json, relays_json, status, attempts, next_attempt_at, last_error, idempotency_key, created_at, updated_at)
  SELECT id, type, payload_json, relays_json, status, attempts, next_attempt_at, last_error, idempotency_key, created_at, updated_at FROM outbox_jobs;
DROP TABLE outbox_jobs;
ALTER TABLE outbox_jobs_006 RENAME TO outbox_jobs;
CREATE INDEX outbox_due ON outbox_jobs (status, next_attempt_at);
