/**
 * Pay an invoice from the browser with the buyer's own Nostr Wallet Connect URI (NIP-47 pay_invoice),
 * through the project's NIP-47 client (shared/src/nwc) with nostr-tools' cryptography and the browser's
 * WebSocket. The URI is a spending credential: it is used for this one payment and never stored or sent
 * to the market. Encryption follows the wallet's 13194 info event: nip44_v2 when offered, else NIP-04.
 */
import { NwcClient } from '@zapcade/shared/nwc/client'
import { browserNwcCrypto } from '@zapcade/shared/nwc/browser'
import { NwcError, NwcWalletError } from '@zapcade/shared/nwc/uri'

/** Ask the wallet to pay `invoice`; answers the preimage or throws an Error a buyer can read. */
export async function nwcPayInvoice(
  uri: string,
  invoice: string,
  timeoutMs = 60_000,
): Promise<{ preimage: string }> {
  let client: NwcClient
  try {
    client = new NwcClient(uri, {
      crypto: browserNwcCrypto,
      WebSocket,
      replies: 'per-request',
      timeoutMs,
    })
  } catch (e) {
    throw new Error(
      e instanceof NwcError ? `The wallet connection URI is not valid: ${e.message}.` : String(e),
    )
  }
  try {
    const r = await client.payInvoice({ invoice })
    if (typeof r.preimage !== 'string' || r.preimage === '')
      throw new Error('The wallet answered without a preimage.')
    return { preimage: r.preimage }
  } catch (e) {
    if (e instanceof NwcWalletError) throw new Error(`The wallet refused: ${e.message}`)
    if (e instanceof NwcError && e.code === 'TIMEOUT')
      throw new Error('The wallet did not answer in time.')
    if (e instanceof NwcError) throw new Error(`Could not reach the wallet: ${e.message}`)
    throw e
  } finally {
    client.close()
  }
}
