// Worker thread of the verify pool (verify.ts): checks BIP-340 signatures of events whose ids the
// pipeline already recomputed, the same check as shared/src/crypto/event-sig.ts (which this plain
// .mjs cannot import: it must load under node, tsx and vitest alike): native libsecp256k1 through
// bcrypto (an optional dependency) when it is installed with its binding, else tiny-secp256k1 (WASM).
// Receives {seq, json}; answers {seq, ok: boolean[]}.
import { parentPort } from 'node:worker_threads'
import { verifySchnorr } from 'tiny-secp256k1'

const schnorr = await import('bcrypto/lib/schnorr.js').then(
  (m) => m.default,
  () => undefined,
)

const HEX64 = /^[0-9a-f]{64}$/
const HEX128 = /^[0-9a-f]{128}$/
const verify =
  schnorr?.native === 2
    ? (hash, pub, sig) => schnorr.verify(hash, sig, pub)
    : (hash, pub, sig) => verifySchnorr(hash, pub, sig)

function signatureValid(ev) {
  if (
    typeof ev.id !== 'string' ||
    !HEX64.test(ev.id) ||
    typeof ev.pubkey !== 'string' ||
    !HEX64.test(ev.pubkey)
  )
    return false
  if (typeof ev.sig !== 'string' || !HEX128.test(ev.sig)) return false
  try {
    return verify(
      Buffer.from(ev.id, 'hex'),
      Buffer.from(ev.pubkey, 'hex'),
      Buffer.from(ev.sig, 'hex'),
    )
  } catch {
    return false
  }
}

parentPort.on('message', (msg) => {
  // Events arrive as one JSON string: cheaper to copy across threads than a structured clone.
  const ok = JSON.parse(msg.json).map(signatureValid)
  parentPort.postMessage({ seq: msg.seq, ok })
})
parentPort.postMessage({ ready: true })
