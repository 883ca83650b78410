/**
 * Zaps as real Nostr clients send them (fixtures with their provenance: domain/zap/testing/
 * client-zap-shapes.ts and CLIENT-SHAPES.md), each driven end to end: the client's exact callback query
 * over real HTTP → invoice → paid by the devnet buyer over NWC → settled → receipt published to a real
 * relay → checked: description hash = sha256 of the verified string, receipt tags (NIP-57 Appendix E),
 * entitlement or tip, ledger check clean.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { SimplePool, useWebSocketImplementation } from 'nostr-tools/pool'
import { generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import { nip19 } from 'nostr-tools'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { parseZapReceipt } from '@zapcade/shared/events/zap-receipt'
import { decodeInvoice } from '../adapters/lnurl/decode-invoice.ts'
import { poolRelayPublisher } from '../adapters/nostr/relay-publisher.ts'
import { sqliteLedgerRepo } from '../adapters/sqlite/ledger-repo.ts'
import { sqliteOutboxRepo } from '../adapters/sqlite/outbox-repo.ts'
import { sqlitePurchaseRepo } from '../adapters/sqlite/purchase-repo.ts'
import { checkLedger } from '../domain/ledger/ledger-check.ts'
import { processDueJobs } from '../domain/outbox/outbox.ts'
import { settlePayment } from '../domain/settlement/settle.ts'
import {
  CLIENT_ZAPS,
  type ClientName,
  type ClientZap,
  type ZapTargetEvent,
} from '../domain/zap/testing/client-zap-shapes.ts'
import {
  LNURL_NAME,
  seedGame,
  startZapWorld,
  type ZapWorld,
} from '../domain/zap/testing/zap-world.ts'
import { zapReceiptHandler } from '../domain/zap/zap-receipt-job.ts'

useWebSocketImplementation(WebSocket)

let w: ZapWorld
beforeAll(async () => {
  w = await startZapWorld()
})
afterAll(async () => {
  await w.stop()
})

const PRICE_MSAT = 21_000
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const hex32 = (): string => randomBytes(32).toString('hex')
const nowSec = (): number => Math.floor(Date.now() / 1000)
const devNpub = (): string => nip19.npubEncode(w.developer.pubkey)
/** The test may only reach loopback relays: the public relays clients list are dropped as production drops private ones. */
const loopbackOnly = (host: string): boolean => host === '127.0.0.1'

type PurchaseRow = {
  id: string
  is_tip: number
  status: string
  zap_request: string
  game_id: number | null
  buyer_user_id: number
  fee_bps: number
  recipient_user_id: number | null
}
const purchaseByHash = (hash: string): PurchaseRow =>
  w.db.prepare('SELECT * FROM purchases WHERE invoice_id = ?').get(hash) as PurchaseRow
const ownsGame = (pubkey: string, coordinate: string): boolean => {
  const slug = coordinate.split(':')[2]
  return (
    (
      w.db
        .prepare(`SELECT count(*) AS n FROM entitlements e JOIN users u ON u.id = e.user_id JOIN games g ON g.id = e.game_id
    WHERE u.pubkey = ? AND g.slug = ? AND e.revoked_at IS NULL`)
        .get(pubkey, slug) as { n: number }
    ).n > 0
  )
}

/** A listed paid game with a build, and the signed-event view a client holds of it (its id known to the indexer). */
function game(
  slug: string,
  o: { priceMsat?: number; oldVersionId?: string } = {},
): { coordinate: string; event: ZapTargetEvent } {
  const id = hex32()
  const listing = [id, ...(o.oldVersionId ? [o.oldVersionId] : [])]
  const coordinate = seedGame(w, slug, {
    priceSats: (o.priceMsat ?? PRICE_MSAT) / 1000,
    eventIds: { listing },
  })
  return {
    coordinate,
    event: {
      id,
      pubkey: w.developer.pubkey,
      kind: 32267,
      tags: [
        ['d', slug],
        ['price', String((o.priceMsat ?? PRICE_MSAT) / 1000), 'SAT'],
        ['zap', w.signer.pubkey, '', '1'],
      ],
    },
  }
}

