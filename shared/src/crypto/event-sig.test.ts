import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  finalizeEvent,
  generateSecretKey,
  getPublicKey,
  verifyEvent as nobleVerify,
} from 'nostr-tools/pure'
import {
  computeEventId,
  publicKeyOf,
  schnorrBackend,
  schnorrBackends,
  signEvent,
  useSchnorrBackend,
  verifyEvent,
  verifyEventSignature,
  type SchnorrBackend,
  type SignedEvent,
} from './event-sig.ts'

const template = (i: number) => ({
  kind: 23194,
  created_at: 1_760_000_000 + i,
  tags: [
    ['p', 'ab'.repeat(32)],
    ['encryption', 'nip44_v2'],
  ],
  content: `payload ${i} ✓ "quoted"\n`,
})
const flip = (hex: string, at: number) =>
  hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1)

const backends = [schnorrBackends.native, schnorrBackends.wasm].filter(
  (b): b is SchnorrBackend => b !== undefined,
)

it('signs and verifies natively whenever bcrypto is installed with its binding, else with the WASM fallback (.ci/run requires native)', () => {
  expect(schnorrBackend()).toBe(schnorrBackends.native ?? schnorrBackends.wasm)
})

it('each backend verifies what the other signs, and they derive the same public keys', () => {
  const native = schnorrBackends.native ?? schnorrBackends.wasm,
    wasm = schnorrBackends.wasm
  for (let i = 0; i < 50; i++) {
    const sk = generateSecretKey()
    const hash = Buffer.from(computeEventId({ ...template(i), pubkey: getPublicKey(sk) }), 'hex')
    expect(Buffer.from(native.publicKey(sk)).toString('hex')).toBe(
      Buffer.from(wasm.publicKey(sk)).toString('hex'),
    )
    const pub = Buffer.from(native.publicKey(sk))
    expect(wasm.verify(hash, pub, Buffer.from(native.sign(hash, sk, Buffer.alloc(32, i))))).toBe(
      true,
    )
    expect(native.verify(hash, pub, Buffer.from(wasm.sign(hash, sk, Buffer.alloc(32, i))))).toBe(
      true,
    )
  }
})

describe.each(backends)(
  'event ids and BIP-340 signatures with $name, checked against nostr-tools (noble)',
  (b) => {
    const previous = schnorrBackend()
    beforeAll(() => useSchnorrBackend(b))
    afterAll(() => useSchnorrBackend(previous))

    it('what we sign nostr-tools accepts, and what nostr-tools signs we accept (100 keys each way)', () => {
      for (let i = 0; i < 100; i++) {
        const sk = generateSecretKey()
        const ours = signEvent(template(i), sk)
        expect(ours.pubkey).toBe(getPublicKey(sk))
        expect(nobleVerify({ ...ours })).toBe(true)
        const theirs = finalizeEvent(template(i), sk)
        expect(verifyEvent({ ...theirs })).toBe(true)
        expect(computeEventId(theirs)).toBe(theirs.id)
      }
    })

    it('refuses a changed content, tag, kind, created_at, id, signature or pubkey', () => {
      const sk = generateSecretKey()
      const ev = signEvent(template(1), sk)
      const other = publicKeyOf(generateSecretKey())
      const bad: SignedEvent[] = [
        { ...ev, content: `${ev.content}x` },
        { ...ev, tags: [...ev.tags, ['t', 'x']] },
        { ...ev, kind: ev.kind + 1 },
        { ...ev, created_at: ev.created_at + 1 },
        { ...ev, id: flip(ev.id, 5) },
        { ...ev, sig: flip(ev.sig, 70) },
        { ...ev, sig: flip(ev.sig, 3) },
        { ...ev, pubkey: other },
      ]
      for (const b of bad) expect(verifyEvent(b)).toBe(false)
      expect(verifyEvent(ev)).toBe(true)
      // Signature-only check: the id is trusted, so a changed content passes it but a changed sig does not.
      expect(verifyEventSignature({ ...ev, content: 'other' } as SignedEvent)).toBe(true)
      expect(verifyEventSignature({ ...ev, sig: flip(ev.sig, 100) })).toBe(false)
    })

    it('answers false, never throws, for malformed hex, short values and keys that are not curve points', () => {
      const ev = signEvent(template(2), generateSecretKey())
      const cases: unknown[] = [
        { ...ev, id: ev.id.toUpperCase() },
        { ...ev, id: ev.id.slice(2) },
        { ...ev, pubkey: 'zz'.repeat(32) },
        { ...ev, sig: ev.sig.slice(0, 126) },
        { ...ev, sig: undefined },
        // x = 0xff…ff is above the field prime: no point has it.
        { ...ev, pubkey: 'ff'.repeat(32) },
        // s ≥ the group order.
        { ...ev, sig: ev.sig.slice(0, 64) + 'ff'.repeat(32) },
      ]
      for (const c of cases) expect(verifyEvent(c as SignedEvent)).toBe(false)
    })

    it('signs with fresh auxiliary randomness (two signatures of one event differ, both valid)', () => {
      const sk = generateSecretKey()
      const a = signEvent(template(3), sk)
      const b = signEvent(template(3), sk)
      expect(a.id).toBe(b.id)
      expect(a.sig).not.toBe(b.sig)
      expect(verifyEvent(a) && verifyEvent(b)).toBe(true)
    })

    it('refuses an invalid secret key', () => {
      expect(() => signEvent(template(4), new Uint8Array(32))).toThrow()
    })
  },
)
