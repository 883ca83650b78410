-- Mirrors SQLite 014-sales-codes.sql: scheduled sales, discount codes and their uses.

CREATE TABLE game_sales (
  id           text PRIMARY KEY,
  game_id      bigint NOT NULL REFERENCES games(id),
  percent_off  bigint NOT NULL CHECK (percent_off BETWEEN 1 AND 100),
  starts_at    bigint NOT NULL,
  ends_at      bigint NOT NULL,
  created_at   bigint NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX game_sales_game ON game_sales (game_id, ends_at);

CREATE TABLE discount_codes (
  id               text PRIMARY KEY,
  game_id          bigint NOT NULL REFERENCES games(id),
  code             text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{3,40}$'),
  percent_off      bigint CHECK (percent_off IS NULL OR percent_off BETWEEN 1 AND 100),
  amount_off_msat  bigint CHECK (amount_off_msat IS NULL OR amount_off_msat > 0),
  max_uses         bigint NOT NULL CHECK (max_uses > 0),
  expires_at       bigint,
  created_at       bigint NOT NULL,
  CHECK ((percent_off IS NULL) <> (amount_off_msat IS NULL)),
  UNIQUE (game_id, code)
);

CREATE TABLE discount_code_uses (
  purchase_id  text PRIMARY KEY,
  code_id      text NOT NULL REFERENCES discount_codes(id),
  hold_until   bigint NOT NULL,
  created_at   bigint NOT NULL
);
CREATE INDEX discount_code_uses_code ON discount_code_uses (code_id);
