import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import { nip19 } from 'nostr-tools'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installNodeWebSocket } from '../api/node-websocket.ts'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { decryptSecretKey, encryptSecretKey, isNcryptsec, WrongPasswordError } from './ncryptsec.ts'
import { parseSecretKey, secretKeySigner } from './secret-key.ts'
import { signerFromEnv, signerFromFile } from './nsec-file.ts'
import { nip07Signer } from './nip07.ts'
import { bunkerSigner } from './nip46.ts'
import { startTestBunker } from './testing/bunker.ts'

const template = { kind: 1, created_at: 1_700_000_000, tags: [['t', 'x']], content: 'hello' }

describe('secret keys', () => {
  it('an nsec and its hex form parse to the same key; other strings do not parse', () => {
    const sk = generateSecretKey()
    const hex = Buffer.from(sk).toString('hex')
    expect(parseSecretKey(nip19.nsecEncode(sk))).toEqual(sk)
    expect(parseSecretKey(` ${hex.toUpperCase()}\n`)).toEqual(sk)
    expect(parseSecretKey(nip19.npubEncode(getPublicKey(sk)))).toBeUndefined()
    expect(parseSecretKey('nsec1notreally')).toBeUndefined()
    expect(parseSecretKey(hex.slice(2))).toBeUndefined()
  })

  it('a secret-key signer signs valid events as its own pubkey', async () => {
    const sk = generateSecretKey()
    const s = secretKeySigner(sk)
    const ev = await s.signEvent(template)
    expect(verifyEvent(ev)).toBe(true)
    expect(ev.pubkey).toBe(getPublicKey(sk))
    expect(await s.getPublicKey()).toBe(getPublicKey(sk))
  })

  it('ZAPCADE_NSEC gives a signer; unset gives none; a malformed value is refused', async () => {
    const sk = generateSecretKey()
    expect(await signerFromEnv({ ZAPCADE_NSEC: nip19.nsecEncode(sk) })?.getPublicKey()).toBe(
      getPublicKey(sk),
    )
    expect(signerFromEnv({})).toBeUndefined()
    expect(() => signerFromEnv({ ZAPCADE_NSEC: 'npub1xyz' })).toThrow(/ZAPCADE_NSEC/)
  })
})

describe('NIP-49', () => {
  it('an encrypted key opens with its password to the same key, in ncryptsec form', () => {
    const sk = generateSecretKey()
    const enc = encryptSecretKey(sk, 'correct horse', 8)
    expect(isNcryptsec(enc)).toBe(true)
    expect(decryptSecretKey(enc, 'correct horse')).toEqual(sk)
  })

  it('a wrong password is reported as WrongPasswordError, not as a malformed key', () => {
    const enc = encryptSecretKey(generateSecretKey(), 'right', 8)
    expect(() => decryptSecretKey(enc, 'wrong')).toThrow(WrongPasswordError)
    expect(() => decryptSecretKey(enc.slice(0, -3) + 'qqq', 'right')).toThrow(/malformed/)
  })

  it('passwords are NFKC-normalised, so the same password typed in another Unicode form opens the key', () => {
    const sk = generateSecretKey()
    const enc = encryptSecretKey(sk, '\u00C5\u03A9\u1E9B\u0323', 8) // composed forms
    expect(decryptSecretKey(enc, 'A\u030A\u2126\u017F\u0323\u0307')).toEqual(sk) // A+ring, Ohm sign, long s + dots
  })

  it('a key file may hold an ncryptsec, opened with the password callback', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapcade-signer-'))
    const sk = generateSecretKey()
    const file = join(dir, 'key')
    await writeFile(file, encryptSecretKey(sk, 'pw', 8) + '\n')
    const s = await signerFromFile(file, () => Promise.resolve('pw'))
    expect(await s.getPublicKey()).toBe(getPublicKey(sk))
    await expect(signerFromFile(file, () => Promise.resolve('nope'))).rejects.toThrow(
      WrongPasswordError,
    )
  })
})

describe('NIP-07', () => {
  it('signs through the provider and refuses to start without one', async () => {
    const sk = generateSecretKey()
    const inner = secretKeySigner(sk)
    const s = nip07Signer({
      getPublicKey: () => inner.getPublicKey(),
      signEvent: async (t) =>
        ({ ...(await inner.signEvent(t)), [Symbol.for('verified')]: true }) as never,
    })
    const ev = await s.signEvent(template)
    expect(verifyEvent(ev)).toBe(true)
    expect(ev.pubkey).toBe(getPublicKey(sk))
    expect(() => nip07Signer(undefined)).toThrow(/NIP-07/)
  })
})

describe('NIP-46 bunker over a real relay', () => {
  let relay: MarketRelay
  beforeAll(async () => {
    installNodeWebSocket()
    relay = await startMarketRelay()
  })
  afterAll(async () => relay.stop())

  it('a bunker signer connects with the URI secret and signs as the user, not as the bunker', async () => {
    const userSk = generateSecretKey()
    const bunker = await startTestBunker(relay.url, { userSecretKey: userSk })
    const s = await bunkerSigner(bunker.uri, { timeoutMs: 10_000 })
    try {
      expect(await s.getPublicKey()).toBe(getPublicKey(userSk))
      const ev = await s.signEvent(template)
      expect(verifyEvent(ev)).toBe(true)
      expect(ev.pubkey).toBe(getPublicKey(userSk))
      expect(ev.content).toBe('hello')
      expect(bunker.calls).toEqual(['connect', 'get_public_key', 'sign_event'])
    } finally {
      await s.close?.()
      await bunker.stop()
    }
  })

  it('a wrong secret in the URI is refused at connect', async () => {
    const bunker = await startTestBunker(relay.url)
    try {
      await expect(
        bunkerSigner(bunker.uri.replace(/secret=[0-9a-f]+/, 'secret=bad'), { timeoutMs: 10_000 }),
      ).rejects.toThrow(/invalid secret/)
    } finally {
      await bunker.stop()
    }
  })

  it('a bunker that declines to sign surfaces its reason', async () => {
    const bunker = await startTestBunker(relay.url, { refuseSigning: true })
    const s = await bunkerSigner(bunker.uri, { timeoutMs: 10_000 })
    try {
      await expect(s.signEvent(template)).rejects.toThrow(/user declined/)
    } finally {
      await s.close?.()
      await bunker.stop()
    }
  })

  it('a URI that is not a bunker URI is refused before any network use', async () => {
    await expect(bunkerSigner('https://example.com')).rejects.toThrow(/bunker/)
  })
})
