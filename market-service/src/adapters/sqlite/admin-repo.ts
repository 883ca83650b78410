/**
 * The market's overlay on a game (games.status / featured_rank), changed by an admin, with the outbox
 * job that publishes it enqueued in the SAME transaction (the change and its publication never diverge).
 * A ban records its label's event id (table ban_labels); lifting the ban enqueues a NIP-09 kind 5 by
 * the market naming those ids (`e`) and kind 1985 (`k`), so relays stop serving the label.
 */
import type Database from 'better-sqlite3'
import { LABEL_KIND } from '@zapcade/shared/events/ban-label'
import type { GameListing as Listing, GameStatus as Status } from '@zapcade/shared/status'
import { decideGameOverlay } from '../../domain/game-status/game-status.ts'
import type {
  GameOverlayRepo,
  OverlayChange,
  OverlayResult,
  OverlayStatus,
} from '../../ports/game-overlay.ts'
import {
  banLabelFor,
  deletionFor,
  eventIdAs,
  type BanPayload,
  type DeletionPayload,
} from '../nostr/outbox-handlers.ts'
import { enqueueOutbox } from './outbox-repo.ts'
import { hasVerifiedBuildSql } from './verified-build.ts'

export type { OverlayChange, OverlayResult, OverlayStatus }

/** The overlay port on a better-sqlite3 handle. */
export function sqliteGameOverlayRepo(db: Database.Database): GameOverlayRepo {
  return { set: (ch) => setGameOverlay(db, ch) }
}

/** Apply the change; undefined when the game does not exist (or was deleted). */
export function setGameOverlay(
  db: Database.Database,
  ch: OverlayChange,
): OverlayResult | undefined {
  const tx = db.transaction((): OverlayResult | undefined => {
    const g = db
      .prepare(`SELECT g.id, g.status, g.listing, g.featured_rank, g.price_msat,
        ${hasVerifiedBuildSql('g.id')} AS has_build FROM games g JOIN users u ON u.id = g.developer_user_id
      WHERE u.pubkey = ? AND g.slug = ? AND g.deleted_at IS NULL`)
      .get(ch.pubkey, ch.slug) as
      | {
          id: number
          status: Status
          listing: Listing
          featured_rank: number | null
          price_msat: number
          has_build: number
        }
      | undefined
    if (!g) return undefined
    const max = db
      .prepare("SELECT max(featured_rank) AS m FROM games WHERE status = 'FEATURED' AND id <> ?")
      .get(g.id) as { m: number | null }
    // The game-status decider (domain/game-status) rules; this adapter writes and enqueues.
    const d = decideGameOverlay(
      {
        status: g.status,
        listing: g.listing,
        featuredRank: g.featured_rank,
        priceMsat: g.price_msat,
        hasVerifiedBuild: g.has_build === 1,
      },
      { status: ch.status, rank: ch.rank, maxOtherFeaturedRank: max.m },
    )
    const { status, featuredRank: rank } = d
    db.prepare('UPDATE games SET status = ?, featured_rank = ?, updated_at = ? WHERE id = ?').run(
      status,
      rank,
      ch.nowSec,
      g.id,
    )
    const outbox: OverlayResult['outbox'] = []
    if (d.publishFeaturedList) {
      enqueueOutbox(db, {
        type: 'PUBLISH_FEATURED_LIST',
        payload: {},
        idempotencyKey: `featured:${ch.nowSec}:${ch.nonce}`,
        nowSec: ch.nowSec,
      })
      outbox.push('PUBLISH_FEATURED_LIST')
    }
    let banLabelIds: string[] = []
    if (d.publishBanLabel) {
      const id = recordBanLabel(db, ch)
      enqueueOutbox(db, {
        type: 'PUBLISH_BAN_LABEL',
        payload: id.payload,
        idempotencyKey: `ban:${ch.pubkey}:${ch.slug}:${ch.nowSec}:${ch.nonce}`,
        nowSec: ch.nowSec,
      })
      outbox.push('PUBLISH_BAN_LABEL')
      banLabelIds = [id.labelId]
    }
    if (d.retractBanLabels) {
      banLabelIds = retractBanLabels(db, ch)
      if (banLabelIds.length > 0) outbox.push('PUBLISH_DELETION')
    }
    return { status, listing: g.listing, featuredRank: rank, outbox, banLabelIds }
  })
  return tx.immediate()
}

/** Fix the label's created_at and record its id; a label id already used (ban, lift, ban in one second) moves on a second. */
function recordBanLabel(
  db: Database.Database,
  ch: OverlayChange,
): { labelId: string; payload: BanPayload } {
  const used = db.prepare('SELECT 1 FROM ban_labels WHERE label_event_id = ?')
  for (let createdAt = ch.nowSec; ; createdAt++) {
    const payload: BanPayload = {
      pubkey: ch.pubkey,
      slug: ch.slug,
      ...(ch.reason ? { reason: ch.reason } : {}),
      created_at: createdAt,
    }
    const labelId = eventIdAs(banLabelFor(payload, ch.nowSec), ch.marketPubkey)
    if (used.get(labelId)) continue
    db.prepare(
      'INSERT INTO ban_labels (label_event_id, game_pubkey, game_slug, created_at) VALUES (?, ?, ?, ?)',
    ).run(labelId, ch.pubkey, ch.slug, ch.nowSec)
    return { labelId, payload }
  }
}

/**
 * Enqueue one kind 5 naming every live label of the game and mark them retracted; answers their ids.
 * Labels published before migration 006 were not recorded and cannot be named here.
 */
function retractBanLabels(db: Database.Database, ch: OverlayChange): string[] {
  const ids = db
    .prepare(
      'SELECT label_event_id FROM ban_labels WHERE game_pubkey = ? AND game_slug = ? AND retracted_at IS NULL ORDER BY created_at, label_event_id',
    )
    .pluck()
    .all(ch.pubkey, ch.slug) as string[]
  if (ids.length === 0) return []
  const payload: DeletionPayload = {
    event_ids: ids,
    kinds: [LABEL_KIND],
    reason: 'ban lifted',
    created_at: ch.nowSec,
  }
  const deletionId = eventIdAs(deletionFor(payload), ch.marketPubkey)
  enqueueOutbox(db, {
    type: 'PUBLISH_DELETION',
    payload,
    idempotencyKey: `unban:${ch.pubkey}:${ch.slug}:${ch.nowSec}:${ch.nonce}`,
    nowSec: ch.nowSec,
  })
  const mark = db.prepare(
    'UPDATE ban_labels SET retracted_at = ?, deletion_event_id = ? WHERE label_event_id = ? AND retracted_at IS NULL',
  )
  for (const id of ids) mark.run(ch.nowSec, deletionId, id)
  // A label still waiting in the outbox is not sent any more: a relay that already stored the deletion
  // would refuse it on every retry. The deletion goes out anyway (an earlier attempt may have reached a
  // relay that did not answer OK). A pass holding the job right now may still publish it; the kind 5 follows.
  db.prepare(`UPDATE outbox_jobs SET status = 'FAILED', last_error = 'ban lifted before the label was published', updated_at = ?
    WHERE type = 'PUBLISH_BAN_LABEL' AND status = 'PENDING' AND json_extract(payload_json, '$.pubkey') = ? AND json_extract(payload_json, '$.slug') = ?`).run(
    ch.nowSec,
    ch.pubkey,
    ch.slug,
  )
  return ids
}
