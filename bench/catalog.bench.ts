/**
 * Catalog reads. 50,000 games (plus drafts, unlisted, banned and deleted ones) seeded
 * straight into a SQLite file through the real migrations (the FTS5 triggers fill games_fts), served by
 * the real catalog routes in a child process next to a trivial JSON route, and loaded from this process
 * with autocannon at 50 connections: the trivial route, list (page 1 and deep pages by cursor), a tag
 * filter, search (a rotating set of one- and two-word queries with a prefix last word) and detail
 * (random games). Each line gives req/s, p50, p99 and the ratio to the trivial route of the same run.
 * Then the search classes (common word, popular word, rare word, two words, prefix, tag+sort), each
 * uncached, cached, and cached with a 1 s stale window, on a quiet catalog and then while a writer process
 * commits a batch of game updates every 100 ms (what the live indexer does): every commit moves the
 * catalog's version, so the cached routes see a miss on every key at once (the stampede).
 * Goal: every class ≥ 50% of the trivial route with the writer and p99 < 20 ms; uncached ≥ 25%.
 * `BENCH_PART=search` runs only the search classes; `BENCH_PART=base` only the original scenarios.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { applyPragmas, loadMigrations, migrate } from '@zapcade/shared/db/migrate'
import type { Game } from '@zapcade/shared/events/game'
import type { Msat } from '@zapcade/shared/money'
import type { Pubkey } from '@zapcade/shared/ids'
import { CatalogWriter } from '@zapcade/relay-indexer/store/catalog-writer'
import { AppError } from '@zapcade/shared/errors'
import { sqliteCatalogReader } from '@zapcade/market-service/adapters/sqlite/catalog-reader'
import { catalogRoutes } from '@zapcade/market-service/routes/catalog'
import { ftsQuery } from '@zapcade/market-service/adapters/sqlite/fts-query'
import { GameListQuery, type GameListParams } from '@zapcade/shared/api/catalog'

const GAMES = Number(process.env['BENCH_GAMES'] ?? 50_000)
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8)
const CONNECTIONS = 50
const PART = process.env['BENCH_PART'] ?? 'all'
const CLASS_SECONDS = Number(process.env['BENCH_CLASS_SECONDS'] ?? 5)
/** The writer's commit period and batch (games updated per commit). */
const WRITE_MS = Number(process.env['BENCH_WRITE_MS'] ?? 100)
const WRITE_GAMES = Number(process.env['BENCH_WRITE_GAMES'] ?? 5)

// ---- seed ----
/** Deterministic PRNG (mulberry32), so every run seeds the same catalog. */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const ADJ =
  `ancient astral broken burning cosmic crimson crystal cursed dark deep distant drifting electric endless fallen
  feral forgotten frozen galactic ghostly gilded golden grim hidden hollow infinite iron last lone lost lunar mad mechanical
  midnight misty mystic neon nocturnal pale phantom pixel quantum quiet radiant restless rogue rusty savage scarlet secret
  shadow shattered silent silver sleepy solar spectral starry stormy sunken super tiny turbo twisted velvet wandering wild`.split(
    /\s+/,
  )
const NOUN =
  `abyss arena armada bastion beacon blade castle catacomb citadel colony comet crown crypt dungeon dynasty echo
  empire engine escape expedition forest fortress frontier galaxy garden gate harbor heist horizon island jungle kingdom
  labyrinth lagoon legend machine maze meadow mine moon nebula odyssey orbit outpost planet portal quest realm reef relic
  rift river ruins saga sanctum sector signal skies spire station storm summit temple tower valley vault voyage wastes world`.split(
    /\s+/,
  )
const SUFFIX = [
  '',
  '',
  '',
  '',
  ' tactics',
  ' survivors',
  ' legends',
  ' 2',
  ' deluxe',
  ' remastered',
  ' online',
  ' chronicles',
  ' rush',
  ' arena',
  ' tycoon',
]
const GENRES =
  `action adventure arcade card-game casual city-builder co-op fighting horror idle metroidvania mystery narrative
  pixel-art platformer point-and-click puzzle racing rhythm roguelike rpg sandbox shooter simulation sports stealth strategy
  survival tower-defense visual-novel`.split(/\s+/)
