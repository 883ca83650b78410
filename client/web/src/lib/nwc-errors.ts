/**
 * What a buyer reads when paying over Nostr Wallet Connect fails: each NIP-47 error code the wallet can
 * answer, and each local failure of the connection (bad URI, relay unreachable, no answer), as a sentence
 * that says what happened and what to do. Works on the project's NwcError/NwcWalletError (their `code`)
 * and on the messages `nwcPayInvoice` (lib/nwc.ts) throws, which name the code or the failure.
 */

/** NIP-47 error codes (nips/47.md "Error codes"), as the wallet sends them. */
const WALLET: Record<string, string> = {
  RATE_LIMITED:
    'Your wallet is refusing requests for now (too many in a short time). Wait a minute, then try again.',
  NOT_IMPLEMENTED:
    'Your wallet connection cannot pay invoices. Pay with the QR code or "Open in wallet" instead.',
  INSUFFICIENT_BALANCE:
    'Your wallet does not have enough funds for this payment. Top it up, or pay from another wallet with the QR code.',
  QUOTA_EXCEEDED:
    'This payment is over the spending budget of your wallet connection. Raise the budget in your wallet app, or pay with the QR code.',
  RESTRICTED:
    'This wallet connection is not allowed to pay invoices. Give it the pay permission in your wallet app, or pay with the QR code.',
  UNAUTHORIZED:
    'Your wallet does not recognise this connection (it may have been revoked). Make a new connection in your wallet app and paste it again.',
  INTERNAL: 'Your wallet had an internal error. Try again, or pay with the QR code.',
  PAYMENT_FAILED:
    'Your wallet could not route the payment. Nothing was paid; try again, or pay from another wallet with the QR code.',
  NOT_FOUND: 'Your wallet could not find this invoice. Try again, or pay with the QR code.',
  UNSUPPORTED_ENCRYPTION:
    'Your wallet does not support the encryption this page uses. Pay with the QR code instead.',
  OTHER:
    'Your wallet refused the payment. Check your wallet app, then try again or pay with the QR code.',
}

/** Local failures of the connection (shared/src/nwc codes). */
const LOCAL: Record<string, string> = {
  BAD_URI:
    'That is not a wallet connection. Copy the full "nostr+walletconnect://…" string from your wallet app and paste it again.',
  TIMEOUT:
    'Your wallet did not answer in time. Check that your wallet app is online (some need to be open), then try again. ' +
    'If it did pay, this page will still say "Paid" in a moment.',
  UNREACHABLE:
    'The relay of your wallet connection could not be reached. Check your internet connection and try again, or pay with the QR code.',
  PUBLISH_REFUSED:
    'The relay of your wallet connection refused the request. Try again, or make a new connection in your wallet app.',
  BAD_REPLY:
    'Your wallet sent an answer this page cannot read. Try again, or pay with the QR code.',
  CLOSED: 'The wallet connection was closed before it answered. Try again.',
  NO_PREIMAGE:
    'Your wallet answered without proof of payment. If it paid, this page will say "Paid" in a moment; otherwise try again.',
}

/** The NIP-47 or local code behind `e`, when it can be told. */
export function nwcErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code) return code
  const msg = e instanceof Error ? e.message : String(e)
  const refused = /^The wallet refused: ([A-Z_]+)\b/.exec(msg)
  if (refused) return refused[1]
  if (/^The wallet connection URI is not valid/.test(msg)) return 'BAD_URI'
  if (/did not answer in time|no answer in \d+ ms/.test(msg)) return 'TIMEOUT'
  if (/without a preimage/.test(msg)) return 'NO_PREIMAGE'
  if (/^Could not reach the wallet: .*(refused the request)/.test(msg)) return 'PUBLISH_REFUSED'
  if (/^Could not reach the wallet: .*(closed before|connection is closed)/.test(msg))
    return 'CLOSED'
  if (/^Could not reach the wallet/.test(msg)) return 'UNREACHABLE'
  return undefined
}

/** A sentence for the buyer: what went wrong with the wallet, and what to do. */
export function nwcErrorText(e: unknown): string {
  const code = nwcErrorCode(e)
  if (code && WALLET[code]) return WALLET[code]
  if (code && LOCAL[code]) return LOCAL[code]
  return 'Paying from your wallet failed. Try again, or pay with the QR code or "Open in wallet".'
}
