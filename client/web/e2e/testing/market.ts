/**
 * The real market for browser tests: relay, indexer, devnet wallet and service with the storefront,
 * started through the launcher's startMarket on free ports, plus helpers that talk to it from Node.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { finalizeEvent, getPublicKey } from 'nostr-tools/pure'
import { buildGame, type GameInput } from '@zapcade/shared/events/game'
import type { GameDetailResponse, GameListResponse } from '@zapcade/shared/api/catalog'
import { startMarket, type RunningMarket } from '../../../../launcher/start-market.ts'

export interface TestMarket {
  m: RunningMarket
  buyerNwcUrl: string
  stop(): Promise<void>
}

/** Start the whole market in a temp data dir; `env` adds configuration (e.g. admin pubkeys). */
export async function startTestMarket(env: Record<string, string> = {}): Promise<TestMarket> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapcade-web-e2e-'))
  const m = await startMarket({
    dataDir,
    port: 0,
    relayPort: 0,
    demo: true,
    env: { ...process.env, ...env },
    log: pino({ level: 'warn' }),
  })
  await m.demoReady
  if (!m.devnet) throw new Error('the test market runs without devnet: no buyer wallet')
  return {
    m,
    buyerNwcUrl: m.devnet.buyer.nwcUrl,
    async stop() {
      await m.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Poll `f` until it answers a value (the indexer applies relay events asynchronously). */
export async function eventually<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** The game's detail once the catalog has it (and, when asked, its first release's build). */
export function gameDetail(
  apiUrl: string,
  pubkey: string,
  slug: string,
  withAsset = false,
): Promise<GameDetailResponse> {
  return eventually(`${slug} in the catalog`, async () => {
    const r = await fetch(`${apiUrl}/api/v1/games/${pubkey}/${slug}`)
    if (!r.ok) return undefined
    const g = (await r.json()) as GameDetailResponse
    return !withAsset || g.releases[0]?.asset ? g : undefined
  })
}

/** Wait until a catalog search lists the game. */
export function listedInSearch(apiUrl: string, q: string, slug: string): Promise<true> {
  return eventually(`${slug} in search results`, async () => {
    const r = (await (
      await fetch(`${apiUrl}/api/v1/games?q=${encodeURIComponent(q)}`)
    ).json()) as GameListResponse
    return r.items.some((i) => i.slug === slug) ? true : undefined
  })
}

/** Sign a game with `sk` and hand it to the market (POST /api/v1/events). */
export async function submitGame(
  apiUrl: string,
  sk: Uint8Array,
  g: Omit<GameInput, 'createdAtSec'>,
): Promise<string> {
  const ev = finalizeEvent(buildGame({ ...g, createdAtSec: Math.floor(Date.now() / 1000) }), sk)
  const r = await fetch(`${apiUrl}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ev),
  })
  if (!r.ok) throw new Error(`POST /api/v1/events: ${r.status} ${await r.text()}`)
  return getPublicKey(sk)
}