const PLATFORMS = [
  'linux-x86_64',
  'windows-x86_64',
  'macos-arm64',
  'macos-x86_64',
  'web',
  'android-arm64',
]
const WORDS =
  `explore build fight craft survive discover unlock collect upgrade trade command defend conquer escape solve
  sneak race climb dive fly sail mine farm cook brew forge hack repair rescue recruit hunt gather battle duel pilot navigate
  procedurally generated levels handcrafted story branching dialogue hundreds of items weapons spells enemies bosses secrets
  local multiplayer online leaderboards controller support soundtrack pixel art retro modern physics puzzles friends alone
  permadeath deckbuilding turn based real time resource management base building crew ship planet villagers monsters robots
  wizards pirates ninjas dragons aliens zombies knights cats ducks frogs`.split(/\s+/)
const COMMON =
  'the a an and of to your you in with is for on as it this that are be from by or all'.split(' ')
/** The long tail of a real catalogue's vocabulary: 3,000 made-up words from syllables. */
const TAIL = (() => {
  const r = rng(3)
  const syl =
    'ka ri to mu ne sa lo vi da ze po qu ar el in os un ba ce fi go hu ja ky ly my ny'.split(' ')
  return Array.from({ length: 3000 }, () =>
    Array.from({ length: 2 + Math.floor(r() * 3) }, () => syl[Math.floor(r() * syl.length)]).join(
      '',
    ),
  )
})()

/**
 * The search classes, five query strings each (the query part of `GET /api/v1/games`): a function
 * word found in nearly every game, a game word (~9% of games), a long-tail word (<1%), two title
 * words, a half-typed game word (prefix), and a game word within a genre sorted by another order.
 */
const SEARCH_CLASSES: [string, string[]][] = [
  ['common word', ['the', 'and', 'of', 'you', 'with'].map((w) => `q=${w}`)],
  ['popular word', ['pirates', 'dragons', 'explore', 'physics', 'robots'].map((w) => `q=${w}`)],
  ['rare word', TAIL.slice(0, 5).map((w) => `q=${w}`)],
  [
    'two words',
    ['neon dungeon', 'lost castle', 'iron tower', 'dark forest', 'cosmic station'].map(
      (w) => `q=${encodeURIComponent(w)}`,
    ),
  ],
  ['prefix', ['pira', 'drag', 'expl', 'robo', 'wiza'].map((w) => `q=${w}`)],
  [
    'tag+sort',
    [
      ['pirates', 'roguelike', 'new'],
      ['dragons', 'rpg', 'price'],
      ['explore', 'puzzle', 'title'],
      ['robots', 'action', 'new'],
      ['the', 'strategy', 'price'],
    ].map(([w, t, o]) => `q=${w}&tag=${t}&sort=${o}`),
  ],
]

