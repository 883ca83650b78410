/**
 * The signed truth about a build: the developer's kind-3063 asset event, found through their kind-30063
 * release on the market's relays. The CLI checks downloaded bytes against the sha256 signed there, so
 * neither the market nor a storage bucket can swap a build unnoticed.
 */
import { SimplePool } from 'nostr-tools/pool'
import { verifyEvent } from 'nostr-tools/pure'
import { parseBuildAsset, type BuildAsset } from '@zapcade/shared/events/build-asset'
import { parseRelease } from '@zapcade/shared/events/release'
import { Kind } from '@zapcade/shared/kinds'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { installWebSocket } from './context.ts'

const copy = (e: NostrEvent): NostrEvent => ({
  id: e.id,
  pubkey: e.pubkey,
  created_at: e.created_at,
  kind: e.kind,
  tags: e.tags,
  content: e.content,
  sig: e.sig,
})

/** Newest valid event among candidates signed by `pubkey` (id and signature verified here). */
function newestSigned(events: NostrEvent[], pubkey: string): NostrEvent | undefined {
  return events
    .filter((e) => e.pubkey === pubkey && verifyEvent(copy(e)))
    .sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : 1))[0]
}

/**
 * Find the asset of `<pubkey>/<slug>@<version>` on the relays; undefined when no relay has a valid one.
 * Relays that cannot be reached simply contribute nothing (maxWait bounds the wait).
 */
export async function fetchSignedAsset(
  relays: string[],
  pubkey: string,
  slug: string,
  version: string,
  maxWaitMs = 5000,
): Promise<BuildAsset | undefined> {
  if (relays.length === 0) return undefined
  installWebSocket()
  const pool = new SimplePool()
  try {
    const releases = await pool.querySync(
      relays,
      { kinds: [Kind.Release], authors: [pubkey], '#d': [`${slug}@${version}`] },
      { maxWait: maxWaitMs },
    )
    const rel = newestSigned(releases, pubkey)
    if (!rel) return undefined
    const r = parseRelease(rel)
    if (!r.ok) return undefined
    // A release may list several assets (NIP-82): the build is the one zip among them.
    const ids = r.value.assets.map((a) => a.id)
    const assets = await pool.querySync(relays, { ids }, { maxWait: maxWaitMs })
    for (const id of ids) {
      const ev = newestSigned(
        assets.filter(
          (e) => (e.kind === Kind.BuildAsset || e.kind === Kind.FileMetadata) && e.id === id,
        ),
        pubkey,
      )
      const a = ev && parseBuildAsset(ev)
      if (a?.ok && a.value.slug === slug && a.value.version === version) return a.value
    }
    return undefined
  } finally {
    pool.destroy()
  }
}
