/**
 * Test fixtures: developers with fresh keys per run, signing with shared's event-sig (libsecp256k1 in WASM),
 * and the events of our NIP-82 profile (docs/architecture.md "Event profile").
 */
import { randomBytes, createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { Dev } from '@zapcade/relay/testing/fixtures'

// Developers, listings and deletions are the relay's fixtures; the rest of the NIP-82 profile is here.
export { deletion, game, makeDev, type Dev } from '@zapcade/relay/testing/fixtures'

export const asset = (
  dev: Dev,
  slug: string,
  version: string,
  createdAt: number,
  sizeBytes = 1234,
): NostrEvent =>
  dev.sign({
    kind: 3063,
    created_at: createdAt,
    content: '',
    tags: [
      ['i', slug],
      ['version', version],
      ['x', createHash('sha256').update(`${slug}@${version}:${createdAt}`).digest('hex')],
      ['size', String(sizeBytes)],
      ['m', 'application/zip'],
      ['f', 'linux-x86_64'],
    ],
  })

export const release = (
  dev: Dev,
  slug: string,
  version: string,
  assetId: string,
  createdAt: number,
  notes = '',
): NostrEvent =>
  dev.sign({
    kind: 30063,
    created_at: createdAt,
    content: notes,
    tags: [
      ['d', `${slug}@${version}`],
      ['i', slug],
      ['version', version],
      ['c', 'main'],
      ['a', `32267:${dev.pubkey}:${slug}`],
      ['e', assetId],
    ],
  })

export const profile = (dev: Dev, meta: Record<string, string>, createdAt: number): NostrEvent =>
  dev.sign({ kind: 0, created_at: createdAt, content: JSON.stringify(meta), tags: [] })

/** A copy with one signature nibble flipped (ING-1). */
export function forgeSig(ev: NostrEvent): NostrEvent {
  const c = ev.sig[10] === '0' ? '1' : '0'
  return { ...ev, sig: ev.sig.slice(0, 10) + c + ev.sig.slice(11) }
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `zapcade-idx-${randomBytes(3).toString('hex')}-`))
  return {
    dir,
    file: (n) => join(dir, n),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
