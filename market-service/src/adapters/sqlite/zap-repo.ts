/**
 * SQLite storage of the zap server: the purchases port (games, PENDING purchase + INVOICE_CREATED), the
 * lookup that makes a retried callback idempotent (the same zap request and amount get the same invoice
 * while it is still payable; only PENDING rows are scanned, partial index purchases_pending), the
 * listing of an event id (raw_events: the indexer keeps every version of a listing, its releases and
 * assets, so a zap naming an older version still resolves) and the developers' short address names.
 */
import type Database from 'better-sqlite3'
import { parseCoordinate } from '@zapcade/shared/ids'
import { Kind } from '@zapcade/shared/kinds'
import type { ZapRepo, ZapTargetRef } from '../../domain/zap/zap-callback.ts'
import { sqliteLnNameRepo } from './ln-name-repo.ts'
import { sqlitePurchaseRepo } from './purchase-repo.ts'

type RawRow = { kind: number; pubkey: string; d_tag: string | null; tags_json: string }

/** The listing a stored event belongs to: a 32267 by its `d`; a release or asset by its `a`, `i` or `d` prefix. */
export function listingOf(r: RawRow): ZapTargetRef | undefined {
  if (r.kind === Kind.Game) return r.d_tag ? { pubkey: r.pubkey, slug: r.d_tag } : undefined
  if (r.kind !== Kind.Release && r.kind !== Kind.BuildAsset && r.kind !== Kind.FileMetadata)
    return undefined
  let tags: unknown
  try {
    tags = JSON.parse(r.tags_json)
  } catch {
    return undefined
  }
  const first = (name: string): string | undefined => {
    if (!Array.isArray(tags)) return undefined
    const t = tags.find(
      (x): x is string[] => Array.isArray(x) && x[0] === name && typeof x[1] === 'string',
    )
    return t?.[1]
  }
  const a = first('a')
  const c = a !== undefined ? parseCoordinate(a) : undefined
  if (c && c.kind === Kind.Game && c.pubkey === r.pubkey) return { pubkey: r.pubkey, slug: c.d }
  const slug = first('i') ?? (r.kind === Kind.Release ? r.d_tag?.split('@')[0] : undefined)
  return slug ? { pubkey: r.pubkey, slug } : undefined
}

/** The listing a stored event id names (any version, release or asset the indexer kept), or undefined. */
export function sqliteListingOfEvent(
  db: Database.Database,
): (eventId: string) => ZapTargetRef | undefined {
  const raw = db.prepare<[string], RawRow>(
    'SELECT kind, pubkey, d_tag, tags_json FROM raw_events WHERE id = ?',
  )
  return (eventId) => {
    const r = raw.get(eventId)
    return r && listingOf(r)
  }
}

/** The zap server's repo on a better-sqlite3 handle (migrations applied). */
export function sqliteZapRepo(db: Database.Database): ZapRepo {
  const purchases = sqlitePurchaseRepo(db)
  const pending = db.prepare<
    [number, string, number],
    { id: string; bolt11: string; is_tip: number }
  >(
    `SELECT id, bolt11, is_tip FROM purchases WHERE status = 'PENDING' AND expires_at > ? AND kind = 'ZAP' AND zap_request = ? AND amount_msat = ?
     ORDER BY created_at DESC LIMIT 1`,
  )
  const names = sqliteLnNameRepo(db)
  return {
    findGame: (pubkey, slug) => purchases.findGame(pubkey, slug),
    createPending: (p, idem, key) => purchases.createPending(p, idem, key),
    pendingZap(zapRequest, amountMsat, payableAfterSec) {
      const r = pending.get(payableAfterSec, zapRequest, amountMsat)
      return r && { purchaseId: r.id, bolt11: r.bolt11, isTip: r.is_tip === 1 }
    },
    gameOfEvent: sqliteListingOfEvent(db),
    lnNameOwner: (n) => names.ownerOf(n),
  }
}