function seed(file: string): void {
  const db = new Database(file)
  applyPragmas(db, 'catalog')
  migrate(db)
  const r = rng(42)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!
  const users = db.prepare(
    'INSERT INTO users (pubkey, display_name, lud16, created_at) VALUES (?, ?, ?, ?)',
  )
  const game =
    db.prepare(`INSERT INTO games (developer_user_id, slug, title, summary, description, status, listing, featured_rank, price_msat,
    icon, images_json, tags_json, platforms_json, event_id, event_created_at, deleted_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const tag = db.prepare('INSERT INTO game_tags (game_id, tag) VALUES (?, ?)')
  const platform = db.prepare('INSERT INTO game_platforms (game_id, platform) VALUES (?, ?)')
  const release =
    db.prepare(`INSERT INTO releases (game_id, version, channel, release_notes, published_at, asset_event_id, event_id, created_at, updated_at)
    VALUES (?, ?, 'main', ?, ?, ?, ?, ?, ?)`)
  const asset = db.prepare(
    `INSERT INTO build_assets (release_id, event_id, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, 'application/zip', ?)`,
  )
  const hex = (n: number, salt: number) =>
    (n * 2654435761 + salt).toString(16).padStart(64, '0').slice(-64)
  const DEVS = 2000
  const T0 = 1_790_000_000
  db.transaction(() => {
    for (let i = 1; i <= DEVS; i++)
      users.run(hex(i, 1), `Studio ${i}`, `studio${i}@example.com`, T0)
    for (let i = 1; i <= GAMES * 1.1; i++) {
      const title = `${pick(ADJ)} ${pick(NOUN)}${pick(SUFFIX)}`.replace(/\b\w/g, (ch) =>
        ch.toUpperCase(),
      )
      const roll = r()
      // ~91% listed, 2% featured, 3% unlisted, 2% banned, 2% draft; 1% of the rest deleted.
      const status =
        roll < 0.02
          ? 'FEATURED'
          : roll < 0.05
            ? 'UNLISTED'
            : roll < 0.07
              ? 'BANNED'
              : roll < 0.09
                ? 'DRAFT'
                : 'LISTED'
      const listing = status === 'UNLISTED' || status === 'DRAFT' ? status : 'LISTED'
      const tags = [...new Set([pick(GENRES), pick(GENRES), ...(r() < 0.5 ? [pick(GENRES)] : [])])]
      const plats = [...new Set([pick(PLATFORMS), ...(r() < 0.6 ? [pick(PLATFORMS)] : [])])]
      // Descriptions: mostly function words, some game words, a long tail (each game word is in ~9% of games).
      const description = Array.from({ length: 40 + Math.floor(r() * 80) }, () => {
        const x = r()
        return x < 0.6 ? pick(COMMON) : x < 0.75 ? pick(WORDS) : pick(TAIL)
      }).join(' ')
      const updated = T0 + Math.floor(r() * 30_000_000)
      const price = r() < 0.3 ? 0 : (1 + Math.floor(r() * 50)) * 1000 * 1000
      const id = Number(
        game.run(
          1 + (i % DEVS),
          `game-${i}`,
          title,
          `A ${pick(ADJ)} ${pick(GENRES)} game about ${pick(NOUN)}s.`,
          description,
          status,
          listing,
          status === 'FEATURED' ? Math.floor(r() * 100) : null,
          price,
          `https://cdn.example/${i}/icon.png`,
          JSON.stringify([`https://cdn.example/${i}/1.png`]),
          JSON.stringify(tags),
          JSON.stringify(plats),
          hex(i, 2),
          updated,
          r() < 0.01 ? updated + 5 : null,
          updated,
          updated,
        ).lastInsertRowid,
      )
      for (const t of tags) tag.run(id, t)
      for (const p of plats) platform.run(id, p)
      for (let v = 0; v < 1 + Math.floor(r() * 3); v++) {
        const rid = Number(
          release.run(
            id,
            `1.${v}.0`,
            `Changes in 1.${v}.0`,
            updated + v,
            hex(i * 10 + v, 3),
            hex(i * 10 + v, 4),
            updated,
            updated,
          ).lastInsertRowid,
        )
        asset.run(rid, hex(i * 10 + v, 3), hex(i * 10 + v, 5), 1_000_000 + i, updated)
      }
    }
  })()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
}

// ---- the indexer's write path with and without migrations 004 and 005 ----
/**
 * Games/s through the indexer's own CatalogWriter.upsertGame (half new games, half new versions of
 * existing ones), in batches of 1,000 like its BatchWriter, on a file with every migration vs without
 * 004/005's indexes. Alternated three times each; the median is reported.
 */
function writeCost(): { with004: number; without004: number } {
  const N = 20_000
  const r = rng(9)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!
  const games: Game[] = Array.from({ length: N }, (_, i) => ({
    pubkey: 'cd'.repeat(32) as Pubkey,
    slug: `w-${i % (N / 2)}`,
    title: `${pick(ADJ)} ${pick(NOUN)}`,
    summary: 'A game.',
    description: Array.from({ length: 60 }, () => pick(WORDS)).join(' '),
    icon: undefined,
    images: [],
    tags: [pick(GENRES), pick(GENRES)].filter((t, j, a) => a.indexOf(t) === j),
    platforms: [pick(PLATFORMS)],
    url: undefined,
    license: undefined,
    priceMsat: 1000 as Msat,
    listing: 'LISTED',
    zapPubkey: undefined,
    zapRelay: undefined,
    createdAtSec: 1_790_000_000 + i,
    eventId: i.toString(16).padStart(64, '0'),
  }))
  const run = (skip004: boolean): number => {
    const dir = mkdtempSync(join(tmpdir(), 'zapcade-catwrite-'))
    const db = new Database(join(dir, 'w.db'))
    applyPragmas(db, 'catalog')
    migrate(
      db,
      loadMigrations().filter(
        (m) => !(skip004 && (m.name.startsWith('004-') || m.name.startsWith('005-'))),
      ),
    )
    const w = new CatalogWriter(db)
    const user = w.ensureUser('cd'.repeat(32), 1)
    const t = performance.now()
    for (let i = 0; i < N; i += 1000)
      db.transaction(() => {
        for (const g of games.slice(i, i + 1000)) w.upsertGame(user, g, 1)
      }).immediate()
    const rate = N / ((performance.now() - t) / 1000)
    db.close()
    rmSync(dir, { recursive: true, force: true })
    return rate
  }
  const a: number[] = []
  const b: number[] = []
  for (let k = 0; k < 3; k++) {
    b.push(run(true))
    a.push(run(false))
  }
  const median = (x: number[]) => x.sort((p, q) => p - q)[1]!
  return { with004: median(a), without004: median(b) }
}

