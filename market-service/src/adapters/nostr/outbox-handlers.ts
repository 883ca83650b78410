/**
 * The built-in outbox handlers: each turns a job payload into the signed event to publish. The
 * featured list is read from the database when the job runs, so the newest order always goes out.
 * Other features add theirs (PUBLISH_ZAP_RECEIPT) by passing more handlers to startService.
 */
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { buildBanLabel } from '@zapcade/shared/events/ban-label'
import { parseEventShape } from '@zapcade/shared/events/event'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { buildFeaturedList } from '@zapcade/shared/events/featured-list'
import type { Pubkey } from '@zapcade/shared/ids'
import { Kind } from '@zapcade/shared/kinds'
import type { OutboxHandlers } from '../../domain/outbox/outbox.ts'
import type { MarketSigner } from '../../ports/market-signer.ts'

export const ProfilePayload = z.object({
  name: z.string(),
  about: z.string().optional(),
  picture: z.string().optional(),
  lud16: z.string(),
  nip05: z.string(),
}).strict()
export type ProfilePayload = z.infer<typeof ProfilePayload>

export const BanPayload = z.object({ pubkey: z.string(), slug: z.string(), reason: z.string().optional() })
export type BanPayload = z.infer<typeof BanPayload>

/** Featured games in rank order, as the admin set them. */
export function featuredGames(db: Database.Database): { pubkey: Pubkey; slug: string }[] {
  return db.prepare(`SELECT u.pubkey, g.slug FROM games g JOIN users u ON u.id = g.developer_user_id
    WHERE g.status = 'FEATURED' ORDER BY g.featured_rank, g.id`).all() as { pubkey: Pubkey; slug: string }[]
}

export function builtinOutboxHandlers(d: { db: Database.Database; signer: MarketSigner; nowSec: () => number }): OutboxHandlers {
  // Replaceable events: two versions in the same second would tie, and the relay keeps the lowest id
  // (NIP-01), possibly the older list. Each new version gets a strictly later created_at.
  const last = { featured: 0, profile: 0 }
  const after = (k: keyof typeof last): number => (last[k] = Math.max(d.nowSec(), last[k] + 1))
  return {
    async PUBLISH_EVENT(payload): Promise<NostrEvent> {
      const ev = parseEventShape(payload)
      if (!ev.ok) throw new Error(ev.reason)
      return ev.value
    },
    async PUBLISH_PROFILE(payload) {
      const p = ProfilePayload.parse(payload)
      const content: Record<string, string> = { name: p.name, lud16: p.lud16, nip05: p.nip05 }
      if (p.about) content.about = p.about
      if (p.picture) content.picture = p.picture
      return d.signer.sign({ kind: Kind.Profile, created_at: after('profile'), tags: [], content: JSON.stringify(content) })
    },
    async PUBLISH_FEATURED_LIST() {
      return d.signer.sign(buildFeaturedList({ games: featuredGames(d.db), title: 'Featured games', createdAtSec: after('featured') }))
    },
    async PUBLISH_BAN_LABEL(payload) {
      const b = BanPayload.parse(payload)
      return d.signer.sign(buildBanLabel({ game: { pubkey: b.pubkey as Pubkey, slug: b.slug }, ...(b.reason ? { reason: b.reason } : {}), createdAtSec: d.nowSec() }))
    },
  }
}
