/** NIP-98 over real HTTP: the service on port 0, a real relay, a SQLite file; keys per test. */
import { afterEach, describe, expect, it } from 'vitest'
import { addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import { newKey, startHarness, type Harness } from '../testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const GAMES = '/api/v1/developer/games'

describe('NIP-98 middleware', () => {
  it('accepts a fresh signed request and answers 401 AUTH_REQUIRED without one', async () => {
    h = await startHarness()
    const dev = newKey()
    expect((await h.call(GAMES, { auth: dev })).status).toBe(200)
    const none = await h.call(GAMES)
    expect(none.status).toBe(401)
    expect(none.headers.get('content-type')).toContain('application/problem+json')
    expect((await none.json()).code).toBe('AUTH_REQUIRED')
  })

  it('refuses a replayed auth event, also after a restart on the same database', async () => {
    h = await startHarness()
    const dev = newKey()
    const { authHeader } = await import('../testing/service-harness.ts')
    const header = await authHeader(
      { key: dev },
      `${h.svc.config.publicUrl}${GAMES}`,
      'GET',
      undefined,
    )
    const first = await fetch(`${h.svc.url}${GAMES}`, { headers: { authorization: header } })
    expect(first.status).toBe(200)
    const again = await fetch(`${h.svc.url}${GAMES}`, { headers: { authorization: header } })
    expect(again.status).toBe(401)
    expect((await again.json()).code).toBe('AUTH_REPLAYED')

    // Restart on the same data dir (and port 0 → a new port, so sign for the same public URL).
    const dir = h.dir
    const publicUrl = h.svc.config.publicUrl
    await h.svc.stop()
    const h2 = await startHarness({ dir, env: { ZAPCADE_PUBLIC_URL: publicUrl } })
    try {
      const afterRestart = await fetch(`${h2.svc.url}${GAMES}`, {
        headers: { authorization: header },
      })
      expect((await afterRestart.json()).code).toBe('AUTH_REPLAYED')
    } finally {
      await h2.stop()
      await h.relay.stop()
      const { rm } = await import('node:fs/promises')
      await rm(dir, { recursive: true, force: true })
      h = undefined
    }
  })

  it("accepts two tokens nostr-tools' nip98.getToken makes for one URL in one second (same id, two signatures) once each", async () => {
    h = await startHarness()
    const dev = newKey()
    const { getToken } = await import('nostr-tools/nip98')
    const { finalizeEvent } = await import('nostr-tools/pure')
    const url = `${h.svc.config.publicUrl}${GAMES}`
    const sign = (e: Parameters<typeof finalizeEvent>[0]) =>
      Promise.resolve(finalizeEvent(e, dev.sk))
    const idOf = (t: string) =>
      (JSON.parse(Buffer.from(t, 'base64').toString()) as { id: string }).id
    let a = '',
      b = ''
    // Same second, same URL and method: the event ids are equal; BIP-340 nonces make the signatures differ.
    do {
      a = await getToken(url, 'get', sign)
      b = await getToken(url, 'get', sign)
    } while (idOf(a) !== idOf(b))
    expect(a).not.toBe(b)
    for (const token of [a, b]) {
      const res = await fetch(`${h.svc.url}${GAMES}`, {
        headers: { authorization: `Nostr ${token}` },
      })
      expect(res.status).toBe(200)
    }
    const replay = await fetch(`${h.svc.url}${GAMES}`, { headers: { authorization: `Nostr ${a}` } })
    expect((await replay.json()).code).toBe('AUTH_REPLAYED')
  })

  it('compares a URL that ends in a bare ? as clients sign and send it (fetch drops the empty query on the wire)', async () => {
    h = await startHarness()
    const dev = newKey()
    const { authHeader } = await import('../testing/service-harness.ts')
    const { request } = await import('node:http')
    const signed = await authHeader(
      { key: dev },
      `${h.svc.config.publicUrl}${GAMES}?`,
      'GET',
      undefined,
    )
    expect(
      (await fetch(`${h.svc.url}${GAMES}?`, { headers: { authorization: signed } })).status,
    ).toBe(200)
    // A client whose HTTP stack keeps the `?` on the wire, signing without it: the same URL too.
    const plain = await authHeader(
      { key: dev },
      `${h.svc.config.publicUrl}${GAMES}`,
      'GET',
      undefined,
    )
    const status = await new Promise<number>((resolve, reject) => {
      request(`${h!.svc.url}${GAMES}?`, { headers: { authorization: plain } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
        .on('error', reject)
        .end()
    })
    expect(status).toBe(200)
    // Anything more than a bare `?` is a different URL.
    const other = await authHeader(
      { key: dev },
      `${h.svc.config.publicUrl}${GAMES}?x`,
      'GET',
      undefined,
    )
    expect(
      (await (await fetch(`${h.svc.url}${GAMES}?`, { headers: { authorization: other } })).json())
        .code,
    ).toBe('AUTH_INVALID')
  })

  it.each([
    ['expired (created_at 61 s ago)', { createdAtOffsetSec: -61 }, 'created_at: expired'],
    [
      'from the future (created_at +10 min)',
      { createdAtOffsetSec: 600 },
      'created_at: in the future',
    ],
    ['signed for another path', { url: 'OTHER_PATH' }, 'u: does not match the request URL'],
    ['signed for another query', { url: 'OTHER_QUERY' }, 'u: does not match the request URL'],
    ['signed for another method', { method: 'POST' }, 'method: does not match the request method'],
  ])('refuses an auth event %s with 401 AUTH_INVALID', async (_name, t, reason) => {
    const tweak = t as { createdAtOffsetSec?: number; url?: string; method?: string }
    h = await startHarness()
    const base = `${h.svc.config.publicUrl}${GAMES}`
    const url =
      tweak.url === 'OTHER_PATH'
        ? `${h.svc.config.publicUrl}/api/v1/developer/gamez`
        : tweak.url === 'OTHER_QUERY'
          ? `${base}?page=2`
          : undefined
    const res = await h.call(GAMES, { auth: { key: newKey(), ...tweak, ...(url ? { url } : {}) } })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'AUTH_INVALID', detail: reason })
  })

  it('refuses a body changed after signing', async () => {
    h = await startHarness()
    const res = await h.call('/api/v1/developer/profile', {
      method: 'PUT',
      body: JSON.stringify({ payout_ln_address: 'mallory@127.0.0.1:1' }),
      auth: {
        key: newKey(),
        signedBody: JSON.stringify({ payout_ln_address: 'alice@127.0.0.1:1' }),
      },
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({
      code: 'AUTH_INVALID',
      detail: 'payload: does not match the body',
    })
  })

  it('rebuilds the URL from the configured public URL, never from the Host header', async () => {
    h = await startHarness({ env: { ZAPCADE_PUBLIC_URL: 'https://market.example' } })
    const dev = newKey()
    // h.call signs for https://market.example/...: accepted although the socket is plain http on loopback.
    expect((await h.call(GAMES, { auth: dev })).status).toBe(200)
    const spoofed = await h.call(GAMES, {
      auth: { key: dev, url: `http://127.0.0.1${GAMES}` },
      headers: { host: '127.0.0.1', 'x-forwarded-host': '127.0.0.1' },
    })
    expect(spoofed.status).toBe(401)
  })

  it('accepts the same request twice in one second, each with its own auth event', async () => {
    h = await startHarness()
    const dev = newKey()
    const [a, b] = await Promise.all([h.call(GAMES, { auth: dev }), h.call(GAMES, { auth: dev })])
    expect([a.status, b.status]).toEqual([200, 200])
  })

  it('accepts url-safe unpadded base64 in the header', async () => {
    h = await startHarness()
    expect((await h.call(GAMES, { auth: { key: newKey(), urlSafe: true } })).status).toBe(200)
  })

  it("answers 403 when a signed developer asks to upload a build for another developer's game", async () => {
    h = await startHarness()
    const owner = newKey()
    const mallory = newKey()
    addGame(h.svc.db, addUser(h.svc.db, owner.pubkey), 'owned')
    addUser(h.svc.db, mallory.pubkey)
    const body = JSON.stringify({
      game: `${owner.pubkey}/owned`,
      version: '1.0.0',
      sha256: 'a'.repeat(64),
      size_bytes: 100,
      content_type: 'application/zip',
    })
    const res = await h.call('/api/v1/developer/uploads', { method: 'POST', body, auth: mallory })
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('FORBIDDEN')
    const own = await h.call('/api/v1/developer/uploads', { method: 'POST', body, auth: owner })
    expect(own.status).toBe(201)
  })
})
