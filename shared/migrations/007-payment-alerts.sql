-- Payments the wallet proved (the preimage hashes to the invoice's payment hash) that settlement could
-- not book: less than the invoice amount, or a purchase that can no longer be paid (FAILED). They are
-- never booked automatically; an admin sees them and resolves each (the purchase, if still PENDING,
-- becomes FAILED so the reconcile poller stops asking the wallet). One row per purchase: a notification
-- or a poller pass that sees it again bumps last_seen_at and seen_count, even after it was resolved.
CREATE TABLE payment_alerts (
  purchase_id    TEXT PRIMARY KEY REFERENCES purchases(id),
  payment_hash   TEXT NOT NULL CHECK (length(payment_hash) = 64),
  reason         TEXT NOT NULL,
  received_msat  INTEGER CHECK (received_msat IS NULL OR received_msat >= 0),
  first_seen_at  INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  seen_count     INTEGER NOT NULL DEFAULT 1 CHECK (seen_count >= 1),
  resolved_at    INTEGER,
  resolved_note  TEXT,
  CHECK ((resolved_at IS NULL) = (resolved_note IS NULL))
) WITHOUT ROWID;
CREATE INDEX payment_alerts_open ON payment_alerts (first_seen_at, purchase_id) WHERE resolved_at IS NULL;