// ---- one core, no HTTP: what each kind of page costs the reader ----
/** Median time of the reader's own work per page (no cache, no HTTP), with the FTS match count. */
function inProcess(db: Database.Database): void {
  const reader = sqliteCatalogReader(db)
  const cases: [string, GameListParams][] = [
    ['list page 1', {}],
    ['list, sort=title', { sort: 'title' }],
    ['list, sort=featured', { sort: 'featured' }],
    ['list, tag=roguelike', { tag: 'roguelike' }],
    ['list, platform=web', { platform: 'web' }],
    ['search "neon dun" (prefix)', { q: 'neon dun' }],
    ['search "dungeon" (title word)', { q: 'dungeon' }],
    ['search "pirates" (description word)', { q: 'pirates' }],
    ['search "the" (nearly every game)', { q: 'the' }],
  ]
  const count = db
    .prepare<[string], number>('SELECT count(*) FROM games_fts WHERE games_fts MATCH ?')
    .pluck()
  for (const [name, p] of cases) {
    const q = GameListQuery.parse(p)
    const times: number[] = []
    for (let i = 0; i < 21; i++) {
      const t = performance.now()
      reader.listGames(q)
      times.push(performance.now() - t)
    }
    const median = times.sort((a, b) => a - b)[10]!
    const matches = q.q ? ` (${count.get(ftsQuery(q.q)!)} FTS matches)` : ''
    console.log(
      `in process: ${name.padEnd(36)} ${String(Math.round(median * 1000)).padStart(6)} µs${matches}`,
    )
  }
  // Each search class: the median over its five queries of each query's median page time.
  for (const [name, qs] of SEARCH_CLASSES) {
    const per = qs
      .map((qs1) => {
        const q = GameListQuery.parse(Object.fromEntries(new URLSearchParams(qs1)))
        const times: number[] = []
        for (let i = 0; i < 11; i++) {
          const t = performance.now()
          reader.listGames(q)
          times.push(performance.now() - t)
        }
        return { ms: times.sort((a, b) => a - b)[5]!, matches: count.get(ftsQuery(q.q!)!) ?? 0 }
      })
      .sort((a, b) => a.ms - b.ms)
    console.log(
      `in process: class ${name.padEnd(30)} ${String(Math.round(per[2]!.ms * 1000)).padStart(6)} µs median, ` +
        `${Math.round(per[0]!.ms * 1000)}–${Math.round(per[4]!.ms * 1000)} µs (${Math.min(...per.map((x) => x.matches))}–${Math.max(...per.map((x) => x.matches))} FTS matches)`,
    )
  }
}

// ---- load ----
interface Result {
  requests: { average: number }
  latency: { p50: number; p99: number }
  non2xx: number
  errors: number
}
type Cannon = (opts: Record<string, unknown>) => Promise<Result>
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon

async function load(url: string, paths: string[], seconds = SECONDS): Promise<Result> {
  let i = 0
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      { setupRequest: (req: { path: string }) => ({ ...req, path: paths[i++ % paths.length] }) },
    ],
  })
}

