/**
 * The CLI end to end against a running market (launcher/startMarket: real relay, indexer, devnet
 * Lightning over NIP-47, service with the local blob store), the CLI run as a child process:
 * key new → game publish → release publish with a real zip → search finds it → buy with the devnet
 * buyer's NWC URI → library → download verified against the signed 3063; a guest buys, downloads with
 * the receipt code and claims it; a build changed in storage is refused (exit 4); a foreign key is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startMarket, type RunningMarket } from '../../../launcher/start-market.ts'
import { makeZip } from '@zapcade/market-service/adapters/zip/make-zip'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { nip19 } from 'nostr-tools'
import { createZapcadeClient } from '../api/client.ts'
import { ZapcadeApiError } from '../api/errors.ts'
import { secretKeySigner } from '../signers/secret-key.ts'
import { startTestBunker } from '../signers/testing/bunker.ts'
import { jsonOf, runZapcade, type CliRun } from './testing/run-cli.ts'

let market: RunningMarket
let root: string
let nwcUrl: string
const adminSk = generateSecretKey()

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'zapcade-cli-e2e-'))
  market = await startMarket({
    dataDir: join(root, 'market'),
    port: 0,
    relayPort: 0,
    demo: false,
    web: false,
    log: pino({ level: 'silent' }),
    env: { ...process.env, ZAPCADE_ADMIN_PUBKEYS: getPublicKey(adminSk) },
  })
  const url = market.devnetJson?.buyer.nwc_url
  if (!url) throw new Error('startMarket gave no devnet buyer NWC URL')
  nwcUrl = url
}, 120_000)

afterAll(async () => {
  await market?.stop()
})

/** A user of the CLI: their own config dir (and so their own key) and working directory. */
async function user(name: string) {
  const home = join(root, name)
  const env = {
    ZAPCADE_API: market.apiUrl,
    ZAPCADE_CONFIG_DIR: join(home, 'config'),
    ZAPCADE_PASSWORD: `${name}-password`,
  }
  await mkdir(home, { recursive: true })
  const run = (args: string[], extra: Record<string, string | undefined> = {}) =>
    runZapcade(args, { cwd: home, env: { ...env, ...extra } })
  const ok = async (args: string[], extra: Record<string, string | undefined> = {}) => {
    const r = await run([...args, '--json'], extra)
    if (r.code !== 0) throw new Error(`zapcade ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
    return jsonOf(r)
  }
  return { home, env, run, ok }
}

/** Run until `done` holds, for indexing that happens asynchronously (relay → indexer); a deadline, no sleeps as assertions. */
async function until(what: string, f: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs
  while (Date.now() < end) {
    if (await f()) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`gave up waiting for ${what}`)
}

/** The failure is one `zapcade: …` line (progress notes may precede it), never a stack trace. */
function oneLine(r: CliRun) {
  expect(r.stderr).not.toMatch(/\n\s+at /)
  expect(r.stderr.split('\n').filter((l) => l.startsWith('zapcade: '))).toHaveLength(1)
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

// Each step runs the CLI a few times (a process start and a NIP-49 scrypt each): generous per-test time.
describe('zapcade CLI against a running market', { timeout: 120_000 }, () => {
  const zip = makeZip([
    { name: 'comet-run/run.sh', data: Buffer.from('#!/bin/sh\necho comet\n') },
    { name: 'comet-run/data.bin', data: Buffer.alloc(20_000, 7), deflate: true },
  ])
  let devPubkey = ''
  const slug = 'comet-run'

  it('a developer makes a key, publishes a paid listed game and a release with a real zip', async () => {
    const dev = await user('dev')
    const key = await dev.ok(['key', 'new'])
    devPubkey = key.pubkey as string
    await dev.ok([
      'game',
      'init',
      '--slug',
      slug,
      '--title',
      'Comet Run',
      '--summary',
      'Dodge comets',
      '--price-sats',
      '21',
      '--tags',
      'arcade',
      '--platforms',
      'linux-x86_64',
      '--status',
      'listed',
    ])
    const game = await dev.ok(['game', 'publish'])
    expect(game.status).toBe('FORWARDED')
    expect(game.relays).toEqual([{ relay: market.relayUrl, ok: true, reason: expect.any(String) }])
    expect((game.event as { tags: string[][] }).tags).toContainEqual([
      'zap',
      market.marketPubkey,
      market.relayUrl,
      '1',
    ])

    await writeFile(join(dev.home, 'build.zip'), zip)
    await writeFile(join(dev.home, 'CHANGELOG.md'), '## 1.0.0\n- first comet\n')
    await until('the game to be indexed (an upload needs a game the developer owns)', async () =>
      (await dev.run(['search', 'comet', '--json'])).stdout.includes(slug),
    )
    const rel = await dev.ok([
      'release',
      'publish',
      '--version',
      '1.0.0',
      '--file',
      'build.zip',
      '--notes',
      'CHANGELOG.md',
    ])
    expect(rel).toMatchObject({
      version: '1.0.0',
      sha256: sha256(zip),
      size_bytes: zip.length,
      url: `${market.apiUrl}/game/${devPubkey}/${slug}`,
    })
    expect(rel.asset_result).toMatchObject({ status: 'FORWARDED' })
    expect(rel.release_result).toMatchObject({ status: 'FORWARDED' })
    expect((rel.release as { tags: string[][] }).tags).toContainEqual([
      'e',
      (rel.asset as { id: string }).id,
      market.relayUrl,
    ])
  })

  it('a published version never changes: other bytes are refused (publish a new version); the same bytes again keep the notes', async () => {
    const dev = await user('dev')
    const notesOf = async (): Promise<string | undefined> => {
      const g = (await (
        await fetch(`${market.apiUrl}/api/v1/games/${devPubkey}/${slug}`)
      ).json()) as { releases: { version: string; notes: string }[] }
      return g.releases.find((r) => r.version === '1.0.0')?.notes
    }
    await until(
      'release 1.0.0 to be indexed with its build',
      async () => (await notesOf()) === '## 1.0.0\n- first comet\n',
    )
    const other = makeZip([
      { name: 'comet-run/run.sh', data: Buffer.from('#!/bin/sh\necho other\n') },
    ])
    await writeFile(join(dev.home, 'other.zip'), other)
    const refused = await dev.run([
      'release',
      'publish',
      '--version',
      '1.0.0',
      '--file',
      'other.zip',
    ])
    expect(refused.code).toBe(2)
    oneLine(refused)
    expect(refused.stderr).toMatch(
      /comet-run 1\.0\.0 is already published with another build.*publish a new version \(e\.g\. --version 1\.0\.1\)/,
    )
    const asJson = await dev.run([
      'release',
      'publish',
      '--version',
      '1.0.0',
      '--file',
      'other.zip',
      '--json',
    ])
    expect(jsonOf(asJson)).toMatchObject({ error: { code: 'VERSION_PUBLISHED', exit: 2 } })

    // The same bytes again without --notes: the release is re-signed with the notes it had.
    const again = await dev.ok(['release', 'publish', '--version', '1.0.0', '--file', 'build.zip'])
    expect((again.release as { content: string }).content).toBe('## 1.0.0\n- first comet\n')
    await until('the re-signed release to be indexed', async () => {
      const g = (await (
        await fetch(`${market.apiUrl}/api/v1/games/${devPubkey}/${slug}`)
      ).json()) as { releases: { version: string; published_at: number }[] }
      return g.releases.some(
        (r) =>
          r.version === '1.0.0' &&
          r.published_at === (again.release as { created_at: number }).created_at,
      )
    })
    expect(await notesOf()).toBe('## 1.0.0\n- first comet\n')
  })

  it('a buyer finds it by search, buys it with the devnet NWC wallet, sees it in the library and downloads a verified build', async () => {
    const buyer = await user('buyer')
    await buyer.ok(['key', 'new'])
    let found: { items: { pubkey: string; slug: string; price_msat: number }[] } = { items: [] }
    // Sold only once its release has a verified build: until then the catalog says coming_soon.
    await until('search to find the game with its build', async () => {
      found = (await buyer.ok(['search', 'dodge', 'comets'])) as typeof found
      return found.items.some(
        (g) => g.slug === slug && (g as { coming_soon?: boolean }).coming_soon === false,
      )
    })
    expect(found.items.find((g) => g.slug === slug)).toMatchObject({
      pubkey: devPubkey,
      price_msat: 21_000,
    })

    const bought = await buyer.ok(['buy', `${devPubkey}/${slug}`, '--nwc', nwcUrl])
    expect(bought).toMatchObject({ status: 'PAID', purchase: { amount_msat: 21_000 } })
    expect((bought.purchase as Record<string, unknown>).receipt_code).toBeUndefined()
    expect(bought.preimage).toMatch(/^[0-9a-f]{64}$/)

    await until('the release to be indexed', async () => {
      const lib = (await buyer.ok(['library'])) as {
        items: { game: { slug: string }; releases: { version: string }[] }[]
      }
      return lib.items.some(
        (i) => i.game.slug === slug && i.releases.some((r) => r.version === '1.0.0'),
      )
    })

    const dl = await buyer.ok(['download', `${devPubkey}/${slug}`, '--out', 'games'])
    expect(dl).toMatchObject({
      version: '1.0.0',
      sha256: sha256(zip),
      verified_against: 'asset_event',
    })
    expect(sha256(await readFile(dl.file as string))).toBe(sha256(zip))
  })

  it('a guest buys with a receipt code, downloads with it, and claims it into a key', async () => {
    const guest = await user('guest')
    const bought = await guest.ok(['buy', `${devPubkey}/${slug}`, '--amount-sats', '30'], {
      ZAPCADE_NWC: nwcUrl,
    })
    expect(bought).toMatchObject({ status: 'PAID', purchase: { amount_msat: 30_000 } })
    const code = (bought.purchase as { receipt_code?: string }).receipt_code
    expect(code).toEqual(expect.any(String))
    const human = await guest.run(['buy', `${devPubkey}/${slug}`, '--no-wait'])
    expect(human.code).toBe(0)
    expect(human.stderr).toMatch(/Receipt code: \S+\nKEEP THIS CODE/)

    const dl = await guest.ok([
      'download',
      `${devPubkey}/${slug}`,
      '--receipt',
      code!,
      '--out',
      'g',
    ])
    expect(dl.sha256).toBe(sha256(zip))

    await guest.ok(['key', 'new'])
    const claimed = await guest.ok(['claim', code!])
    expect(claimed).toMatchObject({ status: 'PAID' })
    const lib = (await guest.ok(['library'])) as { items: { game: { slug: string } }[] }
    expect(lib.items.map((i) => i.game.slug)).toContain(slug)
  })

  it('a build changed in storage after verification is refused against the signed sha256 and deleted (exit 4)', async () => {
    const buyer = await user('buyer')
    const blobDir = join(market.dataDir, 'blobs')
    // One stored copy of the build per verified upload (the same bytes were published twice above).
    const files = (await readdir(blobDir, { recursive: true }))
      .filter((f) => f.endsWith('.zip'))
      .map((f) => join(blobDir, f))
    expect(files.length).toBeGreaterThanOrEqual(1)
    const originals = await Promise.all(files.map((f) => readFile(f)))
    for (const [i, f] of files.entries()) {
      const tampered = Buffer.from(originals[i]!)
      tampered[40] = tampered[40]! ^ 0xff
      await writeFile(f, tampered)
    }
    try {
      const r = await buyer.run(['download', `${devPubkey}/${slug}`, '--out', 'tampered'])
      expect(r.code).toBe(4)
      oneLine(r)
      expect(r.stderr).toContain('sha256 mismatch')
      expect(await readdir(join(buyer.home, 'tampered'))).toEqual([])
    } finally {
      for (const [i, f] of files.entries()) await writeFile(f, originals[i]!)
    }
  })

  it("another key cannot upload a release for the developer's game: the service's refusal is one line, exit 2", async () => {
    const other = await user('other')
    await other.ok(['key', 'new'])
    await writeFile(join(other.home, 'zapcade.json'), JSON.stringify({ slug, title: 'Not mine' }))
    await writeFile(join(other.home, 'build.zip'), zip)
    // The manifest names the slug only; the CLI asks for <own pubkey>/<slug>, which this key never published.
    const r = await other.run(['release', 'publish', '--version', '1.0.1', '--file', 'build.zip'])
    expect(r.code).toBe(2)
    oneLine(r)
    expect(r.stderr).not.toContain('Upload verified')
    expect(r.stderr).toMatch(/no game comet-run signed by this key/)
    // Through the SDK, naming the developer's game outright: the service refuses the foreign key.
    const sdk = createZapcadeClient({
      baseUrl: market.apiUrl,
      signer: secretKeySigner(generateSecretKey()),
    })
    const err = await sdk.developer.uploads
      .create({
        game: `${devPubkey}/${slug}`,
        version: '1.0.1',
        sha256: sha256(zip),
        size_bytes: zip.length,
        content_type: 'application/zip',
      })
      .catch((x: unknown) => x)
    expect(err).toBeInstanceOf(ZapcadeApiError)
    expect((err as ZapcadeApiError).status).toBe(403)
  })

  it('a developer whose key lives in a NIP-46 bunker publishes a draft through it (ZAPCADE_BUNKER)', async () => {
    const bunker = await startTestBunker(market.relayUrl)
    try {
      const remote = await user('remote-dev')
      await writeFile(
        join(remote.home, 'zapcade.json'),
        JSON.stringify({ slug: 'bunker-game', title: 'Signed Elsewhere', status: 'draft' }),
      )
      const r = await remote.ok(['game', 'publish'], { ZAPCADE_BUNKER: bunker.uri })
      expect(r.status).toBe('DRAFT_STORED')
      expect(r.relays).toEqual([])
      expect((r.event as { pubkey: string }).pubkey).toBe(bunker.userPubkey)
      expect(bunker.calls[0]).toBe('connect')
      expect(bunker.calls).toContain('sign_event')
    } finally {
      await bunker.stop()
    }
  })

  it('the wrong password for the stored key stops before any request, exit 1', async () => {
    const dev = await user('dev')
    const r = await dev.run(['sales'], { ZAPCADE_PASSWORD: 'not-the-password' })
    expect(r.code).toBe(1)
    oneLine(r)
    expect(r.stderr).toContain('wrong password')
  })

  it('the developer sees the sales with fee and net, and can set a payout address', async () => {
    const dev = await user('dev')
    const lud16 = market.devnetJson!.developer.lud16
    const p = await dev.ok(['payout', 'set', lud16])
    expect(p.payout_ln_address).toBe(lud16.toLowerCase())
    const s = (await dev.ok(['sales'])) as {
      items: { amount_msat: number; platform_fee_msat: number; developer_net_msat: number }[]
      balance_owed_msat: number
    }
    expect(s.items.length).toBeGreaterThanOrEqual(2)
    for (const x of s.items) expect(x.platform_fee_msat + x.developer_net_msat).toBe(x.amount_msat)
    const payouts = (await dev.ok(['payouts'])) as { items: unknown[] }
    expect(payouts.items.length).toBeGreaterThanOrEqual(1)
    const mine = (await dev.ok(['games'])) as { items: { slug: string; status: string }[] }
    expect(mine.items).toEqual([expect.objectContaining({ slug, status: 'LISTED' })])
    expect(await dev.ok(['whoami', '--market'])).toMatchObject({
      is_admin: false,
      developer: { payout_ln_address: lud16.toLowerCase(), games_count: 1 },
    })
  })

  it('an admin features the game and the ledger check passes after every purchase above; a non-admin is refused', async () => {
    const admin = await user('admin')
    const nsec = { ZAPCADE_NSEC: nip19.nsecEncode(adminSk) }
    expect(await admin.ok(['whoami', '--market'], nsec)).toMatchObject({
      pubkey: getPublicKey(adminSk),
      is_admin: true,
      developer: { payout_ln_address: null, games_count: 0 },
    })
    const featured = await admin.ok(['admin', 'status', `${devPubkey}/${slug}`, 'FEATURED'], nsec)
    expect(featured).toMatchObject({ status: 'FEATURED', outbox: ['PUBLISH_FEATURED_LIST'] })
    const found = (await admin.ok(['search', 'comet'])) as {
      items: { slug: string; status: string }[]
    }
    expect(found.items.find((g) => g.slug === slug)?.status).toBe('FEATURED')
    const check = await admin.ok(['admin', 'ledger-check'], nsec)
    expect(check).toMatchObject({ ok: true, violations: [] })
    expect(await admin.ok(['admin', 'alerts'], nsec)).toEqual({ items: [] })
    const notFound = await admin.run(
      ['admin', 'alerts', '--resolve', 'no-such-purchase', '--note', 'nothing'],
      nsec,
    )
    expect(notFound.code).toBe(2)
    expect((await admin.run(['admin', 'alerts', '--resolve', 'x'], nsec)).code).toBe(1)
    const dev = await user('dev')
    const refused = await dev.run(['admin', 'ledger-check'])
    expect(refused.code).toBe(2)
    oneLine(refused)
  })
})