/** GET the callback of `name` with the client's exact query string. */
async function callback(
  name: string,
  query: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${w.config.baseUrl}/lnurlp/${name}/callback?${query}`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Pay from the devnet buyer over NWC, settle as the listener would, publish the receipt; answer the receipt. */
async function payAndPublish(
  pr: string,
  zapperPubkey: string,
): Promise<{ hash: string; receipt: NostrEvent }> {
  const hash = decodeInvoice(pr).paymentHash
  await w.devnet.control.payInvoice('buyer', pr)
  const st = await w.wallet.lookupInvoice(hash)
  expect(st?.state).toBe('SETTLED')
  const out = await settlePayment(
    { repo: sqlitePurchaseRepo(w.db), newId: randomUUID, nowSec, allowRelayHost: loopbackOnly },
    hash,
    { preimage: st!.preimage!, settledAtSec: st!.settledAtSec! },
  )
  expect(out.outcome).toBe('SETTLED')
  const publisher = poolRelayPublisher({ relays: [w.marketRelay.url] })
  try {
    const jobs = await processDueJobs({
      repo: sqliteOutboxRepo(w.db),
      handlers: {
        PUBLISH_ZAP_RECEIPT: zapReceiptHandler({
          purchases: sqlitePurchaseRepo(w.db),
          signer: w.signer,
        }),
      },
      publisher,
      configuredRelays: [w.marketRelay.url],
      nowSec,
      random: () => 0.5,
    })
    expect(jobs.map((j) => j.status)).toEqual(jobs.map(() => 'DONE'))
  } finally {
    await publisher.close()
  }
  const pool = new SimplePool()
  try {
    const found = (await pool.querySync(
      [w.buyerRelay.url],
      { kinds: [9735], '#P': [zapperPubkey] },
      { maxWait: 3000 },
    )) as NostrEvent[]
    const receipt = found.find((r) => r.tags.some((t) => t[0] === 'bolt11' && t[1] === pr))
    expect(receipt, 'the receipt reached the relay the zap request named').toBeDefined()
    return { hash, receipt: receipt! }
  } finally {
    pool.destroy()
  }
}

function ledgerClean(): void {
  expect(checkLedger(sqliteLedgerRepo(w.db).facts())).toMatchObject({ ok: true, violations: [] })
}

interface Case {
  client: ClientName
  /** Which Lightning address the client resolved: the market's (the listing's zap tag) or the developer's (their lud16). */
  address: 'market' | 'developer'
  /** Who the client put in `p`. */
  recipient: 'market' | 'developer'
  entitles: boolean
  /** Resolve the game only by an older version's event id (the client holds a stale copy). */
  staleEvent?: boolean
}

const cases: Case[] = [
  // Damus: no amount, `e` + the author in `p`, literal `+`; ignores zap splits → the developer's lud16.
  { client: 'damus', address: 'developer', recipient: 'developer', entitles: true },
  { client: 'damusAnon', address: 'developer', recipient: 'developer', entitles: false },
  // Amethyst: zap-split aware (p = the market), `+` for spaces, lowercase bech32 lnurl, trailing-slash relays.
  { client: 'amethyst', address: 'market', recipient: 'market', entitles: true },
  // Primal web: nostr-tools tags, every connected relay (24, with duplicates), author in p, developer's lud16.
  { client: 'primal', address: 'developer', recipient: 'developer', entitles: true },
  // noStrudel: split aware, `a` only, a `nostr-idb://` relay, URLSearchParams.
  { client: 'noStrudel', address: 'market', recipient: 'market', entitles: true },
  // NDK: `lnurl` = the callback URL, a five-element `e`, `p` last, URLSearchParams.
  { client: 'ndk', address: 'market', recipient: 'market', entitles: true },
  // nostr-tools makeZapRequest({ event }) on the game with the market's LNURL: the developer in `p`.
  { client: 'nostrTools', address: 'market', recipient: 'developer', entitles: true },
  // The NIP-57 example (encodeURI, uppercase bech32 lnurl), naming an older version of the listing by `e`.
  { client: 'nip57Spec', address: 'market', recipient: 'market', entitles: true, staleEvent: true },
]

