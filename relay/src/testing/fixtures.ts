/**
 * Test fixtures for the relay's suites (and re-exported by the indexer's): developers with fresh keys per
 * run, signing with shared's event-sig, and the few events the relay tests send.
 */
import { randomBytes } from 'node:crypto'
import { publicKeyOf, signEvent } from '@zapcade/shared/crypto/event-sig'
import { buildGame, type GameInput } from '@zapcade/shared/events/game'
import type { NostrEvent, UnsignedEvent } from '@zapcade/shared/events/event'

export interface Dev {
  pubkey: string
  sign(u: UnsignedEvent): NostrEvent
}

/** A developer with a key generated for this run. */
export function makeDev(): Promise<Dev> {
  const sk = new Uint8Array(randomBytes(32))
  return Promise.resolve({
    pubkey: publicKeyOf(sk),
    sign: (u) => signEvent({ ...u, tags: u.tags.map((t) => [...t]) }, sk),
  })
}

export const game = (
  dev: Dev,
  slug: string,
  createdAt: number,
  extra: Partial<GameInput> = {},
): NostrEvent =>
  dev.sign(
    buildGame({
      slug,
      title: `Game ${slug}`,
      tags: ['puzzle'],
      platforms: ['linux-x86_64'],
      createdAtSec: createdAt,
      ...extra,
    }),
  )

export const deletion = (
  dev: Dev,
  targets: { e?: string[]; a?: string[] },
  createdAt: number,
): NostrEvent =>
  dev.sign({
    kind: 5,
    created_at: createdAt,
    content: '',
    tags: [
      ...(targets.e ?? []).map((id) => ['e', id]),
      ...(targets.a ?? []).map((a) => ['a', a]),
      ['k', '32267'],
    ],
  })
