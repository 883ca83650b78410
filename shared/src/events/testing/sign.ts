/** Test helpers: sign events with keys made in the test (nostr-tools finalizeEvent). */
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import type { NostrEvent, UnsignedEvent } from '../event.ts'

export interface TestKey {
  sk: Uint8Array
  pk: string
}

/** A fresh key pair. */
export function newKey(): TestKey {
  const sk = generateSecretKey()
  return { sk, pk: getPublicKey(sk) }
}

/** Sign an unsigned event and keep only the seven NIP-01 fields. */
export function sign(u: UnsignedEvent, key: TestKey): NostrEvent {
  const { id, pubkey, created_at, kind, tags, content, sig } = finalizeEvent(
    { ...u, tags: u.tags.map((t) => [...t]) },
    key.sk,
  )
  return { id, pubkey, created_at, kind, tags, content, sig }
}

/** Sign an event of `kind` with exactly these tags. */
export function signTags(
  kind: number,
  tags: string[][],
  key: TestKey,
  content = '',
  createdAtSec = 1_760_000_000,
): NostrEvent {
  return sign({ kind, tags, content, created_at: createdAtSec }, key)
}

/** The same unsigned event with `edit` applied to a copy of its tags. */
export function withTags(u: UnsignedEvent, edit: (tags: string[][]) => string[][]): UnsignedEvent {
  return { ...u, tags: edit(u.tags.map((t) => [...t])) }
}

/** Drop every tag named `name`. */
export const without = (name: string) => (tags: string[][]) => tags.filter((t) => t[0] !== name)
/** Replace every tag named `name` with `tag`, or append it when absent. */
export const replacing = (tag: string[]) => (tags: string[][]) => {
  const rest = tags.filter((t) => t[0] !== tag[0])
  return [...rest, tag]
}
/** Append extra tags. */
export const adding =
  (...extra: string[][]) =>
  (tags: string[][]) => [...tags, ...extra]