describe('zaps from every client buy the game (real HTTP, devnet NWC, real relays)', () => {
  for (const c of cases) {
    it(`${c.client} via the ${c.address}'s address, p = ${c.recipient}: ${c.entitles ? 'entitles the zapper' : 'a tip'}`, async () => {
      const oldVersionId = c.staleEvent ? hex32() : undefined
      const g = game(
        `${c.client.toLowerCase()}-${randomUUID().slice(0, 6)}`,
        oldVersionId ? { oldVersionId } : {},
      )
      const sk = generateSecretKey()
      const target = oldVersionId ? { event: { ...g.event, id: oldVersionId } } : { event: g.event }
      // nip57Spec names the game by `e` only (its builder adds no `a`); keep the comment free of & and # for encodeURI.
      const zap: ClientZap = CLIENT_ZAPS[c.client]({
        sk,
        recipientPubkey: c.recipient === 'market' ? w.signer.pubkey : w.developer.pubkey,
        target,
        amountMsat: PRICE_MSAT,
        relays: [w.buyerRelay.url, 'ws://127.0.0.1:1/'],
        comment: 'gg + thanks, see you in 1.1',
        lnurl:
          'lnurl1dp68gurn8ghj7um9wfmxjcm99e3k7mf0v9cxj0m385ekvcenxc6r2c35xvukxefcv5mkvv34x5ekzd3ev56nyd3hxqurzepexejxxepnxscrvwfnv9nxzcn9xq6xyefhvgcxxcmyxymnserxfq5fns',
        callbackUrl: `${w.config.baseUrl}/lnurlp/${LNURL_NAME}/callback`,
      })
      const name = c.address === 'market' ? LNURL_NAME : devNpub()
      const r = await callback(name, zap.callbackQuery)
      expect(r.body.reason).toBeUndefined()
      expect(r.status).toBe(200)
      const pr = r.body.pr as string
      // The invoice commits to the verified string, byte for byte as the client serialised it.
      expect(decodeInvoice(pr).descriptionHash).toBe(sha256(zap.nostrJson))
      expect(decodeInvoice(pr).amountMsat).toBe(PRICE_MSAT)

      const { hash, receipt } = await payAndPublish(pr, zap.event.pubkey)
      const p = purchaseByHash(hash)
      expect(p).toMatchObject({
        status: 'PAID',
        is_tip: c.entitles ? 0 : 1,
        zap_request: zap.nostrJson,
      })
      expect(ownsGame(zap.event.pubkey, g.coordinate)).toBe(c.entitles)

      // NIP-57 Appendix E: signed by the nostrPubkey, p/P/e/a/k copied, description = the verified string, preimage.
      expect(verifyEvent({ ...receipt })).toBe(true)
      expect(receipt.pubkey).toBe(w.signer.pubkey)
      const parsed = parseZapReceipt(receipt)
      if (!parsed.ok) throw new Error(parsed.reason)
      expect(parsed.value.description).toBe(zap.nostrJson)
      expect(parsed.value.recipientPubkey).toBe(zap.event.tags.find((t) => t[0] === 'p')![1])
      expect(parsed.value.senderPubkey).toBe(zap.event.pubkey)
      for (const name of ['e', 'a', 'k'] as const) {
        expect(receipt.tags.find((t) => t[0] === name)?.[1], `receipt ${name}`).toBe(
          zap.event.tags.find((t) => t[0] === name)?.[1],
        )
      }
      expect(
        createHash('sha256').update(Buffer.from(parsed.value.preimage!, 'hex')).digest('hex'),
      ).toBe(hash)
      ledgerClean()
    })
  }

  it('the receipt goes to the cleaned relay list: normalised, deduped, non-ws and unreachable hosts dropped, and the market relay', async () => {
    const g = game(`relays-${randomUUID().slice(0, 6)}`)
    const zap = CLIENT_ZAPS.noStrudel({
      sk: generateSecretKey(),
      recipientPubkey: w.signer.pubkey,
      target: { event: g.event },
      amountMsat: PRICE_MSAT,
      relays: [
        `${w.buyerRelay.url}/`,
        w.buyerRelay.url.toUpperCase().replace('WS://', 'ws://'),
        'wss://relay.example.com',
      ],
      comment: '',
      lnurl: '',
    })
    const r = await callback(LNURL_NAME, zap.callbackQuery)
    expect(r.status).toBe(200)
    const hash = decodeInvoice(r.body.pr as string).paymentHash
    await w.devnet.control.payInvoice('buyer', r.body.pr as string)
    const st = await w.wallet.lookupInvoice(hash)
    await settlePayment(
      { repo: sqlitePurchaseRepo(w.db), newId: randomUUID, nowSec, allowRelayHost: loopbackOnly },
      hash,
      { preimage: st!.preimage!, settledAtSec: st!.settledAtSec! },
    )
    const job = w.db
      .prepare(`SELECT relays_json FROM outbox_jobs WHERE payload_json = ?`)
      .get(JSON.stringify({ purchase_id: purchaseByHash(hash).id })) as { relays_json: string }
    expect(JSON.parse(job.relays_json)).toEqual([w.buyerRelay.url])
  })
})

