-- sort=featured walks FEATURED games by rank, unranked ones last (the catalog reader's
-- `ifnull(featured_rank, 9007199254740991)`, verbatim, so the expression index applies). Only
-- FEATURED rows are in it, so the indexer pays for it on the few games an admin features.
CREATE INDEX games_featured_rank ON games (ifnull(featured_rank, 9007199254740991), id)
  WHERE status = 'FEATURED' AND deleted_at IS NULL;
