/**
 * Builds, step by step (docs/architecture.md "Downloads and blobs"): a developer asks for an upload of a game it owns
 * with the sha256, size and content type up front → a presigned PUT bound to them, expiring in minutes →
 * the bytes go straight to the store → `completeUpload` re-reads the stored object (streaming), checks
 * size, sha256 and the zip's central directory, and only then marks it VERIFIED. Only a VERIFIED object
 * can back a kind-3063 build asset (`verifiedKeyFor`).
 */
import { AppError } from '@zapcade/shared/errors'
import { isHex64 } from '@zapcade/shared/ids'
import type { BlobStore, PresignedPut, ZipDirectoryReader } from '../../ports/blob-store.ts'
import { buildObjectKey, ZipUnreadableError } from '../../ports/blob-store.ts'
import type { UploadRecord, UploadRepo } from './upload-repo.ts'
import { ZipTally } from './zip-policy.ts'
import type { ZipLimits } from './zip-policy.ts'

export interface UploadDeps {
  repo: UploadRepo
  store: BlobStore
  zip: ZipDirectoryReader
  nowSec: () => number
  uuid: () => string
  maxUploadBytes: number
  /** How long the upload URL lives; minutes, not hours (B5). */
  uploadTtlSec: number
  zipLimits: ZipLimits
}

export interface UploadRequest {
  callerPubkey: string
  gamePubkey: string
  slug: string
  version: string
  sha256: string
  sizeBytes: number
  contentType: string
}

export interface UploadTicket {
  id: string
  put: PresignedPut
}

export interface UploadOutcome {
  id: string
  status: 'VERIFIED' | 'REJECTED'
  reason?: string
}

/** Default cap on a build: 2 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 2 ** 30

/** Start an upload: ownership, declared size/hash/type checked; answers the presigned PUT. */
export async function createUpload(d: UploadDeps, r: UploadRequest): Promise<UploadTicket> {
  const game = d.repo.findGame(r.gamePubkey, r.slug)
  if (!game) throw new AppError('GAME_NOT_FOUND', 'no such game')
  if (game.developerPubkey !== r.callerPubkey)
    throw new AppError('FORBIDDEN', "only the game's developer may upload its builds")
  if (r.contentType !== 'application/zip')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'builds are application/zip')
  if (!isHex64(r.sha256))
    throw new AppError('VALIDATION_FAILED', 'sha256 must be 64 lowercase hex characters')
  if (!Number.isSafeInteger(r.sizeBytes) || r.sizeBytes <= 0)
    throw new AppError('VALIDATION_FAILED', 'size_bytes must be a positive integer')
  if (r.sizeBytes > d.maxUploadBytes)
    throw new AppError('BODY_TOO_LARGE', `builds are at most ${d.maxUploadBytes} bytes`)
  refuseRepublish(d, game.id, r.version, r.sha256)
  const now = d.nowSec()
  const rec: UploadRecord = {
    id: d.uuid(),
    gameId: game.id,
    developerUserId: game.developerUserId,
    developerPubkey: game.developerPubkey,
    version: r.version,
    objectKey: buildObjectKey(game.id, d.uuid()),
    sha256: r.sha256,
    sizeBytes: r.sizeBytes,
    contentType: 'application/zip',
    status: 'PENDING',
    rejectReason: null,
    expiresAtSec: now + d.uploadTtlSec,
    createdAtSec: now,
    verifiedAtSec: null,
  }
  d.repo.insert(rec)
  const put = await d.store.presignPut(rec.objectKey, {
    sizeBytes: rec.sizeBytes,
    sha256: rec.sha256,
    contentType: rec.contentType,
    expiresAtSec: rec.expiresAtSec,
  })
  return { id: rec.id, put }
}

/**
 * Releases are immutable once published: a version whose build the market verified never gets other
 * bytes (buyers checked that hash). The same bytes again are fine (a retried upload).
 */
function refuseRepublish(d: UploadDeps, gameId: number, version: string, sha256: string): void {
  const published = d.repo.publishedSha256(gameId, version)
  if (published !== undefined && published !== sha256) {
    throw new AppError(
      'VERSION_PUBLISHED',
      `version ${version} is published with another build; publish a new version`,
      { version, sha256: published },
    )
  }
}

/** Why the stored bytes may not back an asset, or undefined when they pass every check. */
async function inspect(d: UploadDeps, u: UploadRecord): Promise<string | undefined> {
  const dig = await d.store.digest(u.objectKey)
  if (!dig) return 'no object was stored'
  if (dig.sizeBytes !== u.sizeBytes) return `stored ${dig.sizeBytes} bytes, declared ${u.sizeBytes}`
  if (dig.sha256 !== u.sha256)
    return 'sha256 of the stored bytes does not match the declared sha256'
  const tally = new ZipTally(d.zipLimits)
  try {
    for await (const e of d.zip.entries(u.objectKey, dig.sizeBytes)) {
      const problem = tally.add(e)
      if (problem) return problem
    }
  } catch (e) {
    if (e instanceof ZipUnreadableError) return e.message
    throw e
  }
  return tally.finish(dig.sizeBytes)
}

/**
 * Verify an upload once its bytes are stored. Idempotent: a VERIFIED or REJECTED upload answers its
 * outcome again. A refused object is deleted so it can never be referenced.
 */
export async function completeUpload(
  d: UploadDeps,
  id: string,
  callerPubkey?: string,
): Promise<UploadOutcome> {
  const u = d.repo.get(id)
  if (!u) throw new AppError('NOT_FOUND', 'no such upload')
  // The local PUT route completes by itself (no caller): its signed token already binds the object.
  if (callerPubkey !== undefined && u.developerPubkey !== callerPubkey)
    throw new AppError('FORBIDDEN', 'not your upload')
  if (u.status === 'VERIFIED') return { id, status: 'VERIFIED' }
  if (u.status === 'REJECTED') {
    // The signed PUT URL is reusable until it expires: bytes sent again after a rejection are removed too.
    await d.store.delete(u.objectKey)
    return { id, status: 'REJECTED', reason: u.rejectReason ?? '' }
  }
  if (!(await d.store.stat(u.objectKey))) {
    if (d.nowSec() >= u.expiresAtSec) {
      d.repo.markRejected(id, 'upload URL expired before any bytes arrived')
      throw new AppError('UPLOAD_EXPIRED', 'the upload URL expired; ask for a new one')
    }
    throw new AppError('CONFLICT', 'no bytes were uploaded yet')
  }
  // The version may have been published with other bytes since this upload was asked for.
  try {
    refuseRepublish(d, u.gameId, u.version, u.sha256)
  } catch (e) {
    d.repo.markRejected(id, (e as Error).message)
    await d.store.delete(u.objectKey)
    throw e
  }
  const problem = await inspect(d, u)
  if (problem) {
    d.repo.markRejected(id, problem)
    await d.store.delete(u.objectKey)
    return { id, status: 'REJECTED', reason: problem }
  }
  d.repo.markVerified(id, d.nowSec())
  return { id, status: 'VERIFIED' }
}
