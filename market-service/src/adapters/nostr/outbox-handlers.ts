/**
 * The built-in outbox handlers: each turns a job payload into the signed event to publish. The
 * featured list is read from the database when the job runs, so the newest order always goes out.
 * Ban labels and deletions carry their created_at in the payload, so a retry re-signs the SAME event id
 * (relays dedupe it) and the admin repo can record the id when it enqueues the job.
 * Other features add theirs (PUBLISH_ZAP_RECEIPT) by passing more handlers to startService.
 */
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { getEventHash } from 'nostr-tools/pure'
import { buildBanLabel } from '@zapcade/shared/events/ban-label'
import { buildDeletion } from '@zapcade/shared/events/deletion'
import { parseEventShape } from '@zapcade/shared/events/event'
import type { NostrEvent, UnsignedEvent } from '@zapcade/shared/events/event'
import { buildFeaturedList } from '@zapcade/shared/events/featured-list'
import type { Pubkey } from '@zapcade/shared/ids'
import { Kind } from '@zapcade/shared/kinds'
import type { OutboxHandlers } from '../../domain/outbox/outbox.ts'
import type { MarketSigner } from '../../ports/market-signer.ts'

export const ProfilePayload = z
  .object({
    name: z.string(),
    about: z.string().optional(),
    picture: z.string().optional(),
    lud16: z.string(),
    nip05: z.string(),
  })
  .strict()
export type ProfilePayload = z.infer<typeof ProfilePayload>

/** `created_at` fixes the label's id before it is signed (absent in jobs enqueued before migration 006). */
export const BanPayload = z.object({
  pubkey: z.string(),
  slug: z.string(),
  reason: z.string().optional(),
  created_at: z.number().int().nonnegative().optional(),
})
export type BanPayload = z.infer<typeof BanPayload>

/** A NIP-09 deletion by the market of its own events (a lifted ban's labels); `created_at` fixes the id. */
export const DeletionPayload = z
  .object({
    event_ids: z.array(z.string().regex(/^[0-9a-f]{64}$/)).min(1),
    kinds: z.array(z.number().int().min(0).max(65535)),
    reason: z.string().optional(),
    created_at: z.number().int().nonnegative(),
  })
  .strict()
export type DeletionPayload = z.infer<typeof DeletionPayload>

/** The unsigned ban label of a job: every attempt signs the same event, so the label's id is known up front. */
export function banLabelFor(b: BanPayload, nowSec: number): UnsignedEvent {
  return buildBanLabel({
    game: { pubkey: b.pubkey as Pubkey, slug: b.slug },
    ...(b.reason ? { reason: b.reason } : {}),
    createdAtSec: b.created_at ?? nowSec,
  })
}

/** The unsigned kind 5 of a PUBLISH_DELETION job (`e` per id, `k` per kind, NIP-09). */
export function deletionFor(d: DeletionPayload): UnsignedEvent {
  return buildDeletion({
    eventIds: d.event_ids,
    kinds: d.kinds,
    reason: d.reason,
    createdAtSec: d.created_at,
  })
}

/** The NIP-01 id `ev` gets when `pubkey` signs it (the id does not depend on the signature). */
export function eventIdAs(ev: UnsignedEvent, pubkey: string): string {
  return getEventHash({ ...ev, pubkey })
}

/** Featured games in rank order, as the admin set them. */
export function featuredGames(db: Database.Database): { pubkey: Pubkey; slug: string }[] {
  return db
    .prepare(`SELECT u.pubkey, g.slug FROM games g JOIN users u ON u.id = g.developer_user_id
    WHERE g.status = 'FEATURED' ORDER BY g.featured_rank, g.id`)
    .all() as { pubkey: Pubkey; slug: string }[]
}

export function builtinOutboxHandlers(d: {
  db: Database.Database
  signer: MarketSigner
  nowSec: () => number
}): OutboxHandlers {
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
      return d.signer.sign({
        kind: Kind.Profile,
        created_at: after('profile'),
        tags: [],
        content: JSON.stringify(content),
      })
    },
    async PUBLISH_FEATURED_LIST() {
      return d.signer.sign(
        buildFeaturedList({
          games: featuredGames(d.db),
          title: 'Featured games',
          createdAtSec: after('featured'),
        }),
      )
    },
    async PUBLISH_BAN_LABEL(payload) {
      return d.signer.sign(banLabelFor(BanPayload.parse(payload), d.nowSec()))
    },
    async PUBLISH_DELETION(payload) {
      return d.signer.sign(deletionFor(DeletionPayload.parse(payload)))
    },
  }
}
