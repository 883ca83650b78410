/**
 * A minimal NIP-47 client for one job: pay an invoice from the buyer's own wallet
 * (`nostr+walletconnect://<wallet>?relay=…&secret=…`). NIP-44 v2 encryption, announced with the
 * `encryption` tag (NIP-47 "Encryption"); the reply is matched by its `e` tag. Browser-safe; in Node
 * install a WebSocket implementation first (nostr-tools/pool useWebSocketImplementation).
 */
import { SimplePool } from 'nostr-tools/pool'
import { finalizeEvent, getPublicKey } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import { hexToBytes } from 'nostr-tools/utils'
import { z } from 'zod'
import { Kind } from '@zapcade/shared/kinds'

export interface NwcConnection {
  walletPubkey: string
  relays: string[]
  secret: Uint8Array
  lud16: string | undefined
}

/** A NIP-47 error reply (`PAYMENT_FAILED`, `INSUFFICIENT_BALANCE`, …) or a local failure (`TIMEOUT`). */
export class NwcError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'NwcError'
    this.code = code
  }
}

/** Parse a wallet-connect URI; throws NwcError('BAD_URI') naming what is wrong (never echoing the secret). */
export function parseNwcUri(uri: string): NwcConnection {
  const m = /^nostr\+walletconnect:\/\/([0-9a-f]{64})\?(.*)$/i.exec(uri.trim())
  if (!m) throw new NwcError('BAD_URI', 'not a nostr+walletconnect://<wallet pubkey>?relay=…&secret=… URI')
  const q = new URLSearchParams(m[2])
  const relays = q.getAll('relay')
  const secret = q.get('secret') ?? ''
  if (relays.length === 0) throw new NwcError('BAD_URI', 'the wallet-connect URI names no relay')
  if (!/^[0-9a-f]{64}$/i.test(secret)) throw new NwcError('BAD_URI', 'the wallet-connect URI has no valid secret')
  return { walletPubkey: m[1]!.toLowerCase(), relays, secret: hexToBytes(secret.toLowerCase()), lud16: q.get('lud16') ?? undefined }
}

const Reply = z.object({
  result_type: z.string(),
  error: z.object({ code: z.string(), message: z.string().default('') }).nullish(),
  result: z.record(z.string(), z.unknown()).nullish(),
})

/** Send one NIP-47 request and wait for its reply. */
export async function nwcRequest(uri: string, method: string, params: Record<string, unknown>, o: { timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
  const c = parseNwcUri(uri)
  const ck = nip44.getConversationKey(c.secret, c.walletPubkey)
  const req = finalizeEvent({
    kind: Kind.NwcRequest,
    created_at: Math.floor(Date.now() / 1000),
    tags: [['p', c.walletPubkey], ['encryption', 'nip44_v2']],
    content: nip44.encrypt(JSON.stringify({ method, params }), ck),
  }, c.secret)
  const pool = new SimplePool()
  try {
    return await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new NwcError('TIMEOUT', `the wallet did not answer ${method} within ${Math.round((o.timeoutMs ?? 60_000) / 1000)} s`)), o.timeoutMs ?? 60_000)
      const sub = pool.subscribe(c.relays, { kinds: [Kind.NwcResponse], authors: [c.walletPubkey], '#p': [getPublicKey(c.secret)], '#e': [req.id] }, {
        onevent: (ev) => {
          let reply
          try {
            reply = Reply.parse(JSON.parse(nip44.decrypt(ev.content, ck)))
          } catch {
            return // not for us or not readable: keep waiting
          }
          clearTimeout(timer)
          sub.close()
          if (reply.error) reject(new NwcError(reply.error.code, `wallet: ${reply.error.code}${reply.error.message ? ` ${reply.error.message}` : ''}`))
          else resolve(reply.result ?? {})
        },
        // Publish only once the reply subscription is live, or a fast wallet's answer could be missed.
        oneose: () => {
          Promise.any(pool.publish(c.relays, req)).catch(() => {
            clearTimeout(timer)
            reject(new NwcError('UNREACHABLE', `no wallet relay accepted the request (${c.relays.join(', ')})`))
          })
        },
        // Every relay closed (or never connected) before a reply: after a resolve this is a no-op.
        onclose: (reasons) => {
          clearTimeout(timer)
          reject(new NwcError('UNREACHABLE', `wallet relay closed: ${reasons.join('; ')}`))
        },
      })
    })
  } finally {
    pool.destroy()
  }
}

/** Pay a BOLT11 invoice; answers the preimage (and fees in msat when the wallet reports them). */
export async function nwcPayInvoice(uri: string, invoice: string, o: { timeoutMs?: number } = {}): Promise<{ preimage: string; feesPaidMsat: number | undefined }> {
  const r = await nwcRequest(uri, 'pay_invoice', { invoice }, o)
  const parsed = z.object({ preimage: z.string(), fees_paid: z.number().int().nonnegative().optional() }).safeParse(r)
  if (!parsed.success) throw new NwcError('BAD_REPLY', 'the wallet answered pay_invoice without a preimage')
  return { preimage: parsed.data.preimage, feesPaidMsat: parsed.data.fees_paid }
}
