/**
 * A download, authorised (docs/architecture.md "Downloads and blobs"): resolve the game and release → check the
 * caller's entitlement (decide.ts) → rate limits by ip_hash and by entitlement → mint a short-lived
 * URL with a safe attachment filename → record the DownloadEvent. A refusal mints nothing and records
 * nothing. The URL is re-minted on every request (expiry is not revocation, B5).
 */
import { AppError } from '@zapcade/shared/errors'
import type { BlobStore } from '../../ports/blob-store.ts'
import { safeFilename } from '../../ports/blob-store.ts'
import { decideDownload } from './decide.ts'
import type { DownloadRepo } from './download-repo.ts'
import { TokenBuckets } from './rate-limit.ts'
import type { BucketPolicy } from './rate-limit.ts'

/** At most 15 minutes. */
export const MAX_DOWNLOAD_URL_TTL_SEC = 15 * 60

export interface DownloadDeps {
  repo: DownloadRepo
  store: BlobStore
  nowMs: () => number
  /** HMAC-SHA256 of the client IP with the server secret (the edge computes it; no raw IP is kept). */
  ipHash: (ip: string) => string
  /** The hash under which purchases keep guest receipt codes. */
  receiptHash: (code: string) => string
  urlTtlSec: number
  limits: { perIp: TokenBuckets; perEntitlement: TokenBuckets }
}

export interface DownloadRequest {
  gamePubkey: string
  slug: string
  version: string | undefined
  callerPubkey: string | undefined
  receiptCode: string | undefined
  ip: string
  userAgent: string | undefined
}

export interface DownloadGrant {
  url: string
  expiresAtSec: number
  sha256: string
  sizeBytes: number
  filename: string
}

/** Default limits: 30 authorisations burst per IP (1 per 2 s after), 20 per entitlement (1 per 3 min). */
export const defaultDownloadLimits: { perIp: BucketPolicy; perEntitlement: BucketPolicy } = {
  perIp: { capacity: 30, refillPerSec: 0.5 },
  perEntitlement: { capacity: 20, refillPerSec: 1 / 180 },
}

/** Fresh in-memory limiters for the policies. */
export function makeDownloadLimits(p = defaultDownloadLimits): DownloadDeps['limits'] {
  return { perIp: new TokenBuckets(p.perIp), perEntitlement: new TokenBuckets(p.perEntitlement) }
}

function limited(retryAfterSec: number, what: string): AppError {
  return new AppError('RATE_LIMITED', `too many downloads ${what}; retry in ${retryAfterSec} s`, {
    retry_after_sec: retryAfterSec,
  })
}

/** Authorise one download; throws AppError on any refusal. */
export async function authorizeDownload(
  d: DownloadDeps,
  r: DownloadRequest,
): Promise<DownloadGrant> {
  const nowMs = d.nowMs()
  const ipHash = d.ipHash(r.ip)
  // The IP bucket is taken first, so guessing receipt codes is throttled like any other attempt.
  const byIp = d.limits.perIp.take(`ip:${ipHash}`, nowMs)
  if (!byIp.ok) throw limited(byIp.retryAfterSec, 'from this address')

  const game = d.repo.findGame(r.gamePubkey, r.slug)
  if (!game) throw new AppError('GAME_NOT_FOUND', 'no such game')
  const entitlement =
    r.callerPubkey !== undefined
      ? d.repo.entitlementForUser(r.callerPubkey, game.id)
      : r.receiptCode !== undefined
        ? d.repo.entitlementForReceipt(d.receiptHash(r.receiptCode), game.id)
        : undefined
  if (r.receiptCode !== undefined && r.callerPubkey === undefined && !entitlement) {
    throw new AppError('RECEIPT_INVALID', 'this receipt code holds no entitlement to this game')
  }
  const decision = decideDownload({
    game,
    callerPubkey: r.callerPubkey,
    authenticated: r.callerPubkey !== undefined || r.receiptCode !== undefined,
    entitlement,
  })
  if (!decision.allow) throw new AppError(decision.code, decision.detail)

  const release = d.repo.findRelease(game.id, r.version)
  if (!release)
    throw new AppError(
      'NOT_FOUND',
      r.version === undefined ? 'this game has no release yet' : `no release ${r.version}`,
    )
  if (!release.objectKey)
    throw new AppError('NOT_FOUND', 'the market holds no verified build for this release')

  if (decision.entitlementId !== null) {
    const byEnt = d.limits.perEntitlement.take(`ent:${decision.entitlementId}`, nowMs)
    if (!byEnt.ok) throw limited(byEnt.retryAfterSec, 'with this entitlement')
  }
  const nowSec = Math.floor(nowMs / 1000)
  const expiresAtSec = nowSec + Math.min(d.urlTtlSec, MAX_DOWNLOAD_URL_TTL_SEC)
  const filename = safeFilename(`${game.slug}-${release.version}.zip`)
  const url = await d.store.presignGet(release.objectKey, {
    filename,
    sha256: release.sha256,
    expiresAtSec,
  })
  d.repo.recordDownload({
    entitlementId: decision.entitlementId,
    releaseId: release.id,
    userPubkey: r.callerPubkey,
    ipHash,
    userAgent: r.userAgent?.slice(0, 300),
    createdAtSec: nowSec,
  })
  return { url, expiresAtSec, sha256: release.sha256, sizeBytes: release.sizeBytes, filename }
}
