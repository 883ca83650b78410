/**
 * `zapcade.json`, the developer's game manifest: what `game publish` turns into a signed kind-32267
 * event. Validated with the same limits as the shared parser, so a manifest that passes here makes an
 * event the indexer accepts.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import {
  PLATFORM_RE,
  TAG_RE,
  isHttpUrl,
  type GameInput,
  type GameListing,
} from '@zapcade/shared/events/game'
import { isKnownPlatform, platformHelp } from '@zapcade/shared/platforms'
import { SLUG_RE, SLUG_RULE } from '@zapcade/shared/ids'
import { MAX_PRICE_SATS } from '@zapcade/shared/money'
import { describeIssues } from './args.ts'
import { UsageError } from './exit.ts'

export const MANIFEST_FILE = 'zapcade.json'

const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL')

export const manifestSchema = z
  .object({
    slug: z.string().regex(SLUG_RE, `must match ${SLUG_RULE}`),
    title: z.string().trim().min(1, 'must not be empty').max(120),
    summary: z.string().max(280).optional(),
    /** Markdown file with the long description, relative to the manifest. */
    description_file: z.string().min(1).optional(),
    price_sats: z.number().int('must be whole sats').min(0).max(MAX_PRICE_SATS).default(0),
    tags: z
      .array(z.string().regex(TAG_RE, 'tags are lowercase words: [a-z0-9][a-z0-9-]{0,31}'))
      .max(12)
      .default([]),
    // NIP-82 `f` ids (shared/src/platforms.ts), so the catalog's platform filter and labels know them.
    platforms: z
      .array(
        z
          .string()
          .regex(PLATFORM_RE, 'platform ids match [a-z0-9][a-z0-9_-]{0,31}')
          .refine(isKnownPlatform, {
            error: (iss) =>
              `unknown platform "${String(iss.input)}"; use NIP-82 ids: ${platformHelp()}`,
          }),
      )
      .default([]),
    icon: httpUrl.optional(),
    images: z.array(httpUrl).max(12).default([]),
    url: httpUrl.optional(),
    license: z.string().max(64).optional(),
    status: z.enum(['draft', 'unlisted', 'listed']).default('draft'),
  })
  .strict()

export type Manifest = z.infer<typeof manifestSchema>

/** Check a parsed JSON value; answers the manifest or throws UsageError naming each bad field. */
export function validateManifest(value: unknown, file = MANIFEST_FILE): Manifest {
  const r = manifestSchema.safeParse(value)
  if (!r.success) throw new UsageError(`${file} is invalid: ${describeIssues(r.error, '')}`)
  return r.data
}

/** Read and validate a manifest file. */
export async function loadManifest(
  path: string,
): Promise<{ manifest: Manifest; dir: string; path: string }> {
  const abs = resolve(path)
  let text: string
  try {
    text = await readFile(abs, 'utf8')
  } catch {
    throw new UsageError(
      `no manifest at ${path}`,
      'Run `zapcade game init` first, or pass --manifest <file>.',
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new UsageError(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  return { manifest: validateManifest(json, path), dir: dirname(abs), path: abs }
}

/** Write a manifest (pretty, trailing newline). */
export async function writeManifest(path: string, m: Manifest): Promise<void> {
  await writeFile(path, JSON.stringify(m, null, 2) + '\n', { flag: 'w' })
}

const LISTING: Record<Manifest['status'], GameListing> = {
  draft: 'DRAFT',
  unlisted: 'UNLISTED',
  listed: 'LISTED',
}

/** Manifest (+ description text, market routing) → the input of shared buildGame. */
export function gameInputOf(
  m: Manifest,
  description: string,
  market: { pubkey: string; relay: string } | undefined,
  createdAtSec: number,
): GameInput {
  const g: GameInput = {
    slug: m.slug,
    title: m.title,
    description,
    tags: m.tags,
    platforms: m.platforms,
    images: m.images,
    priceSats: m.price_sats,
    listing: LISTING[m.status],
    createdAtSec,
  }
  if (m.summary !== undefined) g.summary = m.summary
  if (m.icon !== undefined) g.icon = m.icon
  if (m.url !== undefined) g.url = m.url
  if (m.license !== undefined) g.license = m.license
  // A paid game routes zaps to the market (docs/architecture.md "Event profile": exactly one zap tag for a paid game).
  if (market && m.price_sats > 0) g.market = market
  return g
}
