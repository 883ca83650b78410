-- Full-text search over title, summary, description and tags (FTS5), kept in step by triggers.
CREATE VIRTUAL TABLE games_fts USING fts5(
  title, summary, description, tags,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER games_fts_insert AFTER INSERT ON games BEGIN
  INSERT INTO games_fts (rowid, title, summary, description, tags)
  VALUES (new.id, new.title, coalesce(new.summary, ''), new.description,
          (SELECT group_concat(value, ' ') FROM json_each(new.tags_json)));
END;
CREATE TRIGGER games_fts_update AFTER UPDATE OF title, summary, description, tags_json ON games BEGIN
  DELETE FROM games_fts WHERE rowid = old.id;
  INSERT INTO games_fts (rowid, title, summary, description, tags)
  VALUES (new.id, new.title, coalesce(new.summary, ''), new.description,
          (SELECT group_concat(value, ' ') FROM json_each(new.tags_json)));
END;
CREATE TRIGGER games_fts_delete AFTER DELETE ON games BEGIN
  DELETE FROM games_fts WHERE rowid = old.id;
END;
