/**
 * Pay an invoice from the buyer's own wallet (`nostr+walletconnect://<wallet>?relay=…&secret=…`) with the
 * project's NIP-47 client (shared/src/nwc): encryption negotiated from the wallet's info event (NIP-44 v2,
 * NIP-04 for older wallets), the reply matched by its `e` tag. Browser-safe; Node 20 has no global
 * WebSocket: call useNwcWebSocket (installNodeWebSocket does) or pass `WebSocket` per call.
 */
import { NwcClient } from '@zapcade/shared/nwc/client'
import { browserNwcCrypto } from '@zapcade/shared/nwc/browser'
import type { SocketClass } from '@zapcade/shared/nwc/relay-link'
import { NwcError } from '@zapcade/shared/nwc/uri'

export { NwcError, NwcWalletError, parseNwcUri, type NwcConnection } from '@zapcade/shared/nwc/uri'

let socketClass: SocketClass | undefined

/** The WebSocket class NWC requests use where there is no global one (Node 20: `ws`). */
export function useNwcWebSocket(ws: unknown): void {
  socketClass = ws as SocketClass
}

export interface NwcRequestOptions {
  timeoutMs?: number
  WebSocket?: unknown
}

/** Send one NIP-47 request and wait for its reply (a one-shot connection, closed afterwards). */
export async function nwcRequest(
  uri: string,
  method: string,
  params: Record<string, unknown>,
  o: NwcRequestOptions = {},
): Promise<Record<string, unknown>> {
  const Socket = (o.WebSocket ??
    socketClass ??
    (globalThis as { WebSocket?: unknown }).WebSocket) as SocketClass | undefined
  if (!Socket)
    throw new NwcError('UNREACHABLE', 'no WebSocket implementation (Node 20: call useNwcWebSocket)')
  // One request: a subscription by its `e` tag is all it needs (no standing reply subscription to set up).
  const client = new NwcClient(uri, {
    crypto: browserNwcCrypto,
    WebSocket: Socket,
    replies: 'per-request',
    timeoutMs: o.timeoutMs ?? 60_000,
  })
  try {
    return await client.request(method, params)
  } finally {
    client.close()
  }
}

/** Pay a BOLT11 invoice; answers the preimage (and fees in msat when the wallet reports them). */
export async function nwcPayInvoice(
  uri: string,
  invoice: string,
  o: NwcRequestOptions = {},
): Promise<{ preimage: string; feesPaidMsat: number | undefined }> {
  const r = await nwcRequest(uri, 'pay_invoice', { invoice }, o)
  const { preimage, fees_paid: fees } = r as { preimage?: unknown; fees_paid?: unknown }
  if (typeof preimage !== 'string' || !/^[0-9a-f]{64}$/i.test(preimage))
    throw new NwcError('BAD_REPLY', 'the wallet answered pay_invoice without a preimage')
  return {
    preimage,
    feesPaidMsat:
      typeof fees === 'number' && Number.isInteger(fees) && fees >= 0 ? fees : undefined,
  }
}
