-- Zapcade schema, part 1: the seed domain model (../shared/seed/domain-model.md), one table per entity.
-- Conventions: every *_at column is unix SECONDS (as Nostr's created_at); money is INTEGER millisats;
-- statuses are the seed's upper-case literals, guarded by CHECK; constraints, not code, do the guarding.

CREATE TABLE users (
  id                 INTEGER PRIMARY KEY,
  pubkey             TEXT NOT NULL UNIQUE CHECK (length(pubkey) = 64 AND pubkey NOT GLOB '*[^0-9a-f]*'),
  display_name       TEXT,
  avatar_url         TEXT,
  lud16              TEXT,
  nip05              TEXT,
  profile_event_id   TEXT,
  profile_created_at INTEGER,
  created_at         INTEGER NOT NULL
);

CREATE TABLE developer_profiles (
  user_id            INTEGER PRIMARY KEY REFERENCES users(id),
  payout_ln_address  TEXT CHECK (payout_ln_address IS NULL OR payout_ln_address LIKE '_%@_%'),
  verified           INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
  updated_at         INTEGER NOT NULL
);

CREATE TABLE games (
  id                 INTEGER PRIMARY KEY,
  developer_user_id  INTEGER NOT NULL REFERENCES users(id),
  slug               TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9._-]*' AND substr(slug, 1, 1) GLOB '[a-z0-9]'),
  title              TEXT NOT NULL CHECK (length(title) > 0),
  summary            TEXT,
  description        TEXT NOT NULL DEFAULT '',
  -- The effective status: the developer's listing, or the market's overlay (FEATURED, BANNED).
  status             TEXT NOT NULL CHECK (status IN ('DRAFT', 'UNLISTED', 'LISTED', 'FEATURED', 'BANNED')),
  -- What the developer's latest signed event asks for; kept so an admin un-ban restores it.
  listing            TEXT NOT NULL CHECK (listing IN ('DRAFT', 'UNLISTED', 'LISTED')),
  featured_rank      INTEGER,
  price_msat         INTEGER NOT NULL CHECK (price_msat >= 0),
  zap_pubkey         TEXT,
  icon               TEXT,
  images_json        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(images_json)),
  tags_json          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags_json)),
  platforms_json     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(platforms_json)),
  url                TEXT,
  license            TEXT,
  event_id           TEXT NOT NULL,
  event_created_at   INTEGER NOT NULL,
  deleted_at         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (developer_user_id, slug)
);
CREATE INDEX games_status_updated ON games (status, updated_at DESC, id DESC);
CREATE INDEX games_status_title ON games (status, title, id);
CREATE INDEX games_status_price ON games (status, price_msat, id);

-- Filters by tag and platform without scanning JSON.
CREATE TABLE game_tags (
  game_id INTEGER NOT NULL REFERENCES games(id) ON DELETE CASCADE,
  tag     TEXT NOT NULL,
  PRIMARY KEY (tag, game_id)
) WITHOUT ROWID;
CREATE TABLE game_platforms (
  game_id  INTEGER NOT NULL REFERENCES games(id) ON DELETE CASCADE,
  platform TEXT NOT NULL,
  PRIMARY KEY (platform, game_id)
) WITHOUT ROWID;

CREATE TABLE releases (
  id                 INTEGER PRIMARY KEY,
  game_id            INTEGER NOT NULL REFERENCES games(id),
  version            TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
  channel            TEXT NOT NULL DEFAULT 'main',
  release_notes      TEXT NOT NULL DEFAULT '',
  published_at       INTEGER NOT NULL,
  asset_event_id     TEXT NOT NULL,
  event_id           TEXT NOT NULL,
  deleted_at         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (game_id, version)
);

-- v1 rule: exactly one primary build zip per release (UNIQUE release_id, content_type fixed).
CREATE TABLE build_assets (
  id                 INTEGER PRIMARY KEY,
  release_id         INTEGER NOT NULL UNIQUE REFERENCES releases(id),
  event_id           TEXT NOT NULL,
  object_key         TEXT,  -- set once the market holds a verified upload with this sha256
  sha256             TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  size_bytes         INTEGER NOT NULL CHECK (size_bytes > 0),
  content_type       TEXT NOT NULL CHECK (content_type = 'application/zip'),
  platforms_json     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(platforms_json)),
  created_at         INTEGER NOT NULL
);
CREATE INDEX build_assets_sha256 ON build_assets (sha256);

