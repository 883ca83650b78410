/**
 * The all-in-one launcher end to end: a fresh data directory gets the demo catalog through the real
 * relay and indexer, a guest buys a paid demo game with the devnet buyer wallet, downloads the exact
 * build, the developer is paid out over LNURL, the ledger check is clean, and a restart keeps it all.
 * The relay and the indexer run in worker threads (the default) or child processes: an event published
 * to the relay reaches the catalog through them, and they end with the launcher's stop.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AbstractRelay } from 'nostr-tools/abstract-relay'
import { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import { threadId } from 'node:worker_threads'
import WebSocket from 'ws'
import { buildGame } from '@zapcade/shared/events/game'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_GAMES } from './demo-catalog.ts'
import { demoZip } from './demo-builds.ts'
import { signedFetch } from './signed-fetch.ts'
import { startMarket, type RunningMarket } from './start-market.ts'

const adminSecret = generateSecretKey()
const admin = { secretKey: adminSecret, pubkey: getPublicKey(adminSecret) }
const dataDir = mkdtempSync(join(tmpdir(), 'zapcade-launcher-'))
const env = { ZAPCADE_ADMIN_PUBKEYS: admin.pubkey }
const quiet = pino({ level: 'silent' })
let market: RunningMarket

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res
  const body = await r.text()
  if (!r.ok) throw new Error(`HTTP ${r.status}: ${body}`)
  return JSON.parse(body) as T
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Publish a free game signed by a fresh key to `relayUrl`; answers its API path. */
async function publishFreeGame(relayUrl: string, slug: string): Promise<string> {
  const sk = generateSecretKey()
  const ev = finalizeEvent(
    buildGame({
      slug,
      title: `Flood test ${slug}`,
      description: 'A test game.',
      createdAtSec: Math.floor(Date.now() / 1000),
    }),
    sk,
  )
  const relay = await AbstractRelay.connect(relayUrl, {
    verifyEvent,
    websocketImplementation: WebSocket as never,
  })
  try {
    await relay.publish(ev)
  } finally {
    relay.close()
  }
  return `/api/v1/games/${getPublicKey(sk)}/${slug}`
}

