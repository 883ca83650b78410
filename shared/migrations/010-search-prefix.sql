-- Search: a prefix index for 3- and 4-character prefixes. The search box matches its last word as a
-- prefix ("the" finds "the", "them", "theme"...); without a prefix index FTS5 answers a prefix by
-- merging the doclists of every term that starts with it into one buffer before the first row, so a
-- short prefix of a common word cost a pass over most of the catalog even when the page needs 21 rows
-- (7-12 ms for "the" on a 55,000-game catalog). With the index those prefixes are one doclist, read
-- lazily like a whole word (~0.1 ms). Longer prefixes still merge, but they name few terms and fewer games.
-- FTS5 options cannot be altered, so the table is rebuilt from games (the triggers of 003 name it and
-- keep working) and the bm25 column weights of 004 are set again (they live in the table's config).
DROP TABLE games_fts;
CREATE VIRTUAL TABLE games_fts USING fts5(
  title, summary, description, tags,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '3 4'
);
INSERT INTO games_fts (games_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 5.0)');
INSERT INTO games_fts (rowid, title, summary, description, tags)
  SELECT id, title, coalesce(summary, ''), description, (SELECT group_concat(value, ' ') FROM json_each(tags_json)) FROM games;