async function baseScenarios(url: string, addrs: string[], listed: number): Promise<void> {
  // Queries people type: a title word, a genre, two words, a half-typed last word.
  const r = rng(7)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!
  const queries = Array.from({ length: 500 }, (_, i) => {
    const kind = i % 5
    if (kind === 0) return pick(NOUN)
    if (kind === 1) return `${pick(ADJ)} ${pick(NOUN)}`
    if (kind === 2) return pick(GENRES).split('-')[0]!
    if (kind === 3) return pick(WORDS)
    const w = pick(NOUN)
    return `${pick(ADJ)} ${w.slice(0, Math.max(3, Math.ceil(w.length / 2)))}`
  })
  // Deep pages: follow next_cursor ten pages into the default order, and the cursors are replayed.
  const cursors: string[] = []
  let next: string | null = null
  for (let p = 0; p < 10; p++) {
    const page = (await (
      await fetch(`${url}/api/v1/games${next ? `?cursor=${next}` : ''}`)
    ).json()) as { next_cursor: string | null }
    next = page.next_cursor
    if (next) cursors.push(next)
  }
  const paths: [string, string[]][] = [
    ['list, page 1 (sort=new)', ['/api/v1/games']],
    ['list, pages 2–11 by cursor', cursors.map((c) => `/api/v1/games?cursor=${c}`)],
    ['list, tag filter (30 genres)', GENRES.map((g) => `/api/v1/games?tag=${g}`)],
    [
      'search, 500 rotating queries',
      queries.map((q) => `/api/v1/games?q=${encodeURIComponent(q)}`),
    ],
    ['detail, 2,000 random games', addrs.map((a) => `/api/v1/games/${a}`)],
  ]
  const scenarios: [string, string[], boolean][] = [
    ['static body the size of list page 1', ['/static-page'], false],
    ...paths.map(([n, p]): [string, string[], boolean] => [
      `${n}, no cache`,
      p.map((x) => `/nocache${x}`),
      false,
    ]),
    ...paths.map(([n, p]): [string, string[], boolean] => [`${n}, cached`, p, true]),
  ]
  // Warm up the child (JIT, page cache) before measuring.
  for (const [, p] of paths)
    await load(
      url,
      p.map((x) => `/nocache${x}`),
      1,
    )
  // The machine is shared and its load moves within seconds, so every scenario gets its own trivial
  // baseline measured just before it, and its ratio is to that one.
  console.log(
    `${listed} listed games; autocannon -c ${CONNECTIONS}; each scenario ${SECONDS} s right after ${Math.ceil(SECONDS / 2)} s of the trivial JSON route`,
  )
  for (const [name, paths, warm] of scenarios) {
    // A cached scenario first asks each of its requests once, so the run measures hits.
    if (warm) for (const x of paths) await (await fetch(`${url}${x}`)).arrayBuffer()
    const base = await load(url, ['/trivial'], Math.ceil(SECONDS / 2))
    const res = await load(url, paths)
    if (res.non2xx > 0 || res.errors > 0)
      throw new Error(`${name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
    const ratio = Math.round((100 * res.requests.average) / base.requests.average)
    console.log(
      `${name.padEnd(44)} ${String(Math.round(res.requests.average)).padStart(6)} req/s  p50 ${res.latency.p50} ms  p99 ${String(res.latency.p99).padStart(4)} ms  ${String(ratio).padStart(3)}% of trivial (${Math.round(base.requests.average)} req/s, p99 ${base.latency.p99} ms)`,
    )
  }
}

const load1 = (): string => loadavg()[0]!.toFixed(1)

/**
 * Each search class on the uncached and the cached routes, each right after its own trivial
 * baseline (measured under the same conditions: with the writer running when it runs). "computed"
 * is how many pages the cached routes built during the run (misses), from the child's counter.
 */
async function searchClasses(url: string, writing: boolean): Promise<void> {
  const baseSeconds = Math.max(2, Math.ceil(CLASS_SECONDS / 2))
  console.log(
    `search classes ${writing ? `WITH a writer committing ${WRITE_GAMES} game updates every ${WRITE_MS} ms` : 'on a quiet catalog'}` +
      `; each ${CLASS_SECONDS} s after ${baseSeconds} s of the trivial route; load average ${load1()}`,
  )
  const computed = async (): Promise<number> =>
    ((await (await fetch(`${url}/bench-stats`)).json()) as { computed: number }).computed
  for (const [name, qs] of SEARCH_CLASSES) {
    for (const variant of ['no cache', 'cache', 'cache, stale ≤1 s'] as const) {
      const cache = variant !== 'no cache'
      const prefix = variant === 'no cache' ? '/nocache' : variant === 'cache' ? '' : '/swr'
      const paths = qs.map((x) => `${prefix}/api/v1/games?${x}`)
      for (const x of paths) {
        const res = await fetch(`${url}${x}`)
        if (!res.ok) throw new Error(`${x}: ${res.status}`)
        await res.arrayBuffer()
      }
      const base = await load(url, ['/trivial'], baseSeconds)
      const before = await computed()
      const res = await load(url, paths, CLASS_SECONDS)
      const made = (await computed()) - before
      if (res.non2xx > 0 || res.errors > 0)
        throw new Error(`${name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
      const ratio = Math.round((100 * res.requests.average) / base.requests.average)
      const label = `${writing ? 'writer' : 'quiet'} | ${name} | ${variant}`
      console.log(
        `${label.padEnd(44)} ${String(Math.round(res.requests.average)).padStart(6)} req/s  p50 ${res.latency.p50} ms  ` +
          `p99 ${String(res.latency.p99).padStart(4)} ms  ${String(ratio).padStart(3)}% of trivial (${Math.round(base.requests.average)} req/s, ` +
          `p99 ${base.latency.p99} ms)${cache ? `  computed ${made} pages` : ''}  load ${load1()}`,
      )
    }
  }
}

/** The writer process (see writerChild); `stop` ends it and answers its summary line. */
function startWriter(file: string): { stop: () => Promise<string> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--write', file],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  return {
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      return out.trim()
    },
  }
}

