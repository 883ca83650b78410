/**
 * The market's overlay on a game (games.status / featured_rank), changed by an admin, with the outbox
 * job that publishes it enqueued in the SAME transaction (the change and its publication never diverge).
 */
import type Database from 'better-sqlite3'
import type { OutboxType } from '../../domain/outbox/outbox.ts'
import { enqueueOutbox } from './outbox-repo.ts'

export type OverlayStatus = 'FEATURED' | 'LISTED' | 'BANNED'
type Status = 'DRAFT' | 'UNLISTED' | 'LISTED' | 'FEATURED' | 'BANNED'
type Listing = 'DRAFT' | 'UNLISTED' | 'LISTED'

export interface OverlayResult {
  status: Status
  listing: Listing
  featuredRank: number | null
  outbox: Extract<OutboxType, 'PUBLISH_FEATURED_LIST' | 'PUBLISH_BAN_LABEL'>[]
}

export interface OverlayChange {
  pubkey: string
  slug: string
  status: OverlayStatus
  rank?: number | undefined
  reason?: string | undefined
  nowSec: number
  /** Makes each change's outbox keys unique (a list re-featured later must be published again). */
  nonce: string
}

/** Apply the change; undefined when the game does not exist (or was deleted). */
export function setGameOverlay(db: Database.Database, ch: OverlayChange): OverlayResult | undefined {
  const tx = db.transaction((): OverlayResult | undefined => {
    const g = db.prepare(`SELECT g.id, g.status, g.listing, g.featured_rank FROM games g JOIN users u ON u.id = g.developer_user_id
      WHERE u.pubkey = ? AND g.slug = ? AND g.deleted_at IS NULL`).get(ch.pubkey, ch.slug) as { id: number; status: Status; listing: Listing; featured_rank: number | null } | undefined
    if (!g) return undefined
    let status: Status
    let rank: number | null = null
    if (ch.status === 'FEATURED') {
      status = 'FEATURED'
      const max = db.prepare("SELECT max(featured_rank) AS m FROM games WHERE status = 'FEATURED' AND id <> ?").get(g.id) as { m: number | null }
      rank = ch.rank ?? (g.status === 'FEATURED' && g.featured_rank !== null ? g.featured_rank : (max.m ?? -1) + 1)
    } else if (ch.status === 'BANNED') {
      status = 'BANNED'
    } else {
      status = g.listing
    }
    db.prepare('UPDATE games SET status = ?, featured_rank = ?, updated_at = ? WHERE id = ?').run(status, rank, ch.nowSec, g.id)
    const outbox: OverlayResult['outbox'] = []
    // The featured list changes when a game enters it, leaves it, or moves within it.
    if (status === 'FEATURED' || g.status === 'FEATURED') {
      enqueueOutbox(db, { type: 'PUBLISH_FEATURED_LIST', payload: {}, idempotencyKey: `featured:${ch.nowSec}:${ch.nonce}`, nowSec: ch.nowSec })
      outbox.push('PUBLISH_FEATURED_LIST')
    }
    if (status === 'BANNED' && g.status !== 'BANNED') {
      const payload = { pubkey: ch.pubkey, slug: ch.slug, ...(ch.reason ? { reason: ch.reason } : {}) }
      enqueueOutbox(db, { type: 'PUBLISH_BAN_LABEL', payload, idempotencyKey: `ban:${ch.pubkey}:${ch.slug}:${ch.nowSec}:${ch.nonce}`, nowSec: ch.nowSec })
      outbox.push('PUBLISH_BAN_LABEL')
    }
    return { status, listing: g.listing, featuredRank: rank, outbox }
  })
  return tx.immediate()
}
