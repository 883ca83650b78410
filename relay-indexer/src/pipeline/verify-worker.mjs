// Worker thread of the verify pool (verify.ts): checks BIP-340 signatures with nostr-wasm (deps.md Exp 2).
// Plain .mjs so it loads under node, tsx and vitest alike. Receives {seq, json}; answers {seq, ok: boolean[]}.
import { parentPort } from 'node:worker_threads'
import { initNostrWasm } from 'nostr-wasm'

const nw = await initNostrWasm()
parentPort.on('message', (msg) => {
  // Events arrive as one JSON string: cheaper to copy across threads than a structured clone.
  const ok = JSON.parse(msg.json).map((ev) => {
    try {
      nw.verifyEvent(ev)
      return true
    } catch {
      return false
    }
  })
  parentPort.postMessage({ seq: msg.seq, ok })
})
parentPort.postMessage({ ready: true })
