/** `zapcade game init` writes zapcade.json; `zapcade game publish` signs it as kind 32267 and publishes it. */
import { access, readFile, writeFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { z } from 'zod'
import { buildGame, parseGame } from '@zapcade/shared/events/game'
import { gameNaddr, type Pubkey } from '@zapcade/shared/ids'
import { formatSats, satsToMsat } from '@zapcade/shared/money'
import { platformHelp } from '@zapcade/shared/platforms'
import { intFlag, listFlag } from '../args.ts'
import { defineCommand } from '../command.ts'
import type { CliContext } from '../context.ts'
import { UsageError } from '../exit.ts'
import {
  gameInputOf,
  loadManifest,
  MANIFEST_FILE,
  validateManifest,
  writeManifest,
} from '../manifest.ts'
import { platformsFlag } from '../platform-flag.ts'
import { publishSigned } from '../publish.ts'

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  )

/** A slug from a folder name: lowercase, runs of other characters become '-'. */
export function slugFromName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
  return s || 'my-game'
}

export const gameInit = defineCommand({
  path: ['game', 'init'],
  summary: `Write a ${MANIFEST_FILE} manifest (and a DESCRIPTION.md) in the current directory.`,
  usage:
    'zapcade game init [--slug <slug>] [--title <title>] [--summary <text>] [--price-sats <n>] [--tags a,b] [--platforms linux-x86_64,windows-x86_64] [--status draft|unlisted|listed] [--force]',
  help: `Every field can be edited in the file afterwards; \`zapcade game publish\` validates it.
Defaults: slug from the folder name, status draft (kept by the market, not sent to relays), free.

Options:
  --slug <slug>          address of the game, [A-Za-z0-9][A-Za-z0-9._-]{0,63} (case kept; lowercase suggested)
  --title <title>        display name
  --summary <text>       one line, at most 280 characters
  --price-sats <n>       price in whole sats (0 = free)
  --tags <a,b>           genres, lowercase words
  --platforms <a,b>      NIP-82 platform ids: ${platformHelp()}
  --status <s>           draft | unlisted | listed
  --force                overwrite an existing ${MANIFEST_FILE}`,
  options: {
    slug: { type: 'string' },
    title: { type: 'string' },
    summary: { type: 'string' },
    'price-sats': { type: 'string' },
    tags: { type: 'string' },
    platforms: { type: 'string' },
    status: { type: 'string' },
    force: { type: 'boolean' },
  },
  schema: z.object({
    slug: z.string().optional(),
    title: z.string().optional(),
    summary: z.string().optional(),
    'price-sats': intFlag.optional(),
    tags: listFlag.optional(),
    platforms: platformsFlag.optional(),
    status: z.enum(['draft', 'unlisted', 'listed']).optional(),
    force: z.boolean().default(false),
    positionals: z.array(z.string()).max(0, 'takes no arguments'),
  }),
  async run(a, ctx) {
    const dir = ctx.io.cwd
    const path = join(dir, MANIFEST_FILE)
    if (!a.force && (await exists(path)))
      throw new UsageError(
        `${MANIFEST_FILE} already exists`,
        'Edit it, or pass --force to start over.',
      )
    const slug = a.slug ?? slugFromName(basename(resolve(dir)))
    const m = validateManifest(
      {
        slug,
        title: a.title ?? slug,
        ...(a.summary !== undefined ? { summary: a.summary } : {}),
        description_file: 'DESCRIPTION.md',
        price_sats: a['price-sats'] ?? 0,
        tags: a.tags ?? [],
        platforms: a.platforms ?? [],
        images: [],
        status: a.status ?? 'draft',
      },
      'the options',
    )
    await writeManifest(path, m)
    const desc = join(dir, 'DESCRIPTION.md')
    if (!(await exists(desc)))
      await writeFile(desc, `# ${m.title}\n\nDescribe your game here (Markdown).\n`)
    ctx.say(`Wrote ${path}`)
    ctx.say('Edit it, then run `zapcade game publish`.')
    ctx.emit({ manifest: path, ...m })
  },
})

/** The description text named by the manifest (empty when none). */
export async function readDescription(dir: string, file: string | undefined): Promise<string> {
  if (!file) return ''
  try {
    return await readFile(resolve(dir, file), 'utf8')
  } catch {
    throw new UsageError(`description_file ${file} cannot be read`)
  }
}

export const gamePublish = defineCommand({
  path: ['game', 'publish'],
  summary:
    'Validate zapcade.json, sign the game (kind 32267) with your key and publish it through the market.',
  usage: 'zapcade game publish [--manifest <file>] [--status draft|unlisted|listed]',
  help: `A paid game carries the market's zap tag (from GET /api/v1/info) so zaps and checkouts pay through it.
A draft is kept by the market and never sent to relays; publish again as unlisted or listed to go public.
Prints each relay's answer.

Options:
  --manifest <file>   default ./${MANIFEST_FILE}
  --status <s>        override the manifest's status for this publish`,
  options: { manifest: { type: 'string' }, status: { type: 'string' } },
  schema: z.object({
    manifest: z.string().default(MANIFEST_FILE),
    status: z.enum(['draft', 'unlisted', 'listed']).optional(),
    positionals: z.array(z.string()).max(0, 'takes no arguments'),
  }),
  async run(a, ctx) {
    const { manifest, dir } = await loadManifest(resolve(ctx.io.cwd, a.manifest))
    if (a.status) manifest.status = a.status
    const description = await readDescription(dir, manifest.description_file)
    const signer = await ctx.signer()
    const client = ctx.client(signer)
    const info = await client.info()
    const relay = info.relays[0] ?? ''
    const unsigned = buildGame(
      gameInputOf(
        manifest,
        description,
        { pubkey: info.market_pubkey, relay },
        Math.floor(Date.now() / 1000),
      ),
    )
    const ev = await signer.signEvent(unsigned)
    const check = parseGame(ev)
    if (!check.ok) throw new UsageError(`the game event would be refused: ${check.reason}`)
    const result = await publishSigned(ctx, client, ev, `game ${manifest.slug}`)
    const pubkey = ev.pubkey as Pubkey
    const naddr = gameNaddr({ pubkey, slug: manifest.slug }, info.relays)
    ctx.say(
      `${manifest.title} (${manifest.status}, ${manifest.price_sats > 0 ? formatSats(satsToMsat(manifest.price_sats)) : 'free'})`,
    )
    ctx.say(`Game: ${gameUrl(ctx, pubkey, manifest.slug)}`)
    ctx.say(`naddr: ${naddr}`)
    if (manifest.status !== 'draft' && manifest.price_sats > 0) {
      // Nothing is sold that cannot be delivered: until a release has a verified build the game is "coming soon".
      const soon = await client.games.get({ pubkey, slug: manifest.slug }).then(
        (g) => g.coming_soon,
        () => true,
      )
      if (soon)
        ctx.note(
          `Shown as "coming soon" and not sold until a release has a verified build: run \`zapcade release publish\`.`,
        )
    }
    ctx.emit({ event: ev, naddr, url: gameUrl(ctx, pubkey, manifest.slug), ...result })
  },
})

/** The storefront page of a game. */
export function gameUrl(ctx: CliContext, pubkey: string, slug: string): string {
  return `${ctx.apiUrl}/game/${pubkey}/${encodeURIComponent(slug)}`
}
