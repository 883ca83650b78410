-- Mirrors SQLite 013-keys-gifts.sql: download keys, gifts, entitlement origins (a key's entitlement
-- has no purchase), and SEND_GIFT_DM in the outbox. PostgreSQL alters in place (no table rebuild).

CREATE TABLE download_keys (
  id                       text PRIMARY KEY,
  key_hash                 text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  game_id                  bigint NOT NULL REFERENCES games(id),
  batch_id                 text NOT NULL,
  created_at               bigint NOT NULL,
  revoked_at               bigint,
  redeemed_at              bigint,
  redeemed_user_id         bigint REFERENCES users(id),
  guest_receipt_code_hash  text UNIQUE,
  CHECK (revoked_at IS NULL OR redeemed_at IS NULL),
  CHECK (redeemed_at IS NOT NULL OR (redeemed_user_id IS NULL AND guest_receipt_code_hash IS NULL))
);
CREATE INDEX download_keys_game ON download_keys (game_id, created_at);

ALTER TABLE purchases ADD COLUMN gift_to_user_id bigint REFERENCES users(id);
ALTER TABLE purchases ADD COLUMN gift_dm smallint NOT NULL DEFAULT 0 CHECK (gift_dm IN (0, 1));
ALTER TABLE purchases ADD COLUMN gift_message text CHECK (gift_message IS NULL OR length(gift_message) <= 500);

-- Existing entitlements get their origin from their purchase's kind, as in SQLite's rebuild.
ALTER TABLE entitlements ALTER COLUMN purchase_id DROP NOT NULL;
ALTER TABLE entitlements ADD COLUMN key_id text UNIQUE REFERENCES download_keys(id);
ALTER TABLE entitlements ADD COLUMN origin text NOT NULL DEFAULT 'purchase'
  CHECK (origin IN ('purchase', 'zap', 'gift', 'key'));
UPDATE entitlements e SET origin = 'zap' FROM purchases p WHERE p.id = e.purchase_id AND p.kind = 'ZAP';
ALTER TABLE entitlements ADD CHECK ((purchase_id IS NULL) <> (key_id IS NULL));
ALTER TABLE entitlements ADD CHECK ((origin = 'key') = (key_id IS NOT NULL));

ALTER TABLE outbox_jobs DROP CONSTRAINT outbox_jobs_type_check;
ALTER TABLE outbox_jobs ADD CONSTRAINT outbox_jobs_type_check
  CHECK (type IN ('PUBLISH_EVENT', 'PUBLISH_ZAP_RECEIPT', 'PUBLISH_FEATURED_LIST', 'PUBLISH_BAN_LABEL', 'PUBLISH_PROFILE', 'PUBLISH_DELETION', 'SEND_GIFT_DM'));
