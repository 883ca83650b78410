/** `zapcade owns` as a child process against the service over real HTTP. */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nip19 } from 'nostr-tools'
import { verifyOwnershipProof } from '@zapcade/shared/events/ownership-proof'
import { addEntitlement } from '@zapcade/market-service/adapters/sqlite/testing/blob-seed'
import { seedGame } from '@zapcade/market-service/testing/payments-harness'
import {
  newKey,
  startHarness,
  type Harness,
  type Key,
} from '@zapcade/market-service/testing/service-harness'
import { jsonOf, runZapcade } from './testing/run-cli.ts'

let h: Harness, dir: string
const dev = newKey(),
  buyer = newKey(),
  revoked = newKey(),
  stranger = newKey()
const cli = (key: Key, args: string[]) =>
  runZapcade(args, {
    cwd: dir,
    env: { ZAPCADE_API: h.svc.config.publicUrl, ZAPCADE_NSEC: nip19.nsecEncode(key.sk) },
  })

beforeAll(async () => {
  h = await startHarness()
  dir = await mkdtemp(join(tmpdir(), 'zapcade-owns-'))
  const db = h.svc.db
  const paid = seedGame(db, dev, 'paid', { priceMsat: 21_000, marketPubkey: 'f'.repeat(64) })
  seedGame(db, dev, 'free', { priceMsat: 0, zapPubkey: null, marketPubkey: 'f'.repeat(64) })
  const user = (k: Key): number =>
    Number(
      db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, 1)').run(k.pubkey)
        .lastInsertRowid,
    )
  addEntitlement(db, paid, { userId: user(buyer) })
  addEntitlement(db, paid, { userId: user(revoked), revoked: true })
}, 60_000)
afterAll(async () => {
  await h.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('zapcade owns', { timeout: 60_000 }, () => {
  it('owned: prints it, and --proof writes a proof that verifies with the market pubkey', async () => {
    const game = `${nip19.npubEncode(dev.pubkey)}/paid`
    const r = await cli(buyer, ['owns', game, '--proof', 'paid.proof.json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Owned: ${dev.pubkey}/paid (entitlement ent-`)
    expect(r.stdout).toContain('Proof written to')
    const event = JSON.parse(await readFile(join(dir, 'paid.proof.json'), 'utf8')) as unknown
    const info = (await (await h.call('/api/v1/info')).json()) as { market_pubkey: string }
    const v = verifyOwnershipProof(event, {
      marketPubkey: info.market_pubkey,
      game: `32267:${dev.pubkey}:paid`,
      owner: buyer.pubkey,
      nowSec: Math.floor(Date.now() / 1000),
    })
    expect(v).toMatchObject({ ok: true, value: { basis: 'entitlement' } })

    const json = await cli(buyer, ['owns', `${dev.pubkey}/free`, '--json'])
    expect(json.code).toBe(0)
    expect(jsonOf(json)).toEqual({
      owned: true,
      free: true,
      basis: 'free',
      game: { pubkey: dev.pubkey, slug: 'free' },
    })
  })

  it('not owned, or revoked: exit 2 with the reason, and no proof file', async () => {
    const no = await cli(stranger, ['owns', `${dev.pubkey}/paid`, '--proof', 'stranger.json'])
    expect(no.code).toBe(2)
    expect(no.stderr).toContain(`not owned: ${dev.pubkey}/paid`)
    expect(existsSync(join(dir, 'stranger.json'))).toBe(false)
    const gone = await cli(revoked, ['owns', `${dev.pubkey}/paid`, '--json'])
    expect(gone.code).toBe(2)
    expect(gone.stderr).toMatch(/not owned: .*\(your entitlement was revoked \d{4}-\d\d-\d\d\)/)
    expect(jsonOf(gone)).toMatchObject({ error: { code: 'NOT_ENTITLED', exit: 2 } })
    const bad = await cli(buyer, ['owns', 'nonsense'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('not a game reference: nonsense')
  })
})
