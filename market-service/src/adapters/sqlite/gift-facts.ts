/** What a gift's direct message says, read when its outbox job runs (purchases, users, games). */
import type Database from 'better-sqlite3'
import type { GiftFacts } from '../nostr/gift-dm.ts'

/** The facts of a gift purchase by id (undefined when it is not a paid gift). */
export function sqliteGiftFacts(
  db: Database.Database,
): (purchaseId: string) => GiftFacts | undefined {
  const q = db.prepare<
    [string],
    {
      recipient: string
      buyer: string | null
      dev: string
      slug: string
      title: string
      message: string | null
    }
  >(
    `SELECT gu.pubkey AS recipient, bu.pubkey AS buyer, du.pubkey AS dev, g.slug, g.title, p.gift_message AS message
     FROM purchases p JOIN users gu ON gu.id = p.gift_to_user_id JOIN games g ON g.id = p.game_id
     JOIN users du ON du.id = g.developer_user_id LEFT JOIN users bu ON bu.id = p.buyer_user_id
     WHERE p.id = ? AND p.status IN ('PAID', 'REFUNDED')`,
  )
  return (id) => {
    const r = q.get(id)
    return (
      r && {
        recipientPubkey: r.recipient,
        buyerPubkey: r.buyer,
        game: { pubkey: r.dev, slug: r.slug, title: r.title },
        message: r.message,
      }
    )
  }
}
