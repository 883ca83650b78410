-- Catalog reads (market-service/src/adapters/sqlite/catalog-reader.ts): one partial index per list
-- order, over publicly listed games only, so a page is an index range scan from the keyset cursor to
-- LIMIT and never a sort of the whole table. The queries repeat this WHERE verbatim (SQLite uses a
-- partial index only when the query's WHERE contains its terms). Drafts, unlisted, banned and deleted
-- rows are not in them, and a game's tags/platforms rows are untouched (the indexer's write path keeps
-- rewriting game_tags/game_platforms by full primary key).
CREATE INDEX games_public_new ON games (updated_at DESC, id DESC)
  WHERE status IN ('LISTED', 'FEATURED') AND deleted_at IS NULL;
CREATE INDEX games_public_title ON games (title COLLATE NOCASE, id)
  WHERE status IN ('LISTED', 'FEATURED') AND deleted_at IS NULL;
CREATE INDEX games_public_price ON games (price_msat, id)
  WHERE status IN ('LISTED', 'FEATURED') AND deleted_at IS NULL;

-- Relevance: bm25 with column weights (title, summary, description, tags), so a title match outranks
-- the same word in a description. Kept in the FTS table's config, so `rank` means this everywhere.
INSERT INTO games_fts (games_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 5.0)');
