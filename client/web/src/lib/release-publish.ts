/**
 * Publishing a release from the browser, the same protocol as `zapcade release publish`: sha256 of the
 * dropped zip (lib/file-hash.ts) → `POST /api/v1/developer/uploads` (NIP-98) for a ticket bound to the
 * hash, size and type → PUT the bytes to the ticket's URL (XMLHttpRequest, for upload progress) → follow
 * the upload until the market has verified the stored bytes (asking it to `complete` once, for S3) →
 * sign the kind-3063 build asset and the kind-30063 release with the developer's own signer → submit
 * both through `POST /api/v1/events`. A refusal is said as what to do (a published version never
 * changes: publish a new one).
 */
import { BUILD_MIME, buildBuildAsset } from '@zapcade/shared/events/build-asset'
import { buildRelease } from '@zapcade/shared/events/release'
import { isSemver } from '@zapcade/shared/events/semver'
import { api, ApiError, gamePath } from './api.ts'
import { hashBlob } from './file-hash.ts'
import { getSession } from './session.ts'
import type { GameDetail, Info, SignedEvent } from './types.ts'
import type { UploadStatusResponse, UploadTicket } from '@zapcade/shared/api/uploads'
import type { PublishEventResponse } from '@zapcade/shared/api/events'

export type Phase =
  | { at: 'check' }
  | { at: 'hash'; done: number; total: number }
  | { at: 'upload'; done: number; total: number }
  | { at: 'verify' }
  | { at: 'sign' }
  | { at: 'publish' }

export interface ReleaseJob {
  game: { pubkey: string; slug: string; title: string }
  version: string
  /** Markdown; blank keeps the notes this version already has (a retry), else none. */
  notes: string
  platforms: string[]
  file: Blob & { name?: string }
}

export interface Published {
  sha256: string
  asset: SignedEvent
  release: SignedEvent
  url: string
}

/** A refusal in the developer's words (`code` kept for tests and logs). */
export class ReleaseError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'ReleaseError'
    this.code = code
  }
}

/** The next patch version (1.2.3 → 1.2.4), as the CLI suggests it. */
export function nextPatch(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version)
  return m ? `${m[1]}.${m[2]}.${Number(m[3]) + 1}` : version
}

/** What a developer reads for a refusal of an upload or a release. */
export function releaseErrorText(
  code: string | undefined,
  detail: string | undefined,
  job: Pick<ReleaseJob, 'version'> & { game: { title: string } },
): string {
  switch (code) {
    case 'VERSION_PUBLISHED':
      return `${job.game.title} ${job.version} is already published with another build, and a published release never changes (buyers checked its hash). Publish it as a new version, for example ${nextPatch(job.version)}.`
    case 'UPLOAD_INVALID':
      return `The market refused this zip: ${detail ?? 'it is not a valid build'}. Fix the archive and drop it again.`
    case 'UPLOAD_EXPIRED':
      return 'The upload link expired before the file arrived. Drop the file again to get a new one.'
    case 'BODY_TOO_LARGE':
      return `This file is larger than the market accepts${detail ? ` (${detail})` : ''}.`
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'Builds are zip archives: drop a .zip file.'
    case 'GAME_NOT_FOUND':
      return `The market has no published game ${job.game.title} signed by this key yet. List it first, then publish its release.`
    case 'FORBIDDEN':
      return 'Only the key that signed this game can publish its releases. Sign in with that key.'
    default:
      return detail ?? 'The market refused the release.'
  }
}

function refusal(e: unknown, job: ReleaseJob): Error {
  if (e instanceof ReleaseError) return e
  if (e instanceof ApiError)
    return new ReleaseError(
      e.code ?? 'HTTP',
      e.status >= 500 || e.status === 0 ? e.message : releaseErrorText(e.code, e.detail, job),
    )
  return e instanceof Error ? e : new Error(String(e))
}

/** PUT the file to the ticket's URL with upload progress; a refusal comes back as ApiError. */
function putWithProgress(
  ticket: UploadTicket,
  file: Blob,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(ticket.method, ticket.upload_url)
    // The browser sets the length itself and refuses scripts that try (a presigned S3 PUT lists it).
    for (const [k, v] of Object.entries(ticket.headers))
      if (!/^(content-length|host|connection)$/i.test(k)) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size)
        return resolve()
      }
      let p: { code?: string; detail?: string; title?: string } = {}
      try {
        p = JSON.parse(xhr.responseText) as typeof p
      } catch {
        // Not problem+json (a proxy's or a bucket's own page): the status says enough.
      }
      reject(
        new ApiError({
          status: xhr.status,
          ...(p.code ? { code: p.code } : {}),
          detail: p.detail ?? p.title ?? `The upload answered ${xhr.status}.`,
        }),
      )
    }
    xhr.onerror = () =>
      reject(
        new ApiError({
          status: 0,
          code: 'NETWORK',
          detail:
            'The upload could not reach the market (or its storage). Check your connection and try again.',
        }),
      )
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.onabort = () => reject(new ReleaseError('ABORTED', 'Upload cancelled.'))
    xhr.send(file)
  })
}

