-- Sales and discount codes (docs/keys-gifts-sales.md). Prices are computed by the pricing function of
-- the service at checkout; these tables only hold what the developer scheduled.

-- A scheduled sale of one game: percent off between starts_at (inclusive) and ends_at (exclusive).
-- Overlapping sales are allowed; the deepest active one applies.
CREATE TABLE game_sales (
  id           TEXT PRIMARY KEY,
  game_id      INTEGER NOT NULL REFERENCES games(id),
  percent_off  INTEGER NOT NULL CHECK (percent_off BETWEEN 1 AND 100),
  starts_at    INTEGER NOT NULL,
  ends_at      INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX game_sales_game ON game_sales (game_id, ends_at);

-- A discount code of one game: percent off or a fixed amount off, at most max_uses uses, optional expiry.
-- Codes are compared upper-cased (what the developer typed, normalised).
CREATE TABLE discount_codes (
  id               TEXT PRIMARY KEY,
  game_id          INTEGER NOT NULL REFERENCES games(id),
  code             TEXT NOT NULL CHECK (length(code) BETWEEN 3 AND 40 AND code NOT GLOB '*[^A-Z0-9_-]*'),
  percent_off      INTEGER CHECK (percent_off IS NULL OR percent_off BETWEEN 1 AND 100),
  amount_off_msat  INTEGER CHECK (amount_off_msat IS NULL OR amount_off_msat > 0),
  max_uses         INTEGER NOT NULL CHECK (max_uses > 0),
  expires_at       INTEGER,
  created_at       INTEGER NOT NULL,
  CHECK ((percent_off IS NULL) <> (amount_off_msat IS NULL)),
  UNIQUE (game_id, code)
);

-- One use of a code per checkout, written (count checked) in one immediate transaction before the
-- invoice is made: a use counts while its purchase is paid (or refunded), or until hold_until while the
-- purchase is pending or not written yet (a crash between the two releases it by time).
CREATE TABLE discount_code_uses (
  purchase_id  TEXT PRIMARY KEY,
  code_id      TEXT NOT NULL REFERENCES discount_codes(id),
  hold_until   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX discount_code_uses_code ON discount_code_uses (code_id);
