/**
 * devnet.db: the simulated node's wallets, invoices and payments, plus the NWC connections of the wallet
 * service. Amounts are integer msat, times unix seconds. Balances can never go negative (CHECK).
 */
export const NODE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS wallets (
  id INTEGER PRIMARY KEY,
  name TEXT UNIQUE,
  balance_msat INTEGER NOT NULL CHECK (balance_msat >= 0),
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS invoices (
  payment_hash TEXT PRIMARY KEY,
  wallet_id INTEGER NOT NULL REFERENCES wallets(id),
  bolt11 TEXT NOT NULL UNIQUE,
  preimage TEXT NOT NULL,
  amount_msat INTEGER NOT NULL CHECK (amount_msat > 0),
  description TEXT,
  description_hash TEXT,
  metadata TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'inflight', 'settled')),
  settled_at INTEGER,
  -- clock ms of the last change: orders list_transactions within one second
  changed_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS invoices_wallet ON invoices (wallet_id, created_at);
CREATE TABLE IF NOT EXISTS payments (
  wallet_id INTEGER NOT NULL REFERENCES wallets(id),
  payment_hash TEXT NOT NULL,
  bolt11 TEXT NOT NULL,
  amount_msat INTEGER NOT NULL,
  fees_msat INTEGER NOT NULL,
  description TEXT,
  description_hash TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'settled', 'failed')),
  failure TEXT,
  preimage TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  settled_at INTEGER,
  metadata TEXT,
  changed_ms INTEGER NOT NULL,
  PRIMARY KEY (wallet_id, payment_hash)
);
-- At most one live (pending or settled) payment per invoice across all wallets: paid once.
CREATE UNIQUE INDEX IF NOT EXISTS payments_live ON payments (payment_hash) WHERE state IN ('pending', 'settled');
CREATE TABLE IF NOT EXISTS connections (
  client_pubkey TEXT PRIMARY KEY,
  wallet_id INTEGER NOT NULL REFERENCES wallets(id),
  label TEXT NOT NULL,
  -- devnet keeps the client secret so startDevnet can hand out the same URI after a restart
  -- (a real wallet service SHOULD NOT store it, NIP-47); devnet money is not money.
  client_secret TEXT NOT NULL,
  permissions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (wallet_id, label)
);
`