describe('zap-to-own adds up; tips entitle nobody', () => {
  async function zapOnce(
    sk: Uint8Array,
    coordinate: string,
    event: ZapTargetEvent,
    amountMsat: number,
  ): Promise<string> {
    const zap = CLIENT_ZAPS.amethyst({
      sk,
      recipientPubkey: w.signer.pubkey,
      target: { event },
      amountMsat,
      relays: [w.buyerRelay.url],
      comment: 'part',
      lnurl: '',
    })
    const r = await callback(LNURL_NAME, zap.callbackQuery)
    expect(r.status).toBe(200)
    await payAndPublish(r.body.pr as string, zap.event.pubkey)
    return coordinate
  }

  it('two half-price zaps from one key entitle (one entitlement; the ledger shows each zap); a third grants nothing more', async () => {
    const g = game(`halves-${randomUUID().slice(0, 6)}`)
    const sk = generateSecretKey(),
      pk = getPublicKey(sk)
    await zapOnce(sk, g.coordinate, g.event, PRICE_MSAT / 2)
    expect(ownsGame(pk, g.coordinate)).toBe(false)
    await zapOnce(sk, g.coordinate, g.event, PRICE_MSAT / 2)
    expect(ownsGame(pk, g.coordinate)).toBe(true)
    await zapOnce(sk, g.coordinate, g.event, PRICE_MSAT / 2)
    const rows = w.db
      .prepare(`SELECT count(DISTINCT p.id) AS zaps, (SELECT count(*) FROM entitlements e WHERE e.purchase_id IN
      (SELECT z.id FROM purchases z JOIN users zu ON zu.id = z.buyer_user_id WHERE zu.pubkey = ?)) AS ents
      FROM purchases p JOIN users u ON u.id = p.buyer_user_id JOIN ledger_entries l ON l.purchase_id = p.id AND l.type = 'INVOICE_PAID'
      WHERE u.pubkey = ?`)
      .get(pk, pk)
    expect(rows).toEqual({ zaps: 3, ents: 1 })
    ledgerClean()
  })

  it('a 1-sat zap to a paid game entitles nobody; half-price zaps from two keys do not add up', async () => {
    const g = game(`tiny-${randomUUID().slice(0, 6)}`)
    const a = generateSecretKey(),
      b = generateSecretKey()
    await zapOnce(a, g.coordinate, g.event, 1_000)
    await zapOnce(a, g.coordinate, g.event, PRICE_MSAT / 2)
    await zapOnce(b, g.coordinate, g.event, PRICE_MSAT / 2)
    expect(ownsGame(getPublicKey(a), g.coordinate)).toBe(false)
    expect(ownsGame(getPublicKey(b), g.coordinate)).toBe(false)
    ledgerClean()
  })

  it('a zap to a free game is a tip for its developer, at the tip fee', async () => {
    const g = game(`free-${randomUUID().slice(0, 6)}`, { priceMsat: 0 })
    const zap = CLIENT_ZAPS.damus({
      sk: generateSecretKey(),
      recipientPubkey: w.developer.pubkey,
      target: { event: g.event },
      amountMsat: 5_000,
      relays: [w.buyerRelay.url],
      comment: 'thanks',
      lnurl: '',
    })
    const r = await callback(devNpub(), zap.callbackQuery)
    expect(r.status).toBe(200)
    const { hash } = await payAndPublish(r.body.pr as string, zap.event.pubkey)
    expect(purchaseByHash(hash)).toMatchObject({ is_tip: 1, fee_bps: 0 })
    ledgerClean()
  })
})