/** Whether process `pid` still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  market = await startMarket({ dataDir, port: 0, relayPort: 0, web: false, env, log: quiet })
  await market.demoReady
}, 60_000)
afterAll(async () => market?.stop())

describe('npm start on a fresh data directory', () => {
  it('lists the demo games that reached the catalog through relay and indexer, each with release 1.0.0', async () => {
    const page = await json<{ items: { slug: string; pubkey: string }[] }>(
      fetch(`${market.apiUrl}/api/v1/games?limit=50`),
    )
    const listed = DEMO_GAMES.filter((g) => g.listing !== 'UNLISTED')
      .map((g) => g.slug)
      .sort()
    expect(page.items.map((i) => i.slug).sort()).toEqual(listed)
    expect(page.items.every((i) => i.pubkey === market.demoDeveloper.pubkey)).toBe(true)
    for (const g of DEMO_GAMES) {
      const game = await json<{
        releases: { version: string; asset: { sha256: string } | null }[]
      }>(fetch(`${market.apiUrl}/api/v1/games/${market.demoDeveloper.pubkey}/${g.slug}`))
      expect(game.releases.map((r) => r.version)).toEqual(['1.0.0'])
      expect(game.releases[0]?.asset?.sha256).toBe(
        createHash('sha256').update(demoZip(g)).digest('hex'),
      )
    }
  })

  it('writes devnet.json with the relay, the API and the buyer wallet', () => {
    const written = JSON.parse(readFileSync(join(dataDir, 'devnet.json'), 'utf8')) as Record<
      string,
      unknown
    >
    expect(written).toMatchObject({
      relay_url: market.relayUrl,
      api_url: market.apiUrl,
      buyer: { nwc_url: expect.stringMatching(/^nostr\+walletconnect:\/\//) },
    })
  })

  it('sells a paid demo game to a guest paying with the devnet buyer wallet, serves the exact build, and pays the developer', async () => {
    const g = DEMO_GAMES.find((d) => d.slug === 'lantern-depths')!
    const devnet = market.devnet!
    const devWallet = devnet.node.wallet('demo-dev')
    const devBefore = devnet.node.balance(devWallet.id)
    const created = await json<{
      id: string
      bolt11: string
      amount_msat: number
      receipt_code?: string
    }>(
      fetch(`${market.apiUrl}/api/v1/purchases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ game: `${market.demoDeveloper.pubkey}/${g.slug}` }),
      }),
    )
    expect(created.amount_msat).toBe(g.priceSats * 1000)
    expect(created.receipt_code).toBeTruthy()
    const receipt = { 'x-receipt-code': created.receipt_code! }

    const paid = await devnet.control.payInvoice('buyer', created.bolt11)
    expect(paid).toMatchObject({ preimage: expect.stringMatching(/^[0-9a-f]{64}$/) })
    await until('PAID', async () => {
      const p = await json<{ status: string }>(
        fetch(`${market.apiUrl}/api/v1/purchases/${created.id}`, { headers: receipt }),
      )
      return p.status === 'PAID' ? p : undefined
    })

    const dl = await json<{ url: string; sha256: string; size_bytes: number }>(
      fetch(
        `${market.apiUrl}/api/v1/games/${market.demoDeveloper.pubkey}/${g.slug}/download?format=json`,
        { headers: receipt },
      ),
    )
    const bytes = Buffer.from(await (await fetch(dl.url)).arrayBuffer())
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(dl.sha256)
    expect(bytes.equals(demoZip(g))).toBe(true)

    // Net of the 5% default fee reaches the demo developer's devnet wallet through its Lightning address.
    const net = created.amount_msat - Math.floor((created.amount_msat * 500) / 10_000)
    await until(
      'payout',
      async () => (devnet.node.balance(devWallet.id) - devBefore === net ? true : undefined),
      30_000,
    )

    const check = await json<{ ok: boolean; violations: unknown[] }>(
      signedFetch(admin, `${market.apiUrl}/api/v1/admin/ledger/check`, { method: 'GET' }),
    )
    expect(check).toMatchObject({ ok: true, violations: [] })
  }, 60_000)

  it('runs relay and indexer in worker threads: an event published to the relay reaches the catalog', async () => {
    expect(market.host).toBe('worker')
    expect(market.relay.place).toMatchObject({ mode: 'worker' })
    expect(market.indexer.place).toMatchObject({ mode: 'worker' })
    expect(new Set([threadId, market.relay.place!.id, market.indexer.place!.id]).size).toBe(3)
    const path = await publishFreeGame(market.relayUrl, 'worker-hosted')
    const game = await until('game in catalog', async () => {
      const r = await fetch(`${market.apiUrl}${path}`)
      return r.ok ? ((await r.json()) as { title: string }) : undefined
    })
    expect(game.title).toBe('Flood test worker-hosted')
    expect((await market.indexer.counters())['accepted']).toBeGreaterThan(0)
  })

  it('restarts on the same data directory without republishing the demo, keeping games and money', async () => {
    const before = await json<{ items: unknown[] }>(fetch(`${market.apiUrl}/api/v1/games?limit=50`))
    const places = [market.relay.place!, market.indexer.place!]
    await market.stop()
    // The relay's and the indexer's threads ended, cleanly, with the launcher's stop.
    expect(await Promise.all(places.map((p) => p.exited))).toEqual([0, 0])
    market = await startMarket({ dataDir, port: 0, relayPort: 0, web: false, env, log: quiet })
    await market.demoReady
    const after = await json<{ items: unknown[] }>(fetch(`${market.apiUrl}/api/v1/games?limit=50`))
    expect(after.items).toEqual(before.items)
    const check = await json<{ ok: boolean }>(
      signedFetch(admin, `${market.apiUrl}/api/v1/admin/ledger/check`, { method: 'GET' }),
    )
    expect(check.ok).toBe(true)
  }, 60_000)
})

describe('npm start with ZAPCADE_RELAY_INDEXER_HOST=process', () => {
  it('runs relay and indexer in child processes that index a published event and end with stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zapcade-launcher-proc-'))
    const m = await startMarket({
      dataDir: dir,
      port: 0,
      relayPort: 0,
      web: false,
      demo: false,
      env: { ZAPCADE_RELAY_INDEXER_HOST: 'process' },
      log: quiet,
    })
    const places = [m.relay.place!, m.indexer.place!]
    try {
      expect(m.host).toBe('process')
      expect(places.map((p) => p.mode)).toEqual(['process', 'process'])
      expect(places.every((p) => p.id !== process.pid && alive(p.id))).toBe(true)
      const path = await publishFreeGame(m.relayUrl, 'process-hosted')
      await until('game in catalog', async () =>
        (await fetch(`${m.apiUrl}${path}`)).ok ? true : undefined,
      )
    } finally {
      await m.stop()
    }
    expect(await Promise.all(places.map((p) => p.exited))).toEqual([0, 0])
    expect(places.some((p) => alive(p.id))).toBe(false)
  }, 60_000)

  it('refuses an unknown host mode, naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zapcade-launcher-bad-'))
    await expect(
      startMarket({
        dataDir: dir,
        port: 0,
        relayPort: 0,
        web: false,
        demo: false,
        env: { ZAPCADE_RELAY_INDEXER_HOST: 'thread' },
        log: quiet,
      }),
    ).rejects.toThrow(/ZAPCADE_RELAY_INDEXER_HOST/)
  })
})