async function main(): Promise<void> {
  // BENCH_DB keeps the seeded file between runs (seeded when missing).
  const keep = process.env['BENCH_DB']
  const dir = mkdtempSync(join(tmpdir(), 'zapcade-catbench-'))
  const file = keep ?? join(dir, 'catalog.db')
  const t = performance.now()
  if (!keep || !existsSync(keep)) seed(file)
  else {
    // A kept file still gets migrations added since it was seeded.
    const kept = new Database(file)
    migrate(kept)
    kept.close()
  }
  console.log(
    `seeded ${Math.round(GAMES * 1.1)} games (≈${GAMES} listed or featured) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  )
  const wc = PART === 'search' ? undefined : writeCost()
  if (wc)
    console.log(
      `indexer upsertGame: ${Math.round(wc.with004)} games/s with 004/005's indexes, ${Math.round(wc.without004)} without (${Math.round((100 * wc.with004) / wc.without004)}%)`,
    )
  const db = new Database(file, { readonly: true })
  inProcess(db)
  const listed = db
    .prepare(
      `SELECT count(*) FROM games WHERE status IN ('LISTED', 'FEATURED') AND deleted_at IS NULL`,
    )
    .pluck()
    .get() as number
  const addrs = db
    .prepare(`SELECT u.pubkey || '/' || g.slug FROM games g JOIN users u ON u.id = g.developer_user_id
    WHERE g.status IN ('LISTED', 'FEATURED') AND g.deleted_at IS NULL ORDER BY random() LIMIT 2000`)
    .pluck()
    .all() as string[]
  db.close()

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', file],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', (l) => {
      rl.close()
      resolve(l)
    })
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)))
  })
  const { url } = JSON.parse(line) as { url: string }

  if (PART !== 'search') await baseScenarios(url, addrs, listed)
  if (PART !== 'base') {
    await searchClasses(url, false)
    const writer = startWriter(file)
    await searchClasses(url, true)
    console.log(await writer.stop())
  }
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
  rmSync(dir, { recursive: true, force: true })
}

