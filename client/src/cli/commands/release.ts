/**
 * `zapcade release publish --version 1.2.0 --file build.zip --notes CHANGELOG.md`: hash the zip
 * (streamed), ask for an upload ticket, PUT the bytes with a progress bar, wait until the market has
 * verified them, then sign and publish the 3063 build asset and the 30063 release that points to it.
 * A published version is immutable: the market refuses other bytes for it (VERSION_PUBLISHED), and the
 * command then says to publish a new version. Re-publishing the same bytes keeps the version's notes
 * unless `--notes` gives new ones.
 */
import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { z } from 'zod'
import { BUILD_MIME, buildBuildAsset, parseBuildAsset } from '@zapcade/shared/events/build-asset'
import { buildRelease, CHANNEL_RE, isSemver, parseRelease } from '@zapcade/shared/events/release'
import { hashFile, putFile } from '../../api/node-file.ts'
import { ZapcadeApiError } from '../../api/errors.ts'
import { toNpub, type Pubkey } from '@zapcade/shared/ids'
import type { ZapcadeClient } from '../../api/client.ts'
import { platformHelp } from '@zapcade/shared/platforms'
import { defineCommand } from '../command.ts'
import type { CliContext } from '../context.ts'
import { RefusedError, UsageError } from '../exit.ts'
import { loadManifest, MANIFEST_FILE } from '../manifest.ts'
import { byteBar, spinner } from '../progress.ts'
import { platformsFlag } from '../platform-flag.ts'
import { publishSigned } from '../publish.ts'
import { gameUrl } from './game.ts'

/** Follow an upload until the market has verified (or rejected) the stored bytes. */
export async function waitVerified(
  ctx: CliContext,
  client: ZapcadeClient,
  id: string,
  timeoutMs = 10 * 60_000,
): Promise<void> {
  const spin = spinner(ctx, 'Verifying the upload')
  const started = Date.now()
  let completed = false
  try {
    for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
      const s = await client.developer.uploads.status(id)
      if (s.status === 'VERIFIED') return
      if (s.status === 'REJECTED')
        throw new RefusedError(
          'UPLOAD_INVALID',
          `the market rejected the upload: ${s.reject_reason ?? 'no reason given'}`,
        )
      // A presigned S3 PUT does not tell the market the bytes arrived: ask it to verify, once.
      if (!completed) {
        completed = true
        const c = await client.developer.uploads.complete(id)
        if (c.status === 'VERIFIED') return
        continue
      }
      if (Date.now() - started > timeoutMs)
        throw new RefusedError('UPLOAD_TIMEOUT', 'the upload was not verified in time')
      await new Promise((r) => setTimeout(r, delay))
    }
  } finally {
    spin.stop()
  }
}

/** The next patch version of a SemVer (1.2.3 → 1.2.4; pre-release and build parts dropped). */
export function nextPatch(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version)
  return m ? `${m[1]}.${m[2]}.${Number(m[3]) + 1}` : version
}

/** A market refusal of other bytes for a published version, said as what to do. */
function republishRefusal(e: unknown, slug: string, version: string): unknown {
  if (!(e instanceof ZapcadeApiError) || e.code !== 'VERSION_PUBLISHED') return e
  return new RefusedError(
    'VERSION_PUBLISHED',
    `${slug} ${version} is already published with another build, and a published release never changes: ` +
      `publish a new version (e.g. --version ${nextPatch(version)})`,
  )
}

