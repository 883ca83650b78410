/**
 * Pay an invoice from the browser with the buyer's own Nostr Wallet Connect URI (NIP-47 pay_invoice).
 * The URI is a spending credential: it is used for this one payment and never stored or sent to the
 * market. Encryption follows the wallet's 13194 info event: nip44_v2 when offered, else NIP-04.
 */
import { Relay } from 'nostr-tools/relay'
import { finalizeEvent, getPublicKey } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import * as nip04 from 'nostr-tools/nip04'
import { hexToBytes } from 'nostr-tools/utils'

export interface NwcUri {
  walletPubkey: string
  relays: string[]
  secret: Uint8Array
}

/** Parse `nostr+walletconnect://<wallet pubkey>?relay=…&secret=<hex>`; throws a readable Error. */
export function parseNwcUri(uri: string): NwcUri {
  const s = uri.trim()
  const m = /^nostr\+walletconnect:\/\/([0-9a-f]{64})\?(.*)$/i.exec(s)
  if (!m?.[1] || m[2] === undefined) throw new Error('Not a wallet connection URI (nostr+walletconnect://…).')
  const q = new URLSearchParams(m[2])
  const relays = q.getAll('relay')
  const secret = q.get('secret') ?? ''
  if (relays.length === 0) throw new Error('The wallet connection URI names no relay.')
  if (!/^[0-9a-f]{64}$/i.test(secret)) throw new Error('The wallet connection URI has no valid secret.')
  return { walletPubkey: m[1].toLowerCase(), relays, secret: hexToBytes(secret.toLowerCase()) }
}

interface NwcReply {
  result_type?: string
  error?: { code?: string; message?: string } | null
  result?: { preimage?: string } | null
}

/** Which encryption the wallet speaks, from its 13194 info event (NIP-47 encryption negotiation). */
function walletEncryption(relay: Relay, walletPubkey: string): Promise<'nip44_v2' | 'nip04'> {
  return new Promise((resolve) => {
    let found: 'nip44_v2' | 'nip04' | undefined
    const sub = relay.subscribe([{ kinds: [13194], authors: [walletPubkey], limit: 1 }], {
      onevent(ev) {
        const tag = ev.tags.find((t) => t[0] === 'encryption')
        found = tag?.[1]?.split(/\s+/).includes('nip44_v2') ? 'nip44_v2' : 'nip04'
      },
      oneose() {
        sub.close()
        // No info event at all: assume a current wallet (nip44_v2).
        resolve(found ?? 'nip44_v2')
      },
      eoseTimeout: 5000,
    })
  })
}

/** Ask the wallet to pay `invoice`; answers the preimage or throws the wallet's error message. */
export async function nwcPayInvoice(uri: string, invoice: string, timeoutMs = 60_000): Promise<{ preimage: string }> {
  const nwc = parseNwcUri(uri)
  const relayUrl = nwc.relays[0] as string
  const relay = await Relay.connect(relayUrl)
  try {
    const scheme = await walletEncryption(relay, nwc.walletPubkey)
    const clientPubkey = getPublicKey(nwc.secret)
    const plain = JSON.stringify({ method: 'pay_invoice', params: { invoice } })
    const ck = scheme === 'nip44_v2' ? nip44.getConversationKey(nwc.secret, nwc.walletPubkey) : undefined
    const content = ck ? nip44.encrypt(plain, ck) : nip04.encrypt(nwc.secret, nwc.walletPubkey, plain)
    const tags = [['p', nwc.walletPubkey]]
    if (ck) tags.push(['encryption', 'nip44_v2'])
    const req = finalizeEvent({ kind: 23194, created_at: Math.floor(Date.now() / 1000), tags, content }, nwc.secret)

    const reply = new Promise<NwcReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('The wallet did not answer in time.')), timeoutMs)
      const sub = relay.subscribe([{ kinds: [23195], authors: [nwc.walletPubkey], '#p': [clientPubkey], '#e': [req.id] }], {
        onevent(ev) {
          try {
            const text = ck ? nip44.decrypt(ev.content, ck) : nip04.decrypt(nwc.secret, nwc.walletPubkey, ev.content)
            clearTimeout(timer)
            sub.close()
            resolve(JSON.parse(text) as NwcReply)
          } catch {
            // Not decryptable for us: keep waiting for the real answer.
          }
        },
      })
    })
    await relay.publish(req)
    const r = await reply
    if (r.error) throw new Error(`The wallet refused: ${r.error.message ?? r.error.code ?? 'unknown error'}`)
    if (!r.result?.preimage) throw new Error('The wallet answered without a preimage.')
    return { preimage: r.result.preimage }
  } finally {
    relay.close()
  }
}
