-- Zapcade schema, part 2: what the mechanics need (indexer provenance and cursors, outbox, auth replay
-- cache, idempotency, drafts, uploads). Times are unix seconds.

-- Every verified event the indexer accepted or holds, with the seven NIP-01 fields only.
CREATE TABLE raw_events (
  id           TEXT PRIMARY KEY CHECK (length(id) = 64),
  pubkey       TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  tags_json    TEXT NOT NULL,
  content      TEXT NOT NULL,
  sig          TEXT NOT NULL,
  d_tag        TEXT,
  -- ACCEPTED: applied to the catalog; PENDING: waits for its game or asset; SUPERSEDED: replaced by a
  -- newer version; DELETED: removed by a NIP-09 request.
  state        TEXT NOT NULL CHECK (state IN ('ACCEPTED', 'PENDING', 'SUPERSEDED', 'DELETED')),
  received_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX raw_events_address ON raw_events (kind, pubkey, d_tag);
CREATE INDEX raw_events_pending ON raw_events (state) WHERE state = 'PENDING';

-- Provenance: every relay an event was seen on (one row per event, every relay recorded).
CREATE TABLE event_relays (
  event_id       TEXT NOT NULL REFERENCES raw_events(id),
  relay_url      TEXT NOT NULL,
  first_seen_at  INTEGER NOT NULL,
  PRIMARY KEY (event_id, relay_url)
) WITHOUT ROWID;

-- Per-relay resume point; advanced only from verified, accepted events, never past now.
CREATE TABLE relay_cursors (
  relay_url    TEXT PRIMARY KEY,
  since_sec    INTEGER NOT NULL CHECK (since_sec >= 0),
  updated_at   INTEGER NOT NULL
);

-- NIP-09 tombstones, kept so a deletion that arrives first still applies to what comes later.
CREATE TABLE deletions (
  id                 INTEGER PRIMARY KEY,
  deletion_event_id  TEXT NOT NULL,
  pubkey             TEXT NOT NULL,
  target_event_id    TEXT,
  target_coordinate  TEXT,
  until_created_at   INTEGER NOT NULL,
  CHECK ((target_event_id IS NULL) <> (target_coordinate IS NULL)),
  UNIQUE (deletion_event_id, target_event_id, target_coordinate)
);
CREATE INDEX deletions_event ON deletions (target_event_id) WHERE target_event_id IS NOT NULL;
CREATE INDEX deletions_coordinate ON deletions (target_coordinate) WHERE target_coordinate IS NOT NULL;

-- Counters by reason (rejected events, accepted, ...), shared with the service's /metrics.
CREATE TABLE indexer_counters (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL DEFAULT 0 CHECK (value >= 0)
) WITHOUT ROWID;

-- Nostr/social outputs are async jobs (seed notes): published with retries, surviving restarts.
CREATE TABLE outbox_jobs (
  id               INTEGER PRIMARY KEY,
  type             TEXT NOT NULL CHECK (type IN ('PUBLISH_EVENT', 'PUBLISH_ZAP_RECEIPT', 'PUBLISH_FEATURED_LIST', 'PUBLISH_BAN_LABEL', 'PUBLISH_PROFILE')),
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
CREATE INDEX outbox_due ON outbox_jobs (status, next_attempt_at);

-- NIP-98: each auth event id is accepted once; survives restarts.
CREATE TABLE nip98_replay (
  event_id    TEXT PRIMARY KEY,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX nip98_replay_expiry ON nip98_replay (expires_at);

-- Idempotent request records (Stripe semantics: the first response is replayed).
CREATE TABLE idempotency_records (
  key           TEXT PRIMARY KEY,
  scope         TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('PROCESSING', 'DONE')),
  status_code   INTEGER,
  response_json TEXT,
  created_at    INTEGER NOT NULL
);

-- DRAFT games are never sent to relays: the service keeps the developer's signed event here.
CREATE TABLE game_drafts (
  pubkey      TEXT NOT NULL,
  slug        TEXT NOT NULL,
  event_json  TEXT NOT NULL CHECK (json_valid(event_json)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (pubkey, slug)
) WITHOUT ROWID;

-- Uploads: a build is referenced by an asset only after its bytes were verified.
CREATE TABLE uploads (
  id                 TEXT PRIMARY KEY,
  game_id            INTEGER NOT NULL REFERENCES games(id),
  developer_user_id  INTEGER NOT NULL REFERENCES users(id),
  version            TEXT NOT NULL,
  object_key         TEXT NOT NULL UNIQUE,
  sha256             TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  size_bytes         INTEGER NOT NULL CHECK (size_bytes > 0),
  content_type       TEXT NOT NULL CHECK (content_type = 'application/zip'),
  status             TEXT NOT NULL CHECK (status IN ('PENDING', 'VERIFIED', 'REJECTED')),
  reject_reason      TEXT,
  expires_at         INTEGER NOT NULL,
  created_at         INTEGER NOT NULL,
  verified_at        INTEGER,
  CHECK (status <> 'VERIFIED' OR verified_at IS NOT NULL)
);
CREATE INDEX uploads_sha256 ON uploads (sha256, status);