/** Follow an upload until VERIFIED (asking the market to verify once, for stores that do not tell it). */
async function waitVerified(id: string, timeoutMs = 10 * 60_000): Promise<void> {
  const path = `/api/v1/developer/uploads/${encodeURIComponent(id)}`
  const until = Date.now() + timeoutMs
  let completed = false
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    const s = await api<UploadStatusResponse>('GET', path, { auth: true })
    if (s.status === 'VERIFIED') return
    if (s.status === 'REJECTED')
      throw new ApiError({
        status: 422,
        code: 'UPLOAD_INVALID',
        detail: s.reject_reason ?? 'no reason given',
      })
    if (!completed) {
      completed = true
      const c = await api<{ status: string }>('POST', `${path}/complete`, { auth: true })
      if (c.status === 'VERIFIED') return
      continue
    }
    if (Date.now() > until)
      throw new ReleaseError('UPLOAD_TIMEOUT', 'The market did not verify the upload in time.')
    await new Promise((r) => setTimeout(r, delay))
  }
}

/** The first bytes of every zip: a local file header, or the end record of an empty archive. */
async function looksLikeZip(file: Blob): Promise<boolean> {
  const b = new Uint8Array(await file.slice(0, 4).arrayBuffer())
  return b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6)
}

/** Run every step; `onPhase` drives the progress view. */
export async function publishRelease(
  job: ReleaseJob,
  info: Info,
  onPhase: (p: Phase) => void,
  signal?: AbortSignal,
): Promise<Published> {
  const s = getSession()
  if (!s) throw new ReleaseError('AUTH_REQUIRED', 'Sign in first.')
  const version = job.version.trim()
  if (!isSemver(version))
    throw new ReleaseError('VALIDATION_FAILED', 'Version: use SemVer, for example 1.0.0.')
  const j = { ...job, version }
  onPhase({ at: 'check' })
  if (job.file.size === 0) throw new ReleaseError('VALIDATION_FAILED', 'This file is empty.')
  if (!(await looksLikeZip(job.file)))
    throw new ReleaseError(
      'UNSUPPORTED_MEDIA_TYPE',
      'This file is not a zip archive: builds are .zip files.',
    )
  try {
    const sha256 = await hashBlob(job.file, (done, total) => onPhase({ at: 'hash', done, total }))
    const ticket = await api<UploadTicket>('POST', '/api/v1/developer/uploads', {
      auth: true,
      body: {
        game: `${job.game.pubkey}/${job.game.slug}`,
        version,
        sha256,
        size_bytes: job.file.size,
        content_type: BUILD_MIME,
      },
    })
    onPhase({ at: 'upload', done: 0, total: job.file.size })
    await putWithProgress(
      ticket,
      job.file,
      (done, total) => onPhase({ at: 'upload', done, total }),
      signal,
    )
    onPhase({ at: 'verify' })
    await waitVerified(ticket.id)

    // A retried version keeps its notes unless new ones are given (an empty content would erase them).
    let notes = job.notes.trim()
    if (!notes) {
      const d = await api<GameDetail>('GET', `/api/v1/games/${gamePath(job.game)}`).catch(
        () => undefined,
      )
      notes = d?.releases.find((r) => r.version === version)?.notes ?? ''
    }
    onPhase({ at: 'sign' })
    const now = Math.floor(Date.now() / 1000)
    const downloadUrl = `${location.origin}/api/v1/games/${gamePath(job.game)}/download?version=${encodeURIComponent(version)}`
    const asset = await s.signer.signEvent(
      buildBuildAsset({
        slug: job.game.slug,
        version,
        sha256,
        sizeBytes: job.file.size,
        platforms: job.platforms,
        url: downloadUrl,
        createdAtSec: now,
      }),
    )
    const release = await s.signer.signEvent(
      buildRelease({
        pubkey: s.pubkey,
        slug: job.game.slug,
        version,
        assetEventId: asset.id,
        notes,
        publishedAtSec: now,
        ...(info.relays[0] ? { assetRelay: info.relays[0] } : {}),
      }),
    )
    onPhase({ at: 'publish' })
    await api<PublishEventResponse>('POST', '/api/v1/events', { body: asset, auth: false })
    await api<PublishEventResponse>('POST', '/api/v1/events', { body: release, auth: false })
    return { sha256, asset, release, url: `/game/${gamePath(job.game)}` }
  } catch (e) {
    throw refusal(e, j)
  }
}
