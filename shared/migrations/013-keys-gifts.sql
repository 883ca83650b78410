-- rebuilds: entitlements, outbox_jobs
-- Download keys and gifts (docs/keys-gifts-sales.md). The first line asks migrate to run this with
-- foreign keys off and to recreate the indexes and triggers of the rebuilt tables.

-- A developer's download keys: single use, revocable before redemption, moving no money. Only the
-- sha256 of a key is stored (like guest receipt codes), so a database leak redeems nothing. A guest
-- redemption stores the hash of the receipt code it answered; claiming it moves the entitlement.
CREATE TABLE download_keys (
  id                       TEXT PRIMARY KEY,
  key_hash                 TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64 AND key_hash NOT GLOB '*[^0-9a-f]*'),
  game_id                  INTEGER NOT NULL REFERENCES games(id),
  batch_id                 TEXT NOT NULL,
  created_at               INTEGER NOT NULL,
  revoked_at               INTEGER,
  redeemed_at              INTEGER,
  redeemed_user_id         INTEGER REFERENCES users(id),
  guest_receipt_code_hash  TEXT UNIQUE,
  CHECK (revoked_at IS NULL OR redeemed_at IS NULL),
  CHECK (redeemed_at IS NOT NULL OR (redeemed_user_id IS NULL AND guest_receipt_code_hash IS NULL))
);
CREATE INDEX download_keys_game ON download_keys (game_id, created_at);

-- A gift: the purchase's recipient is entitled when it is paid, not its buyer. gift_dm asks for a
-- NIP-17 direct message to the recipient (an outbox job booked by settlement).
ALTER TABLE purchases ADD COLUMN gift_to_user_id INTEGER REFERENCES users(id);
ALTER TABLE purchases ADD COLUMN gift_dm INTEGER NOT NULL DEFAULT 0 CHECK (gift_dm IN (0, 1));
ALTER TABLE purchases ADD COLUMN gift_message TEXT CHECK (gift_message IS NULL OR length(gift_message) <= 500);

-- Entitlements record their origin, and a key's entitlement has no purchase: purchase_id becomes
-- nullable (exactly one of purchase_id and key_id is set). SQLite cannot drop a NOT NULL, so the table
-- is rebuilt with the same rows and ids (download_events keep pointing at them).
CREATE TABLE entitlements_013 (
  id                 TEXT PRIMARY KEY,
  purchase_id        TEXT UNIQUE REFERENCES purchases(id),
  key_id             TEXT UNIQUE REFERENCES download_keys(id),
  origin             TEXT NOT NULL DEFAULT 'purchase' CHECK (origin IN ('purchase', 'zap', 'gift', 'key')),
  game_id            INTEGER NOT NULL REFERENCES games(id),
  user_id            INTEGER REFERENCES users(id),  -- NULL while held by a guest receipt code
  granted_at         INTEGER NOT NULL,
  revoked_at         INTEGER,
  revoked_reason     TEXT,
  CHECK ((purchase_id IS NULL) <> (key_id IS NULL)),
  CHECK ((origin = 'key') = (key_id IS NOT NULL))
);
INSERT INTO entitlements_013 (id, purchase_id, key_id, origin, game_id, user_id, granted_at, revoked_at, revoked_reason)
  SELECT e.id, e.purchase_id, NULL, CASE WHEN p.kind = 'ZAP' THEN 'zap' ELSE 'purchase' END,
    e.game_id, e.user_id, e.granted_at, e.revoked_at, e.revoked_reason
  FROM entitlements e LEFT JOIN purchases p ON p.id = e.purchase_id;
DROP TABLE entitlements;
ALTER TABLE entitlements_013 RENAME TO entitlements;

-- outbox_jobs.type is a CHECK list: SEND_GIFT_DM added (same columns and rows, ids kept).
CREATE TABLE outbox_jobs_013 (
  id               INTEGER PRIMARY KEY,
  type             TEXT NOT NULL CHECK (type IN ('PUBLISH_EVENT', 'PUBLISH_ZAP_RECEIPT', 'PUBLISH_FEATURED_LIST', 'PUBLISH_BAN_LABEL', 'PUBLISH_PROFILE', 'PUBLISH_DELETION', 'SEND_GIFT_DM')),
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
INSERT INTO outbox_jobs_013 (id, type, payload_json, relays_json, status, attempts, next_attempt_at, last_error, idempotency_key, created_at, updated_at)
  SELECT id, type, payload_json, relays_json, status, attempts, next_attempt_at, last_error, idempotency_key, created_at, updated_at FROM outbox_jobs;
DROP TABLE outbox_jobs;
ALTER TABLE outbox_jobs_013 RENAME TO outbox_jobs;
