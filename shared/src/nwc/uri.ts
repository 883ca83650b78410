/**
 * The Nostr Wallet Connect URI (NIP-47): `nostr+walletconnect://<wallet pubkey>?relay=…[&relay=…]&secret=<hex>[&lud16=…]`.
 * The secret is the client's key: a spending credential, never echoed in an error or a log. One parser for
 * every party (the market's wallet, the CLI, the storefront). Browser-safe.
 */

/** A local failure (`BAD_URI`, `TIMEOUT`, `UNREACHABLE`, `CLOSED`, `BAD_REPLY`, …) or, as NwcWalletError, the wallet's. */
export class NwcError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'NwcError'
    this.code = code
  }
}

/**
 * An error reply from the wallet (`PAYMENT_FAILED`, `INSUFFICIENT_BALANCE`, `NOT_FOUND`, …): the wallet
 * answered, so the outcome is known (unlike a local TIMEOUT, after which a payment may or may not have happened).
 */
export class NwcWalletError extends NwcError {
  constructor(code: string, message: string) {
    super(code, message)
    this.name = 'NwcWalletError'
  }
}

export interface NwcConnection {
  walletPubkey: string
  relays: string[]
  /** The client's secret key (32 bytes). */
  secret: Uint8Array
  lud16: string | undefined
}

const HEX64 = /^[0-9a-f]{64}$/i

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** Parse a wallet-connect URI; throws NwcError('BAD_URI') saying what is wrong (never the secret). */
export function parseNwcUri(uri: string): NwcConnection {
  const m = /^nostr\+walletconnect:(?:\/\/)?([0-9a-f]{64})\/?\?(.*)$/i.exec(uri.trim())
  if (!m?.[1] || m[2] === undefined) {
    throw new NwcError(
      'BAD_URI',
      'not a wallet connection URI (nostr+walletconnect://<wallet pubkey>?relay=…&secret=…)',
    )
  }
  const q = new URLSearchParams(m[2])
  const relays = [
    ...new Set(
      q
        .getAll('relay')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  ]
  const secret = q.get('secret') ?? ''
  if (relays.length === 0) throw new NwcError('BAD_URI', 'the wallet connection URI names no relay')
  if (!relays.every((r) => /^wss?:\/\/[^\s]+$/i.test(r))) {
    throw new NwcError(
      'BAD_URI',
      'the wallet connection URI names a relay that is not a ws:// or wss:// URL',
    )
  }
  if (!HEX64.test(secret))
    throw new NwcError('BAD_URI', 'the wallet connection URI has no valid secret')
  return {
    walletPubkey: m[1].toLowerCase(),
    relays,
    secret: hexToBytes(secret.toLowerCase()),
    lud16: q.get('lud16') ?? undefined,
  }
}