describe("every developer's market-hosted Lightning address", () => {
  it('answers <npub>@host with allowsNostr and the market key, for a developer the market has never seen', async () => {
    const sk = generateSecretKey(),
      pk = getPublicKey(sk)
    const npub = nip19.npubEncode(pk)
    const res = await fetch(`${w.config.baseUrl}/.well-known/lnurlp/${npub}`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      tag: 'payRequest',
      allowsNostr: true,
      nostrPubkey: w.signer.pubkey,
      callback: `${w.config.baseUrl}/lnurlp/${npub}/callback`,
    })
    expect(JSON.parse(body.metadata as string)).toContainEqual([
      'text/identifier',
      `${npub}@${w.config.host}`,
    ])

    // A profile zap (Damus, no target): a tip for them, booked to a developer row made on the way, paid out later.
    const zap = CLIENT_ZAPS.damus({
      sk: generateSecretKey(),
      recipientPubkey: pk,
      target: undefined,
      amountMsat: 3_000,
      relays: [w.buyerRelay.url],
      comment: '',
      lnurl: '',
    })
    const r = await callback(npub, zap.callbackQuery)
    expect(r.status).toBe(200)
    const { hash } = await payAndPublish(r.body.pr as string, zap.event.pubkey)
    const p = purchaseByHash(hash)
    expect(p).toMatchObject({ is_tip: 1, game_id: null, fee_bps: 0 })
    const devId = (w.db.prepare('SELECT id FROM users WHERE pubkey = ?').get(pk) as { id: number })
      .id
    expect(p.recipient_user_id).toBe(devId)
    expect(
      w.db
        .prepare(
          `SELECT type, amount_msat, developer_user_id FROM ledger_entries WHERE purchase_id = ? AND type <> 'INVOICE_CREATED' ORDER BY id`,
        )
        .all(p.id),
    ).toEqual([
      { type: 'INVOICE_PAID', amount_msat: 3_000, developer_user_id: null },
      { type: 'PLATFORM_FEE', amount_msat: 0, developer_user_id: null },
      { type: 'DEVELOPER_NET', amount_msat: 3_000, developer_user_id: devId },
    ])
    expect(
      w.db
        .prepare(
          'SELECT amount_msat, status, destination_ln_address FROM payouts WHERE purchase_id = ?',
        )
        .get(p.id),
    ).toEqual({ amount_msat: 3_000, status: 'SCHEDULED', destination_ln_address: null })
    ledgerClean()
  })

  it('answers a claimed short name (case-insensitive) and refuses unknown names and malformed npubs', async () => {
    w.db
      .prepare('INSERT INTO ln_names (name, user_id, created_at, updated_at) VALUES (?, ?, 1, 1)')
      .run('lantern-dev', w.developer.userId)
    const ok = await fetch(`${w.config.baseUrl}/.well-known/lnurlp/Lantern-Dev`)
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { callback: string }).callback).toBe(
      `${w.config.baseUrl}/lnurlp/lantern-dev/callback`,
    )
    for (const bad of [
      'nobody-here',
      'npub1qqqq',
      devNpub().slice(0, -1) + (devNpub().endsWith('q') ? 'p' : 'q'),
    ]) {
      const res = await fetch(`${w.config.baseUrl}/.well-known/lnurlp/${bad}`)
      expect(res.status, bad).toBe(404)
    }
  })

  const refusals: {
    name: string
    address: () => string
    build: () => ClientZap
    code: string
    reason: RegExp
  }[] = [
    {
      name: "a zap on a developer's address whose p is someone else",
      address: devNpub,
      code: 'INVALID_EVENT',
      reason: /^p: must be the pubkey of this Lightning address's owner/,
      build: () =>
        CLIENT_ZAPS.damus({
          sk: generateSecretKey(),
          recipientPubkey: getPublicKey(generateSecretKey()),
          target: undefined,
          amountMsat: 2_000,
          relays: [],
          comment: '',
          lnurl: '',
        }),
    },
    {
      name: "a zap on a developer's address naming another developer's game",
      address: () => nip19.npubEncode(getPublicKey(generateSecretKey())),
      code: 'INVALID_EVENT',
      reason: /^p: must be the pubkey/,
      build: () =>
        CLIENT_ZAPS.damus({
          sk: generateSecretKey(),
          recipientPubkey: w.developer.pubkey,
          target: { event: game(`other-${randomUUID().slice(0, 6)}`).event },
          amountMsat: 2_000,
          relays: [],
          comment: '',
          lnurl: '',
        }),
    },
    {
      name: 'a zap on the market whose p is neither the market nor the game developer',
      address: () => LNURL_NAME,
      code: 'INVALID_EVENT',
      reason: /^p: must be the market pubkey or the zapped game's developer/,
      build: () =>
        CLIENT_ZAPS.amethyst({
          sk: generateSecretKey(),
          recipientPubkey: getPublicKey(generateSecretKey()),
          target: { event: game(`p-${randomUUID().slice(0, 6)}`).event },
          amountMsat: 2_000,
          relays: [],
          comment: '',
          lnurl: '',
        }),
    },
    {
      name: 'a zap whose e and a name different games',
      address: () => LNURL_NAME,
      code: 'INVALID_EVENT',
      reason: /^e: names a different game than a/,
      build: () => {
        const one = game(`one-${randomUUID().slice(0, 6)}`),
          two = game(`two-${randomUUID().slice(0, 6)}`)
        // Amethyst's shape: `e` from one listing, `a` from the other.
        return CLIENT_ZAPS.amethyst({
          sk: generateSecretKey(),
          recipientPubkey: w.signer.pubkey,
          target: { event: { ...two.event, id: one.event.id } },
          amountMsat: 2_000,
          relays: [],
          comment: '',
          lnurl: '',
        })
      },
    },
  ]
  for (const c of refusals) {
    it(`refuses ${c.name}, recording nothing`, async () => {
      const before = (w.db.prepare('SELECT count(*) AS n FROM purchases').get() as { n: number }).n
      const zap = c.build()
      const r = await callback(c.address(), zap.callbackQuery)
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ status: 'ERROR', code: c.code })
      expect(r.body.reason).toMatch(c.reason)
      expect((w.db.prepare('SELECT count(*) AS n FROM purchases').get() as { n: number }).n).toBe(
        before,
      )
    })
  }
})
