/**
 * Test world of the zap suites: two real relays (the market's and a buyer's), devnet on the market relay,
 * a migrated SQLite file with games seeded as the indexer writes them, the market key, and the LNURL
 * routes served over real HTTP on 127.0.0.1 with the market's NWC wallet.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { bytesToHex } from 'nostr-tools/utils'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { buildZapRequest, type ZapRequestInput } from '@zapcade/shared/events/zap-request'
import { satsToMsat } from '@zapcade/shared/money'
import { keySigner } from '../../../adapters/nostr/market-key.ts'
import { NwcWallet } from '../../../adapters/nwc/nwc-wallet.ts'
import { sqliteZapRepo } from '../../../adapters/sqlite/zap-repo.ts'
import { freshDb } from '../../../adapters/sqlite/testing/blob-seed.ts'
import type { MarketSigner } from '../../../ports/market-signer.ts'
import { serveApp, withProblems, type Served } from '../../../ports/testing/serve.ts'
import { lnurlCallbackPath, lnurlRoutes } from '../../../routes/lnurl.ts'
import type { ZapServerConfig } from '../zap-callback.ts'

export const LNURL_NAME = 'zaps'

export interface ZapWorld {
  dir: string
  db: Database.Database
  marketRelay: MarketRelay
  buyerRelay: MarketRelay
  devnet: Devnet
  wallet: NwcWallet
  signer: MarketSigner
  served: Served
  config: ZapServerConfig
  developer: { userId: number; pubkey: string }
  stop(): Promise<void>
}

export async function startZapWorld(): Promise<ZapWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-zap-'))
  const marketRelay = await startMarketRelay({ port: 0 })
  const buyerRelay = await startMarketRelay({ port: 0 })
  const devnet = await startDevnet({
    relayUrl: marketRelay.url,
    dataDir: join(dir, 'devnet'),
    writeJson: false,
  })
  const db = freshDb(join(dir, 'market.db'))
  const wallet = new NwcWallet({ url: devnet.marketNwcUrl })
  const signer = keySigner(bytesToHex(generateSecretKey()))
  const devPubkey = getPublicKey(generateSecretKey())
  const devUserId = Number(
    db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, ?)').run(devPubkey, 1)
      .lastInsertRowid,
  )
  const holder: { config?: ZapServerConfig } = {}
  const served = await serveApp((url) => {
    const host = new URL(url).host
    const config: ZapServerConfig = {
      name: LNURL_NAME,
      host,
      baseUrl: url,
      callbackUrl: `${url}${lnurlCallbackPath(LNURL_NAME)}`,
      zapperPubkey: signer.pubkey,
      marketPubkey: signer.pubkey,
      minSendableMsat: satsToMsat(1),
      maxSendableMsat: satsToMsat(1_000_000),
      commentAllowed: 280,
      feeBps: 500,
      invoiceExpirySec: 600,
      invoiceProvider: 'nwc',
    }
    holder.config = config
    return withProblems(
      lnurlRoutes({
        config,
        repo: sqliteZapRepo(db),
        wallet,
        nowSec: () => Math.floor(Date.now() / 1000),
        newId: randomUUID,
      }),
    )
  })
  return {
    dir,
    db,
    marketRelay,
    buyerRelay,
    devnet,
    wallet,
    signer,
    served,
    config: holder.config!,
    developer: { userId: devUserId, pubkey: devPubkey },
    async stop() {
      await served.close()
      await wallet.close()
      await devnet.stop()
      db.close()
      await buyerRelay.stop()
      await marketRelay.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export interface SeedGameOptions {
  priceSats?: number
  status?: string
  zapPubkey?: string | null
  deleted?: boolean
  /** Without a verified build a paid game is "coming soon" and not for sale (default: with one). */
  build?: boolean
  /** Ids the indexer saw for this listing (raw_events): the current 32267, older versions, a release. */
  eventIds?: { listing?: string[]; release?: string[] }
  /** Whose game (default the world's developer). */
  developer?: { userId: number; pubkey: string }
}