export const releasePublish = defineCommand({
  path: ['release', 'publish'],
  summary: 'Upload a build zip, wait for the market to verify it, and publish the signed release.',
  usage:
    'zapcade release publish --version <semver> --file <build.zip> [--notes <CHANGELOG.md>] [--channel main] [--platforms linux-x86_64,windows-x86_64] [--manifest <file>]',
  help: `Steps: sha256 of the file (streamed) → POST /api/v1/developer/uploads → PUT the bytes (progress bar) →
wait until VERIFIED → sign and publish the build asset (kind 3063: sha256, size, download URL) → sign and
publish the release (kind 30063, notes as content) → print the game's URL. A published version never
changes: other bytes for it are refused (publish a new version instead); the same bytes again keep its notes.

Options:
  --version <semver>   the release version, e.g. 1.2.0
  --file <zip>         the build (application/zip)
  --notes <file>       release notes (Markdown); default: the notes this version already has, else none
  --channel <name>     default main
  --platforms <a,b>    NIP-82 platform ids of this build (${platformHelp()}); default the manifest's
  --manifest <file>    default ./${MANIFEST_FILE}`,
  options: {
    version: { type: 'string' },
    file: { type: 'string' },
    notes: { type: 'string' },
    channel: { type: 'string' },
    platforms: { type: 'string' },
    manifest: { type: 'string' },
  },
  schema: z.object({
    version: z.string({ error: 'is required' }).refine(isSemver, 'must be SemVer, e.g. 1.2.0'),
    file: z.string({ error: 'is required' }).min(1),
    notes: z.string().optional(),
    channel: z.string().regex(CHANNEL_RE, 'must match [a-z0-9][a-z0-9._-]{0,31}').optional(),
    platforms: platformsFlag.optional(),
    manifest: z.string().default(MANIFEST_FILE),
    positionals: z.array(z.string()).max(0, 'takes no arguments'),
  }),
  async run(a, ctx) {
    const { manifest } = await loadManifest(resolve(ctx.io.cwd, a.manifest))
    const file = resolve(ctx.io.cwd, a.file)
    const newNotes =
      a.notes === undefined
        ? undefined
        : await readFile(resolve(ctx.io.cwd, a.notes), 'utf8').catch(() => {
            throw new UsageError(`cannot read the notes file ${a.notes}`)
          })
    const platforms = a.platforms ?? manifest.platforms
    const { sha256, sizeBytes } = await hashFile(file).catch((e: unknown) => {
      throw new UsageError(`cannot read ${a.file}: ${(e as { code?: string }).code ?? String(e)}`)
    })
    if (sizeBytes === 0) throw new UsageError(`${a.file} is empty`)
    ctx.note(`${basename(file)}: ${sizeBytes} bytes, sha256 ${sha256}`)

    const signer = await ctx.signer()
    const pubkey = await signer.getPublicKey()
    const client = ctx.client(signer)
    const info = await client.info()
    const game = `${pubkey}/${manifest.slug}`
    const ticket = await client.developer.uploads
      .create({ game, version: a.version, sha256, size_bytes: sizeBytes, content_type: BUILD_MIME })
      .catch((e: unknown) => {
        // The market knows games by <pubkey>/<slug>: a miss usually means another key, or an unpublished game.
        if (e instanceof ZapcadeApiError && /NOT_FOUND$/.test(e.code)) {
          throw new RefusedError(
            e.code,
            `${e.detail}: the market has no game ${manifest.slug} signed by this key (${toNpub(pubkey)}); publish it first with \`zapcade game publish\``,
          )
        }
        throw republishRefusal(e, manifest.slug, a.version)
      })
    const bar = byteBar(ctx, 'Uploading', sizeBytes)
    try {
      await putFile(ticket, file, { onProgress: (n) => bar.update(n) }).catch((e: unknown) => {
        throw republishRefusal(e, manifest.slug, a.version)
      })
    } finally {
      bar.stop()
    }
    await waitVerified(ctx, client, ticket.id).catch((e: unknown) => {
      throw republishRefusal(e, manifest.slug, a.version)
    })
    // Re-publishing a version without --notes keeps the notes it has (an empty content would erase them).
    const notes =
      newNotes ??
      (await client.games.get({ pubkey: pubkey as Pubkey, slug: manifest.slug }).then(
        (g) => g.releases.find((r) => r.version === a.version)?.notes ?? '',
        () => '',
      ))
    ctx.note('Upload verified by the market.')

    const now = Math.floor(Date.now() / 1000)
    const downloadUrl = `${ctx.apiUrl}/api/v1/games/${pubkey}/${encodeURIComponent(manifest.slug)}/download?version=${encodeURIComponent(a.version)}`
    const asset = await signer.signEvent(
      buildBuildAsset({
        slug: manifest.slug,
        version: a.version,
        sha256,
        sizeBytes,
        platforms,
        url: downloadUrl,
        createdAtSec: now,
      }),
    )
    const assetCheck = parseBuildAsset(asset)
    if (!assetCheck.ok)
      throw new UsageError(`the build asset event would be refused: ${assetCheck.reason}`)
    const assetResult = await publishSigned(ctx, client, asset, `build asset ${a.version}`)
    const relInput: Parameters<typeof buildRelease>[0] = {
      pubkey,
      slug: manifest.slug,
      version: a.version,
      assetEventId: asset.id,
      notes,
      publishedAtSec: now,
    }
    if (a.channel) relInput.channel = a.channel
    if (info.relays[0]) relInput.assetRelay = info.relays[0]
    const release = await signer.signEvent(buildRelease(relInput))
    const relCheck = parseRelease(release)
    if (!relCheck.ok) throw new UsageError(`the release event would be refused: ${relCheck.reason}`)
    const releaseResult = await publishSigned(ctx, client, release, `release ${a.version}`)
    const url = gameUrl(ctx, pubkey, manifest.slug)
    ctx.say(`${manifest.title} ${a.version} is out: ${url}`)
    ctx.emit({
      url,
      version: a.version,
      sha256,
      size_bytes: sizeBytes,
      upload_id: ticket.id,
      asset,
      release,
      asset_result: assetResult,
      release_result: releaseResult,
    })
  },
})
