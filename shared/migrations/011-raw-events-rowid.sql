-- rebuilds: raw_events
-- raw_events becomes a rowid table (rows appended in arrival order) with a small unique index on the
-- event id, and the relays an event was seen on move into the row (relays_json). Before, the table was
-- WITHOUT ROWID keyed by the random 64-hex id, and event_relays was a second table keyed the same way,
-- so nearly every stored event dirtied two different pages of each (~3.5 pages written per event at
-- 100k events). Readers keep `WHERE id = ?` (the unique index answers it) and `event_relays` (now a view).
CREATE TABLE raw_events_new (
  id           TEXT NOT NULL CHECK (length(id) = 64),
  pubkey       TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  tags_json    TEXT NOT NULL,
  content      TEXT NOT NULL,
  sig          TEXT NOT NULL,
  d_tag        TEXT,
  -- ACCEPTED: applied to the catalog; PENDING: waits for its game or asset; SUPERSEDED: replaced by a
  -- newer version; DELETED: removed by a NIP-09 request.
  state        TEXT NOT NULL CHECK (state IN ('ACCEPTED', 'PENDING', 'SUPERSEDED', 'DELETED')),
  received_at  INTEGER NOT NULL,
  -- Provenance: every relay the event was seen on, in the order seen (a JSON array of URLs).
  relays_json  TEXT NOT NULL DEFAULT '[]'
);

INSERT INTO raw_events_new (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state,
    received_at, relays_json)
  SELECT r.id, r.pubkey, r.kind, r.created_at, r.tags_json, r.content, r.sig, r.d_tag, r.state,
    r.received_at,
    coalesce((SELECT json_group_array(e.relay_url) FROM
      (SELECT relay_url FROM event_relays WHERE event_id = r.id ORDER BY first_seen_at, relay_url) e),
      '[]')
  FROM raw_events r ORDER BY r.received_at, r.created_at, r.id;

DROP TABLE event_relays;
DROP TABLE raw_events;
ALTER TABLE raw_events_new RENAME TO raw_events;

CREATE UNIQUE INDEX raw_events_id ON raw_events (id);
-- Only replaceable and addressable events have an address (d_tag is NULL for the others).
CREATE INDEX raw_events_address ON raw_events (kind, pubkey, d_tag) WHERE d_tag IS NOT NULL;
CREATE INDEX raw_events_pending ON raw_events (state) WHERE state = 'PENDING';

-- The relational form of the provenance, for readers and reports: one row per (event, relay).
CREATE VIEW event_relays AS
  SELECT r.id AS event_id, j.value AS relay_url FROM raw_events r, json_each(r.relays_json) j;
