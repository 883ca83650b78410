/**
 * The SEND_GIFT_DM outbox handler: tells a gift's recipient, by a NIP-17 direct message from the
 * market key, which game they were given and where to get it. The job's payload names only the
 * purchase; the text is read when the job runs. Each attempt wraps anew (NIP-59 wraps use a one-time
 * key and a randomised time), so a retry after a partial publish can deliver the message twice.
 */
import { z } from 'zod'
import { toNpub } from '@zapcade/shared/ids'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { OutboxHandler } from '../../domain/outbox/outbox.ts'
import type { MarketSigner } from '../../ports/market-signer.ts'

export interface GiftFacts {
  recipientPubkey: string
  buyerPubkey: string | null
  game: { pubkey: string; slug: string; title: string }
  message: string | null
}

export const GiftDmPayload = z.object({ purchase_id: z.string().min(1) }).strict()

/** The message text of a gift (plain text, as NIP-17 kind 14 content). */
export function giftDmText(f: GiftFacts, publicUrl: string): string {
  const from = f.buyerPubkey ? `nostr:${toNpub(f.buyerPubkey)}` : 'Someone'
  const lines = [
    `${from} gave you "${f.game.title}" on Zapcade.`,
    ...(f.message ? ['', f.message] : []),
    '',
    `It is in your library: ${publicUrl}/library (sign in with this key).`,
    `Game page: ${publicUrl}/game/${f.game.pubkey}/${encodeURIComponent(f.game.slug)}`,
  ]
  return lines.join('\n')
}

export function giftDmHandler(o: {
  signer: MarketSigner
  facts: (purchaseId: string) => GiftFacts | undefined
  publicUrl: string
}): OutboxHandler {
  return async (payload: unknown): Promise<NostrEvent> => {
    const { purchase_id } = GiftDmPayload.parse(payload)
    const f = o.facts(purchase_id)
    if (!f) throw new Error(`purchase ${purchase_id} is not a paid gift`)
    if (!o.signer.giftWrapDm) throw new Error('the market signer cannot encrypt direct messages')
    return o.signer.giftWrapDm(f.recipientPubkey, giftDmText(f, o.publicUrl))
  }
}
