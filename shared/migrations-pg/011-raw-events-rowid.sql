-- Mirrors SQLite 011-raw-events-rowid.sql: the relays an event was seen on move into its row
-- (relays_json, in the order seen), event_relays becomes a view over it, and raw_events is keyed by a
-- unique index on the event id instead of a primary key (as SQLite's rowid table is).
ALTER TABLE raw_events ADD COLUMN relays_json text NOT NULL DEFAULT '[]';
UPDATE raw_events r SET relays_json = coalesce(
  (SELECT json_agg(e.relay_url ORDER BY e.first_seen_at, e.relay_url)::text
     FROM event_relays e WHERE e.event_id = r.id),
  '[]');
DROP TABLE event_relays;

ALTER TABLE raw_events DROP CONSTRAINT raw_events_pkey;
CREATE UNIQUE INDEX raw_events_id ON raw_events (id);
DROP INDEX raw_events_address;
CREATE INDEX raw_events_address ON raw_events (kind, pubkey, d_tag) WHERE d_tag IS NOT NULL;

CREATE VIEW event_relays AS
  SELECT r.id AS event_id, j.value AS relay_url
    FROM raw_events r, jsonb_array_elements_text(r.relays_json::jsonb) AS j(value);
