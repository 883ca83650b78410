/**
 * The SQL of the catalog tables the indexer owns (raw_events with its relays, deletions, users, games,
 * game_tags, game_platforms, releases, build_assets, release_files, developer_events). Every method runs
 * inside the caller's batch transaction. Never touches purchases, entitlements, ledger_entries or payouts.
 */
import type { Game } from '@zapcade/shared/events/game'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { Asset, BuildAsset } from '@zapcade/shared/events/build-asset'
import type { Release } from '@zapcade/shared/events/release'
import type { ProfileInfo } from '../pipeline/parse.ts'

/** Developer events kept per developer (the newest; older ones are dropped). */
export const DEVELOPER_EVENTS_KEPT = 200

/** What the catalog holds for one version of a game: its release event and primary build. */
export interface PublishedBuild {
  releaseEventId: string
  sha256: string
  /** The market holds a verified upload of this build (buyers may have downloaded it). */
  verified: boolean
}
import type { Db } from './open.ts'

export type RawState = 'ACCEPTED' | 'PENDING' | 'SUPERSEDED' | 'DELETED'

export interface RawRow {
  id: string
  pubkey: string
  kind: number
  created_at: number
  tags_json: string
  content: string
  sig: string
  d_tag: string | null
  state: RawState
}

/** The NIP-01 fields and the rules' columns of a raw row (what RawRow holds). */
const RAW_COLUMNS = 'id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state'

