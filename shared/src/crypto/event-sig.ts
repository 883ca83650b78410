/**
 * NIP-01 event ids and BIP-340 signatures for every server-side party: the relay, the indexer, the
 * service (NIP-98, submitted events, the market key), the NWC adapter and devnet. One module so they
 * agree on the rules (hex shapes first, then the id recomputed, then the signature) and share the
 * fastest path measured here (bench/README.md, "Payments"; per operation on this machine):
 * - native libsecp256k1 through bcrypto's N-API binding: sign ~58 µs, verify ~49 µs;
 * - tiny-secp256k1 (libsecp256k1 via rust-secp256k1 in WASM), the fallback when bcrypto (an optional
 *   dependency: its binding needs a C compiler at install) is absent or did not build: sign ~200 µs,
 *   verify ~220 µs (nostr-wasm, used before: 364 and 280 µs);
 * - nostr-tools' pure-JS noble: ~2,000 and ~1,500 µs.
 * Signatures were most of the CPU of a purchase (17 per purchase across relay, devnet and clients).
 * The id is always sha256 on node:crypto. Synchronous: both backends load on import.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import type bcryptoSchnorrModule from 'bcrypto/lib/schnorr.js'
import { signSchnorr, verifySchnorr, xOnlyPointFromScalar } from 'tiny-secp256k1'
import type { NostrEvent, UnsignedEvent } from '../events/event.ts'

/** One BIP-340 implementation: x-only public keys, 32-byte message hashes, 64-byte signatures. */
export interface SchnorrBackend {
  name: string
  publicKey(secretKey: Uint8Array): Uint8Array
  sign(hash: Buffer, secretKey: Uint8Array, aux: Buffer): Uint8Array
  /** False for an invalid signature; may throw for a key that is not a curve point (callers catch). */
  verify(hash: Buffer, publicKey: Buffer, sig: Buffer): boolean
}

const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)

/** bcrypto's BIP-340 module when it is installed with its native binding; otherwise undefined. */
function loadNativeSchnorr(): typeof bcryptoSchnorrModule | undefined {
  try {
    const m = createRequire(import.meta.url)(
      'bcrypto/lib/schnorr.js',
    ) as typeof bcryptoSchnorrModule
    return m.native === 2 ? m : undefined // 0/1: bcrypto's own JavaScript, slower than the WASM fallback
  } catch {
    return undefined // not installed: the optional dependency failed to build here
  }
}
const bcryptoSchnorr = loadNativeSchnorr()

/** Both backends, for the tests (each runs the same suite) and the benchmarks' report. */
export const schnorrBackends: { native: SchnorrBackend | undefined; wasm: SchnorrBackend } = {
  native: bcryptoSchnorr
    ? {
        name: 'libsecp256k1 (native, bcrypto)',
        publicKey: (sk) => bcryptoSchnorr.publicKeyCreate(asBuffer(sk)),
        sign: (hash, sk, aux) => bcryptoSchnorr.sign(hash, asBuffer(sk), aux),
        verify: (hash, pub, sig) => bcryptoSchnorr.verify(hash, sig, pub),
      }
    : undefined,
  wasm: {
    name: 'libsecp256k1 (WASM, tiny-secp256k1)',
    publicKey: (sk) => xOnlyPointFromScalar(sk),
    sign: (hash, sk, aux) => signSchnorr(hash, sk, aux),
    verify: (hash, pub, sig) => verifySchnorr(hash, pub, sig),
  },
}

let backend: SchnorrBackend = schnorrBackends.native ?? schnorrBackends.wasm

/** The implementation in use (native when bcrypto's binding built). */
export function schnorrBackend(): SchnorrBackend {
  return backend
}

/** Switch implementation (tests run every check against each; never needed in production). */
export function useSchnorrBackend(b: SchnorrBackend): void {
  backend = b
  publicKeys = new WeakMap()
}

/** A signed NIP-01 event (the seven fields) and the four it is signed from. */
export type SignedEvent = NostrEvent
export type EventTemplate = UnsignedEvent

const HEX64 = /^[0-9a-f]{64}$/
const HEX128 = /^[0-9a-f]{128}$/

type IdFields = Pick<SignedEvent, 'pubkey' | 'created_at' | 'kind' | 'tags' | 'content'>

function idHash(ev: IdFields): Buffer {
  return createHash('sha256')
    .update(JSON.stringify([0, ev.pubkey, ev.created_at, ev.kind, ev.tags, ev.content]))
    .digest()
}

/** The NIP-01 event id: sha256 of `[0, pubkey, created_at, kind, tags, content]` as compact JSON. */
export function computeEventId(ev: IdFields): string {
  return idHash(ev).toString('hex')
}

/** BIP-340 check of `sig` over the 32-byte id by the x-only `pubkey` (all lowercase hex, shapes already checked). */
function schnorrValid(idHex: string, pubkeyHex: string, sigHex: string): boolean {
  try {
    return backend.verify(
      Buffer.from(idHex, 'hex'),
      Buffer.from(pubkeyHex, 'hex'),
      Buffer.from(sigHex, 'hex'),
    )
  } catch {
    // Not a point on the curve, or a scalar out of range: invalid, never an exception for the caller.
    return false
  }
}

/** Hex shapes of id, pubkey and sig (a malformed value is refused before any hashing or curve work). */
export function hasEventHexShapes(ev: { id?: unknown; pubkey?: unknown; sig?: unknown }): boolean {
  return (
    typeof ev.id === 'string' &&
    HEX64.test(ev.id) &&
    typeof ev.pubkey === 'string' &&
    HEX64.test(ev.pubkey) &&
    typeof ev.sig === 'string' &&
    HEX128.test(ev.sig)
  )
}

/** The signature alone, for events whose id was already recomputed (the indexer's verify stage, the relay). */
export function verifyEventSignature(ev: Pick<SignedEvent, 'id' | 'pubkey' | 'sig'>): boolean {
  return hasEventHexShapes(ev) && schnorrValid(ev.id, ev.pubkey, ev.sig)
}

/** The whole NIP-01 check of an untrusted event: hex shapes, the id recomputed, the BIP-340 signature. */
export function verifyEvent(ev: SignedEvent): boolean {
  if (!hasEventHexShapes(ev)) return false
  if (computeEventId(ev) !== ev.id) return false
  return schnorrValid(ev.id, ev.pubkey, ev.sig)
}

// The x-only public key costs about half a signature: derive it once per secret key object.
let publicKeys = new WeakMap<Uint8Array, string>()

/** The x-only public key of a 32-byte secret key, as hex. Throws on an invalid secret key. */
export function publicKeyOf(secretKey: Uint8Array): string {
  let pubkey = publicKeys.get(secretKey)
  if (pubkey === undefined) {
    pubkey = Buffer.from(backend.publicKey(secretKey)).toString('hex')
    publicKeys.set(secretKey, pubkey)
  }
  return pubkey
}

/** Sign a template (as nostr-tools' finalizeEvent): fresh 32-byte auxiliary randomness per signature (BIP-340). */
export function signEvent(t: EventTemplate, secretKey: Uint8Array): SignedEvent {
  const pubkey = publicKeyOf(secretKey)
  const unsigned = {
    kind: t.kind,
    created_at: t.created_at,
    tags: t.tags,
    content: t.content,
    pubkey,
  }
  const hash = idHash(unsigned)
  const sig = backend.sign(hash, secretKey, randomBytes(32))
  return { ...unsigned, id: hash.toString('hex'), sig: Buffer.from(sig).toString('hex') }
}
