-- rebuilds: games
-- NIP-82 events as publishers send them (docs/event-profile.md): case-preserving game addresses, every
-- url of a build, a release's extra files, and why a developer's event was refused or is waiting.
-- The first line asks migrate to run this with foreign keys off and to recreate the indexes and
-- triggers of `games` (SQLite's documented way to rebuild a table that others reference).

-- games.slug is the event's `d`, case kept (NIP-82 app ids such as `com.Example.app`): the CHECK now
-- allows capitals. SQLite cannot alter a CHECK, so the table is rebuilt with the same columns and rows
-- (ids kept, so every reference and the search index rows stay valid).
CREATE TABLE games_009 (
  id                 INTEGER PRIMARY KEY,
  developer_user_id  INTEGER NOT NULL REFERENCES users(id),
  slug               TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^A-Za-z0-9._-]*' AND substr(slug, 1, 1) GLOB '[A-Za-z0-9]'),
  title              TEXT NOT NULL CHECK (length(title) > 0),
  summary            TEXT,
  description        TEXT NOT NULL DEFAULT '',
  status             TEXT NOT NULL CHECK (status IN ('DRAFT', 'UNLISTED', 'LISTED', 'FEATURED', 'BANNED')),
  listing            TEXT NOT NULL CHECK (listing IN ('DRAFT', 'UNLISTED', 'LISTED')),
  featured_rank      INTEGER,
  price_msat         INTEGER NOT NULL CHECK (price_msat >= 0),
  zap_pubkey         TEXT,
  icon               TEXT,
  images_json        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(images_json)),
  tags_json          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags_json)),
  platforms_json     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(platforms_json)),
  url                TEXT,
  license            TEXT,
  event_id           TEXT NOT NULL,
  event_created_at   INTEGER NOT NULL,
  deleted_at         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (developer_user_id, slug)
);
INSERT INTO games_009 (id, developer_user_id, slug, title, summary, description, status, listing, featured_rank, price_msat,
    zap_pubkey, icon, images_json, tags_json, platforms_json, url, license, event_id, event_created_at, deleted_at, created_at, updated_at)
  SELECT id, developer_user_id, slug, title, summary, description, status, listing, featured_rank, price_msat,
    zap_pubkey, icon, images_json, tags_json, platforms_json, url, license, event_id, event_created_at, deleted_at, created_at, updated_at
  FROM games;
DROP TABLE games;
ALTER TABLE games_009 RENAME TO games;

-- Every `url` of the primary build, in the event's order (shown for free games; a paid game's build is
-- only ever served through the market's signed download).
ALTER TABLE build_assets ADD COLUMN urls_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(urls_json));

-- A release's other assets (an APK, a signature, a second archive): kept and shown as extra files,
-- never served for paid games. The v1 rule stays: exactly one primary zip per release (build_assets).
CREATE TABLE release_files (
  id              INTEGER PRIMARY KEY,
  release_id      INTEGER NOT NULL REFERENCES releases(id),
  event_id        TEXT NOT NULL CHECK (length(event_id) = 64),
  sha256          TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  size_bytes      INTEGER CHECK (size_bytes IS NULL OR size_bytes > 0),
  content_type    TEXT NOT NULL,
  platforms_json  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(platforms_json)),
  urls_json       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(urls_json)),
  variant         TEXT,
  created_at      INTEGER NOT NULL,
  UNIQUE (release_id, event_id)
);

-- Why a known developer's event did not reach the catalog: REFUSED (a rule it breaks) or PENDING (what
-- it waits for). Written by the indexer, bounded per developer (the newest are kept), read by
-- GET /api/v1/developer/events. A pending event that is later applied is removed.
CREATE TABLE developer_events (
  id          INTEGER PRIMARY KEY,
  pubkey      TEXT NOT NULL CHECK (length(pubkey) = 64),
  event_id    TEXT NOT NULL CHECK (length(event_id) = 64),
  kind        INTEGER NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('REFUSED', 'PENDING')),
  reason      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  seen_at     INTEGER NOT NULL,
  UNIQUE (pubkey, event_id)
);
CREATE INDEX developer_events_newest ON developer_events (pubkey, id DESC);