// ---- child: the service ----
function serveChild(): void {
  const db = new Database(process.argv[3]!, { readonly: false })
  applyPragmas(db, 'catalog')
  const app = new Hono()
  app.get('/trivial', (c) => c.json({ ok: true, name: 'zapcade' }))
  // The ceiling of a cached page: list page 1's exact bytes, prepared once, served as a string.
  const page1 = JSON.stringify(sqliteCatalogReader(db).listGames(GameListQuery.parse({})))
  app.get('/static-page', (c) => c.body(page1, 200, { 'content-type': 'application/json' }))
  // Pages the cached routes computed (cache misses), read by the parent at /bench-stats.
  let computed = 0
  const reader = sqliteCatalogReader(db)
  const counting = {
    ...reader,
    listGames: (q: GameListQuery) => {
      computed++
      return reader.listGames(q)
    },
  }
  app.get('/bench-stats', (c) => c.json({ computed }))
  const deps = {
    catalog: counting,
    marketPubkey: 'ab'.repeat(32),
    relays: ['ws://127.0.0.1:7777'],
    feeBps: 500,
    version: 'bench',
  }
  app.route('/', catalogRoutes(deps))
  // The same routes without the response cache: every request runs its queries.
  app.route('/nocache', catalogRoutes({ ...deps, catalog: reader, cacheEntries: 0 }))
  // The cached routes with list pages served up to 1 s stale while one recomputation runs.
  app.route('/swr', catalogRoutes({ ...deps, cacheStaleMs: 1000 }))
  app.onError((err, c) => {
    const status = err instanceof AppError ? err.status : 500
    return c.json(
      { code: err instanceof AppError ? err.code : 'INTERNAL', detail: err.message },
      status as 400,
    )
  })
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
    console.log(JSON.stringify({ url: `http://127.0.0.1:${info.port}` })),
  )
  process.on('SIGTERM', () =>
    server.close(() => {
      db.close()
      process.exit(0)
    }),
  )
}

// ---- child: the writer ----
/**
 * What a live indexer does to the catalog: every WRITE_MS one transaction of WRITE_GAMES new versions
 * of random existing games (new title and description, so the FTS trigger rewrites their documents),
 * through the indexer's own CatalogWriter, on its own connection. Prints its commit count on SIGTERM.
 */
function writerChild(): void {
  const db = new Database(process.argv[3]!)
  applyPragmas(db, 'catalog')
  const w = new CatalogWriter(db)
  const r = rng(process.pid)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!
  const maxId = db.prepare('SELECT max(id) FROM games').pluck().get() as number
  const row = db.prepare<
    [number],
    { user: number; slug: string; tags_json: string; platforms_json: string; price_msat: number }
  >(
    'SELECT developer_user_id AS user, slug, tags_json, platforms_json, price_msat FROM games WHERE id = ?',
  )
  let commits = 0
  let busy = 0
  let t0 = 1_830_000_000
  const commit = db.transaction(() => {
    for (let k = 0; k < WRITE_GAMES; k++) {
      const g = row.get(1 + Math.floor(r() * maxId))
      if (!g) continue
      t0++
      w.upsertGame(
        g.user,
        {
          pubkey: 'cd'.repeat(32) as Pubkey,
          slug: g.slug,
          title: `${pick(ADJ)} ${pick(NOUN)}`,
          summary: `A ${pick(ADJ)} ${pick(GENRES)} game.`,
          description: Array.from({ length: 40 + Math.floor(r() * 80) }, () => {
            const x = r()
            return x < 0.6 ? pick(COMMON) : x < 0.75 ? pick(WORDS) : pick(TAIL)
          }).join(' '),
          icon: undefined,
          images: [],
          tags: JSON.parse(g.tags_json) as string[],
          platforms: JSON.parse(g.platforms_json) as string[],
          url: undefined,
          license: undefined,
          priceMsat: g.price_msat as Msat,
          listing: 'LISTED',
          zapPubkey: undefined,
          zapRelay: undefined,
          createdAtSec: t0,
          eventId: (t0 * 7919).toString(16).padStart(64, '0'),
        },
        t0,
      )
    }
  })
  const timer = setInterval(() => {
    const t = performance.now()
    commit.immediate()
    busy += performance.now() - t
    commits++
  }, WRITE_MS)
  process.on('SIGTERM', () => {
    clearInterval(timer)
    db.close()
    console.log(
      `writer: ${commits} commits of ${WRITE_GAMES} games, ${(busy / Math.max(1, commits)).toFixed(1)} ms each on average`,
    )
    process.exit(0)
  })
}

if (process.argv[2] === '--serve') serveChild()
else if (process.argv[2] === '--write') writerChild()
else await main()