CREATE TABLE purchases (
  id                       TEXT PRIMARY KEY,
  buyer_user_id            INTEGER REFERENCES users(id),
  -- Only the hash of a guest's receipt code is kept; the code is shown once.
  guest_receipt_code_hash  TEXT UNIQUE,
  game_id                  INTEGER REFERENCES games(id),
  release_id               INTEGER REFERENCES releases(id),
  kind                     TEXT NOT NULL CHECK (kind IN ('CHECKOUT', 'ZAP')),
  is_tip                   INTEGER NOT NULL DEFAULT 0 CHECK (is_tip IN (0, 1)),
  invoice_provider         TEXT NOT NULL,
  invoice_id               TEXT NOT NULL UNIQUE CHECK (length(invoice_id) = 64),  -- the payment hash
  bolt11                   TEXT NOT NULL,
  amount_msat              INTEGER NOT NULL CHECK (amount_msat > 0),
  price_msat               INTEGER NOT NULL CHECK (price_msat >= 0),
  fee_bps                  INTEGER NOT NULL CHECK (fee_bps BETWEEN 0 AND 10000),
  zap_request              TEXT,
  status                   TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'EXPIRED', 'FAILED', 'REFUNDED')),
  paid_late                INTEGER NOT NULL DEFAULT 0 CHECK (paid_late IN (0, 1)),
  preimage                 TEXT,
  created_at               INTEGER NOT NULL,
  expires_at               INTEGER NOT NULL,
  paid_at                  INTEGER,
  updated_at               INTEGER NOT NULL,
  CHECK (status NOT IN ('PAID', 'REFUNDED') OR paid_at IS NOT NULL),
  CHECK (kind = 'ZAP' OR zap_request IS NULL),
  CHECK (game_id IS NOT NULL OR is_tip = 1),
  CHECK (buyer_user_id IS NULL OR guest_receipt_code_hash IS NULL)
);
CREATE INDEX purchases_pending ON purchases (status, expires_at) WHERE status = 'PENDING';
CREATE INDEX purchases_buyer ON purchases (buyer_user_id, created_at);
CREATE INDEX purchases_game ON purchases (game_id, status);

-- A purchase entitles the whole game; granted once per paid purchase (UNIQUE purchase_id).
CREATE TABLE entitlements (
  id                 TEXT PRIMARY KEY,
  purchase_id        TEXT NOT NULL UNIQUE REFERENCES purchases(id),
  game_id            INTEGER NOT NULL REFERENCES games(id),
  user_id            INTEGER REFERENCES users(id),  -- NULL while held by a guest receipt code
  granted_at         INTEGER NOT NULL,
  revoked_at         INTEGER,
  revoked_reason     TEXT
);
CREATE INDEX entitlements_user_game ON entitlements (user_id, game_id);

CREATE TABLE download_events (
  id                 INTEGER PRIMARY KEY,
  entitlement_id     TEXT REFERENCES entitlements(id),  -- NULL for free games
  release_id         INTEGER NOT NULL REFERENCES releases(id),
  user_id            INTEGER REFERENCES users(id),
  ip_hash            TEXT NOT NULL,
  user_agent         TEXT,
  created_at         INTEGER NOT NULL
);
CREATE INDEX download_events_release ON download_events (release_id);
CREATE INDEX download_events_entitlement ON download_events (entitlement_id, created_at);

CREATE TABLE payouts (
  id                     TEXT PRIMARY KEY,
  developer_user_id      INTEGER NOT NULL REFERENCES users(id),
  purchase_id            TEXT REFERENCES purchases(id),
  amount_msat            INTEGER NOT NULL CHECK (amount_msat > 0),
  destination_ln_address TEXT,
  status                 TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'SENT', 'FAILED', 'RETRYING', 'CANCELED')),
  idempotency_key        TEXT NOT NULL UNIQUE,
  -- Recorded BEFORE pay_invoice is sent, so a restart looks the payment up instead of paying again.
  payment_hash           TEXT UNIQUE,
  bolt11                 TEXT,
  preimage               TEXT,
  fees_paid_msat         INTEGER CHECK (fees_paid_msat IS NULL OR fees_paid_msat >= 0),
  attempts               INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at        INTEGER NOT NULL,
  last_error             TEXT,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  CHECK (status <> 'SENT' OR (preimage IS NOT NULL AND payment_hash IS NOT NULL))
);
CREATE INDEX payouts_due ON payouts (status, next_attempt_at);
CREATE INDEX payouts_developer ON payouts (developer_user_id, created_at);

-- Financial truth: append-only (triggers below), integer msat, one row per idempotency key.
CREATE TABLE ledger_entries (
  id                 INTEGER PRIMARY KEY,  -- entry_id
  purchase_id        TEXT REFERENCES purchases(id),
  payout_id          TEXT REFERENCES payouts(id),
  developer_user_id  INTEGER REFERENCES users(id),
  type               TEXT NOT NULL CHECK (type IN ('INVOICE_CREATED', 'INVOICE_PAID', 'PLATFORM_FEE', 'DEVELOPER_NET', 'PAYOUT_SENT', 'PAYOUT_FAILED')),
  amount_msat        INTEGER NOT NULL CHECK (amount_msat >= 0),
  currency           TEXT NOT NULL DEFAULT 'msat' CHECK (currency = 'msat'),
  meta_json          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta_json)),
  idempotency_key    TEXT NOT NULL UNIQUE,
  created_at         INTEGER NOT NULL
);
CREATE INDEX ledger_purchase ON ledger_entries (purchase_id, type);
CREATE INDEX ledger_developer ON ledger_entries (developer_user_id, type);

CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