/** Prepared statements over one connection; construct once per database. */
export class CatalogWriter {
  private readonly s
  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql)
    this.s = {
      rawExists: p('SELECT 1 FROM raw_events WHERE id = ?').pluck(),
      raw: p(`SELECT ${RAW_COLUMNS} FROM raw_events WHERE id = ?`),
      // OR IGNORE: an id already stored changes nothing (changes = 0), which is how a duplicate is found.
      insertRaw:
        p(`INSERT OR IGNORE INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state,
          received_at, relays_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      setState: p('UPDATE raw_events SET state = ? WHERE id = ?'),
      seenRow: p(`SELECT rowid AS row, created_at,
          EXISTS (SELECT 1 FROM json_each(relays_json) WHERE value = ?) AS known
        FROM raw_events WHERE id = ?`),
      appendRelay: p(
        `UPDATE raw_events SET relays_json = json_insert(relays_json, '$[#]', ?) WHERE rowid = ?`,
      ),
      winner:
        p(`SELECT id, created_at, state FROM raw_events WHERE kind = ? AND pubkey = ? AND d_tag = ?
        AND state <> 'SUPERSEDED' ORDER BY created_at DESC, id ASC LIMIT 1`),
      deletedById: p(
        'SELECT 1 FROM deletions WHERE target_event_id = ? AND pubkey = ? LIMIT 1',
      ).pluck(),
      deletedByCoord: p(
        `SELECT 1 FROM deletions WHERE target_coordinate = ? AND pubkey = ? AND until_created_at >= ? LIMIT 1`,
      ).pluck(),
      tombstone:
        p(`INSERT OR IGNORE INTO deletions (deletion_event_id, pubkey, target_event_id, target_coordinate, until_created_at)
        VALUES (?, ?, ?, ?, ?)`),
      rawAtAddressUntil: p(
        `SELECT id FROM raw_events WHERE kind = ? AND pubkey = ? AND d_tag = ? AND created_at <= ? AND state <> 'DELETED'`,
      ).pluck(),
      ensureUser: p(
        'INSERT INTO users (pubkey, created_at) VALUES (?, ?) ON CONFLICT (pubkey) DO NOTHING',
      ),
      userId: p('SELECT id FROM users WHERE pubkey = ?').pluck(),
      upsertGame:
        p(`INSERT INTO games (developer_user_id, slug, title, summary, description, status, listing, price_msat,
          zap_pubkey, icon, images_json, tags_json, platforms_json, url, license, event_id, event_created_at, deleted_at, created_at, updated_at)
        VALUES (@user, @slug, @title, @summary, @description, @listing, @listing, @price, @zap, @icon, @images, @tags, @platforms,
          @url, @license, @eventId, @createdAt, NULL, @now, @createdAt)
        ON CONFLICT (developer_user_id, slug) DO UPDATE SET title = excluded.title, summary = excluded.summary,
          description = excluded.description, listing = excluded.listing,
          status = CASE WHEN games.status IN ('FEATURED', 'BANNED') THEN games.status ELSE excluded.listing END,
          price_msat = excluded.price_msat, zap_pubkey = excluded.zap_pubkey, icon = excluded.icon,
          images_json = excluded.images_json, tags_json = excluded.tags_json, platforms_json = excluded.platforms_json,
          url = excluded.url, license = excluded.license, event_id = excluded.event_id,
          event_created_at = excluded.event_created_at, deleted_at = NULL, updated_at = excluded.updated_at
        RETURNING id`).pluck(),
      // game_tags/game_platforms are keyed (tag, game_id) with no game_id index: delete by full key.
      oldLists: p(
        'SELECT tags_json, platforms_json FROM games WHERE developer_user_id = ? AND slug = ?',
      ),
      delTag: p('DELETE FROM game_tags WHERE tag = ? AND game_id = ?'),
      addTag: p('INSERT OR IGNORE INTO game_tags (game_id, tag) VALUES (?, ?)'),
      delPlatform: p('DELETE FROM game_platforms WHERE platform = ? AND game_id = ?'),
      addPlatform: p('INSERT OR IGNORE INTO game_platforms (game_id, platform) VALUES (?, ?)'),
      gameId: p(
        'SELECT g.id FROM games g JOIN users u ON u.id = g.developer_user_id WHERE u.pubkey = ? AND g.slug = ?',
      ).pluck(),
      gameDeleted: p('UPDATE games SET deleted_at = ? WHERE event_id = ?'),
      releaseDeleted: p('UPDATE releases SET deleted_at = ? WHERE event_id = ?'),
      upsertRelease:
        p(`INSERT INTO releases (game_id, version, channel, release_notes, published_at, asset_event_id, event_id,
          deleted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
        ON CONFLICT (game_id, version) DO UPDATE SET channel = excluded.channel, release_notes = excluded.release_notes,
          published_at = excluded.published_at, asset_event_id = excluded.asset_event_id, event_id = excluded.event_id,
          deleted_at = NULL, updated_at = excluded.updated_at
        RETURNING id`).pluck(),
      upsertAsset:
        p(`INSERT INTO build_assets (release_id, event_id, object_key, sha256, size_bytes, content_type, platforms_json,
          urls_json, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (release_id) DO UPDATE SET event_id = excluded.event_id,
          object_key = CASE WHEN build_assets.sha256 = excluded.sha256 THEN build_assets.object_key ELSE NULL END,
          sha256 = excluded.sha256, size_bytes = excluded.size_bytes, content_type = excluded.content_type,
          platforms_json = excluded.platforms_json, urls_json = excluded.urls_json`),
      delFiles: p('DELETE FROM release_files WHERE release_id = ?'),
      addFile:
        p(`INSERT OR IGNORE INTO release_files (release_id, event_id, sha256, size_bytes, content_type, platforms_json, urls_json,
          variant, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      // A version's build counts as verified once the market holds it (object_key) or a VERIFIED upload of
      // the game has its sha256; deleted releases count too (their buyers verified that hash).
      publishedBuild:
        p(`SELECT r.event_id, a.sha256, (a.object_key IS NOT NULL OR EXISTS (SELECT 1 FROM uploads up
          WHERE up.game_id = r.game_id AND up.sha256 = a.sha256 AND up.status = 'VERIFIED')) AS verified
        FROM releases r JOIN build_assets a ON a.release_id = r.id WHERE r.game_id = ? AND r.version = ?`),
      isUser: p('SELECT 1 FROM users WHERE pubkey = ?').pluck(),
      noteDevEvent:
        p(`INSERT INTO developer_events (pubkey, event_id, kind, state, reason, created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (pubkey, event_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, seen_at = excluded.seen_at`),
      trimDevEvents:
        p(`DELETE FROM developer_events WHERE pubkey = ? AND id < (SELECT id FROM developer_events WHERE pubkey = ?
        ORDER BY id DESC LIMIT 1 OFFSET ${DEVELOPER_EVENTS_KEPT - 1})`),
      clearDevEvent: p('DELETE FROM developer_events WHERE pubkey = ? AND event_id = ?'),
      devEventReason: p(
        `SELECT reason FROM developer_events WHERE pubkey = ? AND event_id = ? AND state = 'REFUSED'`,
      ).pluck(),
      // Replaceable and addressable kinds only: `d_tag IS NOT NULL` lets the (partial) address index
      // answer; without it the planner walks every PENDING row.
      pendingOf: p(
        `SELECT ${RAW_COLUMNS} FROM raw_events WHERE kind = ? AND pubkey = ? AND d_tag IS NOT NULL AND state = 'PENDING'`,
      ),
      // A release's d is `<slug>@<version>` (NIP-82): its pending releases are one index range.
      pendingReleasesOfGame: p(
        `SELECT ${RAW_COLUMNS} FROM raw_events WHERE kind = 30063 AND pubkey = ? AND d_tag >= ? AND d_tag < ? AND state = 'PENDING'`,
      ),
      pendingReleases: p(
        `SELECT id, tags_json FROM raw_events INDEXED BY raw_events_pending WHERE state = 'PENDING' AND kind = 30063`,
      ),
      updateProfile:
        p(`UPDATE users SET display_name = ?, avatar_url = ?, lud16 = ?, nip05 = ?, profile_event_id = ?,
          profile_created_at = ? WHERE pubkey = ?`),
    }
  }

  rawExists(id: string): boolean {
    return this.s.rawExists.get(id) !== undefined
  }
  raw(id: string): RawRow | undefined {
    return this.s.raw.get(id) as RawRow | undefined
  }
  /**
   * Store `ev` as seen on `relays`; answers false when the id is already stored (nothing is written
   * then: the caller records the relays with `addRelays` and counts a duplicate).
   */
  insertRaw(
    ev: NostrEvent,
    dTag: string | null,
    state: RawState,
    relays: readonly string[],
    nowSec: number,
  ): boolean {
    const r = this.s.insertRaw.run(
      ev.id,
      ev.pubkey,
      ev.kind,
      ev.created_at,
      JSON.stringify(ev.tags),
      ev.content,
      ev.sig,
      dTag,
      state,
      nowSec,
      JSON.stringify(relays),
    )
    return r.changes === 1
  }
  setState(id: string, state: RawState): void {
    this.s.setState.run(state, id)
  }
  /** Record that stored event `id` was seen on `relay`; answers its created_at, undefined when not stored. */
  seenOn(id: string, relay: string): number | undefined {
    const r = this.s.seenRow.get(relay, id) as
      | { row: number; created_at: number; known: number }
      | undefined
    if (r && r.known === 0) this.s.appendRelay.run(relay, r.row)
    return r?.created_at
  }
  /** Record every relay of `relays` that stored event `id` was seen on. */
  addRelays(id: string, relays: readonly string[]): void {
    for (const relay of relays) this.seenOn(id, relay)
  }
  /** The current version at an address (newest created_at, tie → lowest id), deleted ones included. */
  winner(
    kind: number,
    pubkey: string,
    d: string,
  ): { id: string; created_at: number; state: RawState } | undefined {
    return this.s.winner.get(kind, pubkey, d) as
      | { id: string; created_at: number; state: RawState }
      | undefined
  }
  deletedById(id: string, pubkey: string): boolean {
    return this.s.deletedById.get(id, pubkey) !== undefined
  }
  deletedByCoordinate(coordinate: string, pubkey: string, createdAt: number): boolean {
    return this.s.deletedByCoord.get(coordinate, pubkey, createdAt) !== undefined
  }
  tombstone(
    deletionId: string,
    pubkey: string,
    target: { id: string } | { coordinate: string },
    untilSec: number,
  ): void {
    const [id, coord] = 'id' in target ? [target.id, null] : [null, target.coordinate]
    this.s.tombstone.run(deletionId, pubkey, id, coord, untilSec)
  }
  rawAtAddressUntil(kind: number, pubkey: string, d: string, untilSec: number): string[] {
    return this.s.rawAtAddressUntil.all(kind, pubkey, d, untilSec) as string[]
  }
  ensureUser(pubkey: string, nowSec: number): number {
    this.s.ensureUser.run(pubkey, nowSec)
    return this.s.userId.get(pubkey) as number
  }
  hasUser(pubkey: string): boolean {
    return this.s.userId.get(pubkey) !== undefined
  }
  /** Upsert the game row, keeping a FEATURED/BANNED overlay, and rewrite its tags and platforms. */
  upsertGame(userId: number, g: Game, nowSec: number): number {
    const old = this.s.oldLists.get(userId, g.slug) as
      | { tags_json: string; platforms_json: string }
      | undefined
    const id = this.s.upsertGame.get({
      user: userId,
      slug: g.slug,
      title: g.title,
      summary: g.summary ?? null,
      description: g.description,
      listing: g.listing,
      price: g.priceMsat,
      zap: g.zapPubkey ?? null,
      icon: g.icon ?? null,
      images: JSON.stringify(g.images),
      tags: JSON.stringify(g.tags),
      platforms: JSON.stringify(g.platforms),
      url: g.url ?? null,
      license: g.license ?? null,
      eventId: g.eventId,
      createdAt: g.createdAtSec,
      now: nowSec,
    }) as number
    const oldTags = old ? (JSON.parse(old.tags_json) as string[]) : []
    const oldPlatforms = old ? (JSON.parse(old.platforms_json) as string[]) : []
    for (const t of oldTags) if (!g.tags.includes(t)) this.s.delTag.run(t, id)
    for (const t of g.tags) this.s.addTag.run(id, t)
    for (const f of oldPlatforms) if (!g.platforms.includes(f)) this.s.delPlatform.run(f, id)
    for (const f of g.platforms) this.s.addPlatform.run(id, f)
    return id
  }
  gameId(pubkey: string, slug: string): number | undefined {
    return this.s.gameId.get(pubkey, slug) as number | undefined
  }
  /** Hide the catalog row built from event `id` (NIP-09); rows are kept for entitlements. */
  markCatalogDeleted(id: string, atSec: number): void {
    this.s.gameDeleted.run(atSec, id)
    this.s.releaseDeleted.run(atSec, id)
  }
  /** The release row of `version`, pointing at its primary build asset `primaryAssetId`. */
  upsertRelease(
    gameId: number,
    ev: NostrEvent,
    r: Release,
    primaryAssetId: string,
    nowSec: number,
  ): number {
    return this.s.upsertRelease.get(
      gameId,
      r.version,
      r.channel,
      r.notes,
      r.publishedAtSec,
      primaryAssetId,
      ev.id,
      nowSec,
      ev.created_at,
    ) as number
  }
  /** The primary build zip of a release (every url kept). */
  upsertAsset(releaseId: number, a: BuildAsset, nowSec: number): void {
    this.s.upsertAsset.run(
      releaseId,
      a.eventId,
      a.sha256,
      a.sizeBytes,
      a.mime,
      JSON.stringify(a.platforms),
      JSON.stringify(a.urls),
      nowSec,
    )
  }
  /** A release's other assets, replacing what an older version of the release listed. */
  replaceReleaseFiles(releaseId: number, files: Asset[], nowSec: number): void {
    this.s.delFiles.run(releaseId)
    for (const f of files) {
      this.s.addFile.run(
        releaseId,
        f.eventId,
        f.sha256,
        f.sizeBytes ?? null,
        f.mime,
        JSON.stringify(f.platforms),
        JSON.stringify(f.urls),
        f.variant ?? null,
        nowSec,
      )
    }
  }
  /** The catalog's build of `version` of a game, when there is one. */
  publishedBuild(gameId: number, version: string): PublishedBuild | undefined {
    const r = this.s.publishedBuild.get(gameId, version) as
      | { event_id: string; sha256: string; verified: number }
      | undefined
    return r && { releaseEventId: r.event_id, sha256: r.sha256, verified: r.verified === 1 }
  }
  /** A developer the market knows: a users row (every game's developer has one). */
  isKnownDeveloper(pubkey: string): boolean {
    return this.s.isUser.get(pubkey) !== undefined
  }
  /** Record why an event of `ev.pubkey` is refused or waits; the newest DEVELOPER_EVENTS_KEPT per developer are kept. */
  noteDeveloperEvent(
    ev: NostrEvent,
    state: 'REFUSED' | 'PENDING',
    reason: string,
    nowSec: number,
  ): void {
    this.s.noteDevEvent.run(ev.pubkey, ev.id, ev.kind, state, reason, ev.created_at, nowSec)
    this.s.trimDevEvents.run(ev.pubkey, ev.pubkey)
  }
  /** The event is applied (or replaced): nothing to tell any more. */
  clearDeveloperEvent(pubkey: string, eventId: string): void {
    this.s.clearDevEvent.run(pubkey, eventId)
  }
  /** Why event `eventId` of `pubkey` was refused, when recorded. */
  refusalOf(pubkey: string, eventId: string): string | undefined {
    return this.s.devEventReason.get(pubkey, eventId) as string | undefined
  }
  /** Pending events of a replaceable or addressable `kind` by `pubkey`. */
  pendingOf(kind: number, pubkey: string): RawRow[] {
    return this.s.pendingOf.all(kind, pubkey) as RawRow[]
  }
  /** Pending releases of the game `slug` (d in [`slug@`, `slug@`+1)). */
  pendingReleasesOfGame(pubkey: string, slug: string): RawRow[] {
    return this.s.pendingReleasesOfGame.all(pubkey, `${slug}@`, `${slug}A`) as RawRow[]
  }
  /**
   * Pending releases that name `assetId`. The schema has no column for a release's `e`, so an
   * in-memory hint map (asset id → release ids), loaded once from the PENDING rows, avoids scanning
   * every pending release on each asset; stale hints are filtered by re-reading the rows.
   */
  pendingReleasesOfAsset(pubkey: string, assetId: string): RawRow[] {
    const ids = this.pendingHints().get(assetId)
    if (!ids) return []
    this.hints?.delete(assetId)
    return [...ids]
      .map((id) => this.raw(id))
      .filter((r): r is RawRow => r !== undefined && r.state === 'PENDING' && r.pubkey === pubkey)
  }
  /** Remember that release `releaseId` waits for asset `assetId`. */
  notePendingRelease(assetId: string, releaseId: string): void {
    const m = this.pendingHints()
    const set = m.get(assetId) ?? new Set<string>()
    set.add(releaseId)
    m.set(assetId, set)
  }
  private hints: Map<string, Set<string>> | undefined
  private pendingHints(): Map<string, Set<string>> {
    if (this.hints) return this.hints
    this.hints = new Map()
    for (const row of this.s.pendingReleases.all() as { id: string; tags_json: string }[]) {
      const tags = JSON.parse(row.tags_json) as string[][]
      for (const t of tags) if (t[0] === 'e' && t[1]) this.notePendingRelease(t[1], row.id)
    }
    return this.hints
  }
  updateProfile(pubkey: string, p: ProfileInfo, ev: NostrEvent): void {
    this.s.updateProfile.run(
      p.displayName ?? null,
      p.picture ?? null,
      p.lud16 ?? null,
      p.nip05 ?? null,
      ev.id,
      ev.created_at,
      pubkey,
    )
  }
}

/** A stored raw row back as a NIP-01 event. */
export function rowToEvent(r: RawRow): NostrEvent {
  return {
    id: r.id,
    pubkey: r.pubkey,
    kind: r.kind,
    created_at: r.created_at,
    tags: JSON.parse(r.tags_json) as string[][],
    content: r.content,
    sig: r.sig,
  }
}
