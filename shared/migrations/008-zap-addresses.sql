-- Zaps from every client. A developer's market-hosted Lightning address (`<npub>@<host>`, or a short
-- name they claim) routes every zap of every client through the market: a zap that names none of their
-- games is a tip for them, so a purchase may name its recipient without a game. Zaps from one pubkey
-- toward one game add up (settlement sums them); the one that reaches the price entitles.

-- The developer a gameless zap (a tip through their address) belongs to; NULL for checkouts and zaps
-- that name a game (the game's developer is the recipient) and for tips to the market itself.
ALTER TABLE purchases ADD COLUMN recipient_user_id INTEGER REFERENCES users(id);

-- Settlement sums a zapper's paid zaps toward a game.
CREATE INDEX purchases_zapper_game ON purchases (buyer_user_id, game_id) WHERE kind = 'ZAP' AND status = 'PAID';

-- Short Lightning-address names (`name@host`, LUD-16 characters), first come, one per developer,
-- changeable; also answered by NIP-05 (/.well-known/nostr.json). `<npub>@host` needs no row.
CREATE TABLE ln_names (
  name        TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^a-z0-9._-]*'),
  user_id     INTEGER NOT NULL UNIQUE REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
