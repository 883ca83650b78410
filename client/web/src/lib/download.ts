/**
 * Downloads: ask the service for a short-lived signed URL (`?format=json`, NIP-98 or X-Receipt-Code),
 * then navigate to it so the browser's own download manager fetches the zip.
 */
import { api, gamePath } from './api.ts'
import type { DownloadGrant } from './types.ts'

/** Start the download of a game's latest (or given) release. */
export async function startDownload(
  g: { pubkey: string; slug: string },
  opts: { receiptCode?: string; version?: string } = {},
): Promise<DownloadGrant> {
  const q = new URLSearchParams({ format: 'json' })
  if (opts.version) q.set('version', opts.version)
  const path = `/api/v1/games/${gamePath(g)}/download?${q.toString()}`
  // Free games need no entitlement: a guest asks unsigned; a signed-in buyer signs (NIP-98).
  const grant = await api<DownloadGrant>(
    'GET',
    path,
    opts.receiptCode ? { receiptCode: opts.receiptCode, auth: false } : { auth: 'optional' },
  )
  location.assign(grant.url)
  return grant
}
