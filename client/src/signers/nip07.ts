/**
 * NIP-07: the browser extension (`window.nostr`) holds the key; we ask it to sign.
 * Browser-safe; takes the provider as a parameter so tests and other hosts can pass their own.
 */
import type { WindowNostr } from 'nostr-tools/nip07'
import type { Signer } from './signer.ts'

/** The NIP-07 provider of this page, when an extension injected one. */
export function findNip07(): WindowNostr | undefined {
  return (globalThis as { nostr?: WindowNostr }).nostr
}

/** A signer over a NIP-07 provider (default: window.nostr); throws when none is present. */
export function nip07Signer(provider: WindowNostr | undefined = findNip07()): Signer {
  if (!provider) throw new Error('no NIP-07 extension found (window.nostr is missing)')
  let pubkey: Promise<string> | undefined
  return {
    getPublicKey: () => (pubkey ??= provider.getPublicKey()),
    signEvent: async (t) => {
      const ev = await provider.signEvent({
        kind: t.kind,
        created_at: t.created_at,
        tags: t.tags,
        content: t.content,
      })
      return {
        id: ev.id,
        pubkey: ev.pubkey,
        created_at: ev.created_at,
        kind: ev.kind,
        tags: ev.tags,
        content: ev.content,
        sig: ev.sig,
      }
    },
  }
}
