-- rebuilds: ledger_entries
-- Refunds over Lightning (docs/refunds.md): a per-game refund policy, one refund per purchase with its
-- own state machine and payment record (payment hash recorded before paying, like payouts), the
-- withdraw-link counter of LNURL-withdraw (LUD-03) refunds, and what a developer owes back when a
-- refund came after their payout (recovered from their next payouts).

-- No row = no automatic refunds (every request waits for the developer or an admin).
CREATE TABLE game_refund_policies (
  game_id                   INTEGER PRIMARY KEY REFERENCES games(id),
  window_days               INTEGER NOT NULL CHECK (window_days BETWEEN 0 AND 365),
  -- NULL: downloads do not matter; otherwise a refund is automatic only within this many hours of the
  -- first download (or before any download).
  max_hours_since_download  INTEGER CHECK (max_hours_since_download IS NULL OR max_hours_since_download BETWEEN 0 AND 8760),
  updated_at                INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE refunds (
  id                   TEXT PRIMARY KEY,
  purchase_id          TEXT NOT NULL UNIQUE REFERENCES purchases(id),
  developer_user_id    INTEGER REFERENCES users(id),
  amount_msat          INTEGER NOT NULL CHECK (amount_msat > 0),
  status               TEXT NOT NULL CHECK (status IN ('REQUESTED', 'APPROVED', 'AWAITING_CLAIM', 'SENDING', 'SENT', 'DECLINED', 'FAILED')),
  requested_by         TEXT NOT NULL CHECK (requested_by IN ('BUYER', 'GUEST', 'ADMIN')),
  reason               TEXT CHECK (reason IS NULL OR length(reason) <= 500),
  auto_approved        INTEGER NOT NULL DEFAULT 0 CHECK (auto_approved IN (0, 1)),
  decided_by           TEXT,
  decision_note        TEXT CHECK (decision_note IS NULL OR length(decision_note) <= 500),
  -- Where the money goes: a BOLT11 the buyer gave, a Lightning address, or a withdraw link (LUD-03).
  destination_kind     TEXT CHECK (destination_kind IN ('BOLT11', 'LN_ADDRESS', 'WITHDRAW')),
  destination          TEXT,
  -- LUD-03 links: k1 = HMAC(secret, id:seq) is never stored; a new link bumps seq (the old one dies).
  withdraw_seq         INTEGER NOT NULL DEFAULT 0,
  withdraw_expires_at  INTEGER,
  -- Recorded BEFORE pay_invoice is sent, so a restart looks the payment up instead of paying again.
  payment_hash         TEXT UNIQUE,
  bolt11               TEXT,
  preimage             TEXT,
  fees_paid_msat       INTEGER CHECK (fees_paid_msat IS NULL OR fees_paid_msat >= 0),
  attempts             INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at      INTEGER NOT NULL,
  last_error           TEXT,
  -- The developer's share that had already left as a payout when the refund was sent: owed back.
  recover_msat         INTEGER NOT NULL DEFAULT 0 CHECK (recover_msat >= 0),
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  sent_at              INTEGER,
  CHECK (status <> 'SENT' OR (preimage IS NOT NULL AND payment_hash IS NOT NULL AND sent_at IS NOT NULL)),
  CHECK (status <> 'SENDING' OR payment_hash IS NOT NULL)
);
CREATE INDEX refunds_due ON refunds (status, next_attempt_at);
CREATE INDEX refunds_developer ON refunds (developer_user_id, created_at);

-- Each row withholds part of one payout toward a refund's recover_msat (payouts stay immutable: the
-- withheld amount is simply never scheduled). Σ amount per refund ≤ its recover_msat.
CREATE TABLE refund_recoveries (
  id                 INTEGER PRIMARY KEY,
  refund_id          TEXT NOT NULL REFERENCES refunds(id),
  developer_user_id  INTEGER NOT NULL REFERENCES users(id),
  purchase_id        TEXT NOT NULL REFERENCES purchases(id),
  amount_msat        INTEGER NOT NULL CHECK (amount_msat > 0),
  created_at         INTEGER NOT NULL
);
CREATE INDEX refund_recoveries_developer ON refund_recoveries (developer_user_id);

-- Three ledger entry types (docs/refunds.md): REFUND_SENT (money back to the buyer), and the two
-- reversals that say whose share paid for it — REFUND_DEVELOPER_DEBIT (the developer's net) and
-- REFUND_FEE_REVERSAL (the market's fee). Amounts are never negative, so a reversal is its own type.
-- SQLite cannot alter a CHECK: the table is rebuilt with the same rows (ids kept); migrate recreates
-- its indexes and append-only triggers.
CREATE TABLE ledger_entries_012 (
  id                 INTEGER PRIMARY KEY,
  purchase_id        TEXT REFERENCES purchases(id),
  payout_id          TEXT REFERENCES payouts(id),
  developer_user_id  INTEGER REFERENCES users(id),
  type               TEXT NOT NULL CHECK (type IN ('INVOICE_CREATED', 'INVOICE_PAID', 'PLATFORM_FEE', 'DEVELOPER_NET', 'PAYOUT_SENT', 'PAYOUT_FAILED', 'REFUND_SENT', 'REFUND_DEVELOPER_DEBIT', 'REFUND_FEE_REVERSAL')),
  amount_msat        INTEGER NOT NULL CHECK (amount_msat >= 0),
  currency           TEXT NOT NULL DEFAULT 'msat' CHECK (currency = 'msat'),
  meta_json          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta_json)),
  idempotency_key    TEXT NOT NULL UNIQUE,
  created_at         INTEGER NOT NULL
);
INSERT INTO ledger_entries_012 (id, purchase_id, payout_id, developer_user_id, type, amount_msat, currency, meta_json, idempotency_key, created_at)
  SELECT id, purchase_id, payout_id, developer_user_id, type, amount_msat, currency, meta_json, idempotency_key, created_at
  FROM ledger_entries;
DROP TRIGGER ledger_entries_append_only_delete;
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_012 RENAME TO ledger_entries;