/** A game row as the indexer writes it (with a release and its verified build); answers its coordinate. */
export function seedGame(w: ZapWorld, slug: string, o: SeedGameOptions = {}): string {
  const status = o.status ?? 'LISTED'
  const listing = ['DRAFT', 'UNLISTED', 'LISTED'].includes(status) ? status : 'LISTED'
  const dev = o.developer ?? w.developer
  const listingIds = o.eventIds?.listing ?? []
  const gameId = Number(
    w.db
      .prepare(`INSERT INTO games (developer_user_id, slug, title, status, listing, price_msat, zap_pubkey, event_id,
    event_created_at, deleted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, 1)`)
      .run(
        dev.userId,
        slug,
        slug,
        status,
        listing,
        satsToMsat(o.priceSats ?? 10),
        o.zapPubkey === undefined ? w.signer.pubkey : o.zapPubkey,
        listingIds[0] ?? 'e'.repeat(64),
        o.deleted ? 2 : null,
      ).lastInsertRowid,
  )
  const raw =
    w.db.prepare(`INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at)
    VALUES (?, ?, ?, 1, ?, '', ?, ?, ?, 1)`)
  listingIds.forEach((id, i) =>
    raw.run(
      id,
      dev.pubkey,
      32267,
      JSON.stringify([['d', slug]]),
      '0'.repeat(128),
      slug,
      i === 0 ? 'ACCEPTED' : 'SUPERSEDED',
    ),
  )
  for (const id of o.eventIds?.release ?? [])
    raw.run(
      id,
      dev.pubkey,
      30063,
      JSON.stringify([
        ['d', `${slug}@1.0.0`],
        ['i', slug],
      ]),
      '0'.repeat(128),
      `${slug}@1.0.0`,
      'ACCEPTED',
    )
  if (o.build !== false) {
    const releaseId = Number(
      w.db
        .prepare(`INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at)
      VALUES (?, '1.0.0', 1, ?, ?, 1, 1)`)
        .run(gameId, 'a'.repeat(64), 'b'.repeat(64)).lastInsertRowid,
    )
    w.db
      .prepare(`INSERT INTO build_assets (release_id, event_id, object_key, sha256, size_bytes, content_type, created_at)
      VALUES (?, ?, ?, ?, 1, 'application/zip', 1)`)
      .run(releaseId, 'a'.repeat(64), `builds/${slug}.zip`, 'c'.repeat(64))
  }
  return `32267:${dev.pubkey}:${slug}`
}

/** A buyer key. */
export function newBuyer(): { sk: Uint8Array; pubkey: string } {
  const sk = generateSecretKey()
  return { sk, pubkey: getPublicKey(sk) }
}

/** A signed zap request to the market, with tags adjustable after building. */
export function signedZapRequest(
  w: ZapWorld,
  sk: Uint8Array,
  z: Partial<ZapRequestInput> & { amountMsat: number },
  edit?: (tags: string[][]) => string[][],
  kind?: number,
): NostrEvent {
  const unsigned = buildZapRequest({
    recipientPubkey: w.signer.pubkey,
    relays: [w.buyerRelay.url],
    createdAtSec: Math.floor(Date.now() / 1000),
    targetKind: 32267,
    ...z,
  })
  const tags = edit ? edit(unsigned.tags) : unsigned.tags
  return finalizeEvent(
    {
      kind: kind ?? unsigned.kind,
      created_at: unsigned.created_at,
      tags,
      content: unsigned.content,
    },
    sk,
  ) as NostrEvent
}

/** GET the callback with `nostr` given as this exact string. */
export async function callback(
  w: ZapWorld,
  amountMsat: number | string,
  nostr: string | undefined,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const q = `amount=${amountMsat}${nostr === undefined ? '' : `&nostr=${encodeURIComponent(nostr)}`}`
  const res = await fetch(`${w.config.callbackUrl}?${q}`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
