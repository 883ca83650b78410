/**
 * Zap-to-buy (NIP-57, docs/architecture.md "Money flows"): the market's LNURL-pay endpoint comes from its lud16 (from
 * /api/v1/info); the buyer signs a kind-9734 zap request with exactly one `p` = the market pubkey,
 * `a` = the game's coordinate, `amount` = the msat amount sent as the callback's `amount`, and the
 * market's relays; the callback answers the invoice. The request is never published by us.
 */
import { nip19 } from 'nostr-tools'
import { buildZapRequest } from '@zapcade/shared/events/zap-request'
import type { Signer } from '@zapcade/client/signers/signer'
import type { Info } from './types.ts'

interface PayRequest {
  callback?: string
  minSendable?: number
  maxSendable?: number
  allowsNostr?: boolean
  nostrPubkey?: string
  status?: string
  reason?: string
}

/** LUD-16 `name@domain` to its LNURL-pay URL; plain http only for the storefront's own host (dev). */
export function lud16Url(lud16: string): string {
  const at = lud16.lastIndexOf('@')
  const name = lud16.slice(0, at)
  const domain = lud16.slice(at + 1)
  if (at < 1 || !/^[a-z0-9-_.]+$/.test(name) || !domain)
    throw new Error(`Not a lightning address: ${lud16}`)
  const proto = domain === location.host ? location.protocol : 'https:'
  return `${proto}//${domain}/.well-known/lnurlp/${name}`
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } })
  // LUD-01: parse the body whatever the status; errors are {status: "ERROR", reason}.
  const body = (await res.json()) as T & { status?: string; reason?: string }
  if (body.status === 'ERROR') throw new Error(body.reason ?? 'The Lightning address refused.')
  if (!res.ok) throw new Error(body.reason ?? `The Lightning address answered ${res.status}.`)
  return body
}

/** Build and sign the 9734, fetch the invoice from the market's callback; answers the bolt11. */
export async function zapInvoice(
  info: Info,
  game: { pubkey: string; slug: string },
  amountMsat: number,
  signer: Signer,
): Promise<string> {
  if (!info.lud16) throw new Error('This market has no Lightning address for zaps.')
  const payUrl = lud16Url(info.lud16)
  const pay = await getJson<PayRequest>(payUrl)
  if (!pay.allowsNostr || pay.nostrPubkey !== info.market_pubkey || !pay.callback) {
    throw new Error('The market’s Lightning address does not accept zaps from this market key.')
  }
  if (pay.minSendable !== undefined && amountMsat < pay.minSendable)
    throw new Error('The amount is below what the market accepts.')
  if (pay.maxSendable !== undefined && amountMsat > pay.maxSendable)
    throw new Error('The amount is above what the market accepts.')
  // LUD-01: the pay URL as bech32 `lnurl`, so a client can check the receipt came from this recipient.
  const lnurl = nip19.encodeBytes('lnurl', new TextEncoder().encode(payUrl))
  const zapRequest = await signer.signEvent(
    buildZapRequest({
      recipientPubkey: info.market_pubkey,
      relays: info.relays,
      amountMsat,
      coordinate: `32267:${game.pubkey}:${game.slug}`,
      targetKind: 32267,
      lnurl,
      createdAtSec: Math.floor(Date.now() / 1000),
    }),
  )
  const sep = pay.callback.includes('?') ? '&' : '?'
  const url = `${pay.callback}${sep}amount=${amountMsat}&nostr=${encodeURIComponent(JSON.stringify(zapRequest))}&lnurl=${lnurl}`
  const inv = await getJson<{ pr?: string }>(url)
  if (!inv.pr) throw new Error('The market answered no invoice.')
  return inv.pr
}
