/**
 * The verification example of docs/ownership-proof.md, run as written (only its two placeholders filled
 * and nostr-tools resolved from here) in a child `node`, offline, against a proof fetched over real HTTP.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnershipProofResponse } from '@zapcade/shared/api/entitlements'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { buildOwnershipProof } from '@zapcade/shared/events/ownership-proof'
import type { Pubkey } from '@zapcade/shared/ids'
import { addEntitlement } from '../adapters/sqlite/testing/blob-seed.ts'
import { seedGame } from '../testing/payments-harness.ts'
import { newKey, sign, startHarness, type Harness, type Key } from '../testing/service-harness.ts'

const DOC = fileURLToPath(new URL('../../../docs/ownership-proof.md', import.meta.url))
const run = promisify(execFile)

/** The doc's example with MARKET_PUBKEY and GAME filled in; each placeholder must appear exactly once. */
async function example(marketPubkey: string, game: string): Promise<string> {
  const md = await readFile(DOC, 'utf8')
  const m = /<!-- verify-ownership\.mjs[^\n]*-->\n```js\n([\s\S]*?)```/.exec(md)
  if (!m) throw new Error('docs/ownership-proof.md: the verify-ownership.mjs block is missing')
  let code = m[1]!
  const fill = (from: string, to: string): void => {
    expect(code.split(from)).toHaveLength(2)
    code = code.replace(from, to)
  }
  fill(`'<market_pubkey of GET /api/v1/info>'`, JSON.stringify(marketPubkey))
  fill(`'32267:<developer pubkey hex>:<slug>'`, JSON.stringify(game))
  fill(`'nostr-tools/pure'`, JSON.stringify(import.meta.resolve('nostr-tools/pure')))
  expect(code.split('\n').length).toBeLessThanOrEqual(32)
  return code
}

describe('docs/ownership-proof.md verification example', { timeout: 60_000 }, () => {
  let h: Harness, dir: string, script: string, proof: NostrEvent, expiresAt: number
  const dev = newKey(),
    player = newKey()
  const coordinate = (): string => `32267:${dev.pubkey}:paid`
  const verdict = async (
    ev: unknown,
    who: string,
    file = script,
  ): Promise<{ code: number; out: string }> => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.json`)
    await writeFile(path, JSON.stringify(ev))
    try {
      const r = await run(process.execPath, [file, path, who], { cwd: dir })
      return { code: 0, out: r.stdout.trim() }
    } catch (e) {
      const x = e as { code: number; stdout: string }
      return { code: x.code, out: x.stdout.trim() }
    }
  }

  beforeAll(async () => {
    h = await startHarness()
    dir = await mkdtemp(join(tmpdir(), 'zapcade-proof-doc-'))
    const gameId = seedGame(h.svc.db, dev, 'paid', {
      priceMsat: 21_000,
      marketPubkey: 'f'.repeat(64),
    })
    const userId = Number(
      h.svc.db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, 1)').run(player.pubkey)
        .lastInsertRowid,
    )
    addEntitlement(h.svc.db, gameId, { userId })
    const info = (await (await h.call('/api/v1/info')).json()) as { market_pubkey: string }
    script = join(dir, 'verify-ownership.mjs')
    await writeFile(script, await example(info.market_pubkey, coordinate()))
    const r = await h.call(`/api/v1/entitlements/proof?game=${dev.pubkey}/paid`, { auth: player })
    expect(r.status).toBe(200)
    ;({ event: proof, expires_at: expiresAt } = (await r.json()) as OwnershipProofResponse)
  }, 60_000)
  afterAll(async () => {
    await h?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('accepts the market proof for its player, and refuses it for anyone else or tampered', async () => {
    expect(await verdict(proof, player.pubkey)).toEqual({ code: 0, out: 'owned' })
    expect(await verdict(proof, newKey().pubkey)).toEqual({ code: 1, out: 'another player' })
    const tampered = {
      ...proof,
      tags: proof.tags.map((t) =>
        t[0] === 'expiration' ? ['expiration', String(expiresAt + 86_400)] : t,
      ),
    }
    expect(await verdict(tampered, player.pubkey)).toEqual({ code: 1, out: 'bad signature' })
  })

  it('refuses a proof signed by another key, for another game, or expired', async () => {
    const fake: Key = newKey()
    const now = Math.floor(Date.now() / 1000)
    const make = (o: { slug?: string; expiresAtSec?: number }, key: Key) =>
      sign(
        key,
        buildOwnershipProof({
          game: { pubkey: dev.pubkey as Pubkey, slug: o.slug ?? 'paid' },
          owner: player.pubkey,
          basis: 'free',
          grantedAtSec: now - 100,
          createdAtSec: now - 100,
          expiresAtSec: o.expiresAtSec ?? now + 3600,
        }),
      )
    expect(await verdict(make({}, fake), player.pubkey)).toEqual({
      code: 1,
      out: 'not from this market',
    })
    // The same example trusting `fake` as its market, to reach the game and clock rules.
    const trusting = join(dir, 'verify-fake.mjs')
    await writeFile(trusting, await example(fake.pubkey, coordinate()))
    expect(await verdict(make({}, fake), player.pubkey, trusting)).toEqual({
      code: 0,
      out: 'owned',
    })
    expect(await verdict(make({ slug: 'other' }, fake), player.pubkey, trusting)).toEqual({
      code: 1,
      out: 'another game',
    })
    expect(await verdict(make({ expiresAtSec: now - 1 }, fake), player.pubkey, trusting)).toEqual({
      code: 1,
      out: 'expired',
    })
  })
})
