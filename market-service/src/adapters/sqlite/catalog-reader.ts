/**
 * SQLite adapter of the catalog read port over the tables the indexer writes (games, users,
 * game_tags, game_platforms, games_fts, releases, build_assets) plus paid zaps from purchases.
 *
 * Pagination is keyset, never OFFSET: the cursor carries the sort key of the last row returned and
 * the next page starts strictly after it in a total order (the sort key, then the game id). A game
 * inserted while a reader pages through lands either before the cursor (not shown to this reader) or
 * after it (shown once), so pages never repeat or skip a row. Relevance is the exception that needs
 * care: bm25 values move when the corpus changes (document counts, average lengths), so the cursor's
 * rank is recomputed for its game in the next page's read transaction, under the same statistics as
 * the rows it is compared with (see `relevance`).
 */
import type Database from 'better-sqlite3'
import { toNpub } from '@zapcade/shared/ids'
import { compareSemver } from '@zapcade/shared/events/semver'
import { platformFilter } from '@zapcade/shared/platforms'
import type {
  CatalogSort,
  GameListItem,
  GameListQuery,
  GameListResponse,
  GameRelease,
  PublicGameStatus,
} from '@zapcade/shared/api/catalog'
import type { CatalogGame, CatalogReader } from '../../ports/catalog-reader.ts'
import { decodeCursor, encodeCursor, type Cursor } from './catalog-cursor.ts'
import { ftsQuery, probeable } from './fts-query.ts'
import { hasVerifiedBuildSql } from './verified-build.ts'

/** Publicly listed, verbatim as in the partial indexes of migration 004. */
const LISTED = `g.status IN ('LISTED', 'FEATURED') AND g.deleted_at IS NULL`
const ITEM_COLS = `g.id, u.pubkey, g.slug, g.title, g.summary, g.icon, json_extract(g.images_json, '$[0]') AS cover, g.tags_json, g.platforms_json, g.price_msat, g.status, g.updated_at,
  ${hasVerifiedBuildSql('g.id')} AS has_build`
const FROM = `FROM games g JOIN users u ON u.id = g.developer_user_id`
/** Featured games without a rank sort after ranked ones (larger than any rank an admin sets). */
const UNRANKED = 9_007_199_254_740_991
/** Rows of the ordered index a filtered page may scan before switching to the filter-driven plan. */
const SCAN_BUDGET = 1000
/** Above this many FTS matches relevance is walked newest first instead of by bm25 (see `relevance`). */
export const EXACT_RANK_LIMIT = 1000
/** The cursor key of the newest-first relevance walk: positive, where bm25 ranks are negative. */
const RECENCY_KEY = 1

interface ItemRow {
  id: number
  pubkey: string
  slug: string
  title: string
  summary: string | null
  icon: string | null
  cover?: string | null
  tags_json: string
  platforms_json: string
  price_msat: number
  status: PublicGameStatus
  updated_at: number
  has_build: number
  rank?: number
  frank?: number
}

/** Keyset of one order: the ORDER BY, the "strictly after the cursor" condition and the key of a row. */
interface Order {
  /** The partial index of migration 004 that holds this order. */
  index: string
  /** The sort key column (the id is the tie-break). */
  keyCol: string
  orderBy: string
  /** "At or before the bound row @bk/@bid" in this order. */
  upTo: string
  after: string
  key(r: ItemRow): [number | string, number]
}

const ORDERS = {
  new: {
    index: 'games_public_new',
    keyCol: 'g.updated_at',
    upTo: '(g.updated_at, g.id) >= (@bk, @bid)',
    orderBy: 'g.updated_at DESC, g.id DESC',
    after: '(g.updated_at, g.id) < (@k, @id)',
    key: (r) => [r.updated_at, r.id],
  },
  title: {
    index: 'games_public_title',
    keyCol: 'g.title',
    upTo: '(g.title COLLATE NOCASE, g.id) <= (@bk, @bid)',
    orderBy: 'g.title COLLATE NOCASE, g.id',
    after: '(g.title COLLATE NOCASE, g.id) > (@k, @id)',
    key: (r) => [r.title, r.id],
  },
  price: {
    index: 'games_public_price',
    keyCol: 'g.price_msat',
    upTo: '(g.price_msat, g.id) <= (@bk, @bid)',
    orderBy: 'g.price_msat, g.id',
    after: '(g.price_msat, g.id) > (@k, @id)',
    key: (r) => [r.price_msat, r.id],
  },
} satisfies Record<string, Order>

function toItem(r: ItemRow): GameListItem {
  return {
    pubkey: r.pubkey,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    icon: r.icon,
    cover: r.cover ?? null,
    tags: JSON.parse(r.tags_json) as string[],
    platforms: JSON.parse(r.platforms_json) as string[],
    price_msat: r.price_msat,
    status: r.status,
    updated_at: r.updated_at,
    coming_soon: r.has_build !== 1,
  }
}

type Params = Record<string, string | number>

const MAX_VIDEOS = 4

/**
 * The listing's `video` tags, read from its stored event (the indexed columns keep no videos): http(s)
 * URLs only, at most MAX_VIDEOS, in the event's order.
 */
function videosOf(tagsJson: string | null): string[] {
  if (!tagsJson) return []
  const out: string[] = []
  for (const t of JSON.parse(tagsJson) as unknown[][]) {
    const v = t[1]
    if (t[0] !== 'video' || typeof v !== 'string' || v.length > 2000) continue
    if (/^https?:\/\/[^\s]+$/i.test(v) && !out.includes(v)) out.push(v)
    if (out.length === MAX_VIDEOS) break
  }
  return out
}

/** The kind 0's `about` (plain text, capped), or null. */
function aboutOf(content: string | null): string | null {
  if (!content) return null
  try {
    const about = (JSON.parse(content) as { about?: unknown }).about
    return typeof about === 'string' && about.trim() ? about.trim().slice(0, 2000) : null
  } catch {
    return null
  }
}

export interface CatalogReaderOptions {
  /** Relevance ranks by bm25 up to this many matches, newest first above it (EXACT_RANK_LIMIT). */
  exactRankLimit?: number
}

/** The catalog read port on a better-sqlite3 handle (migrations applied; the indexer fills the tables). */
export function sqliteCatalogReader(
  db: Database.Database,
  options: CatalogReaderOptions = {},
): CatalogReader {
  const exactRankLimit = options.exactRankLimit ?? EXACT_RANK_LIMIT
  // One prepared statement per query shape (sort × filters × cursor), made on first use.
  const prepared = new Map<string, Database.Statement<[Params], unknown>>()
  function cachedStmt<R>(sql: string): Database.Statement<[Params], R> {
    let st = prepared.get(sql)
    if (!st) {
      st = db.prepare<[Params], unknown>(sql)
      prepared.set(sql, st)
    }
    return st as Database.Statement<[Params], R>
  }
  const stmt = (sql: string) => cachedStmt<ItemRow>(sql)
  const boundStmt = (sql: string) => cachedStmt<{ k: number | string; id: number }>(sql)
  const rankStmt = (sql: string) => cachedStmt<{ id: number; r: number }>(sql)
  const idStmt = (sql: string) => cachedStmt<number>(sql).pluck()
  const rankNow = db
    .prepare<[string, number, number], number>(
      'SELECT rank FROM games_fts WHERE games_fts MATCH ? AND rowid BETWEEN ? AND ?',
    )
    .pluck()
  // How many games match, counting no further than the bound (an unranked doclist walk that stops).
  const matchesUpTo = db
    .prepare<[string, number], number>(
      'SELECT count(*) FROM (SELECT 1 FROM games_fts WHERE games_fts MATCH ? LIMIT ?)',
    )
    .pluck()
  // CROSS JOIN keeps json_each as the outer loop: otherwise the planner may walk the whole listed index.
  const rowsById = db.prepare<
    [string],
    ItemRow
  >(`SELECT ${ITEM_COLS} FROM json_each(?) j CROSS JOIN games g ON g.id = j.value
    JOIN users u ON u.id = g.developer_user_id WHERE ${LISTED}`)
  // One snapshot per page: a page built from several statements never mixes two states of the catalog.
  const snapshot = db.transaction((fn: () => unknown) => fn())
  const inSnapshot = <T>(fn: () => T): T => (db.inTransaction ? fn() : (snapshot.deferred(fn) as T))
  /**
   * A `?platform=` value: the exact id, or any id of the family it names (`linux` → `linux-*`) as a key
   * range of game_platforms; an empty range (`@pf_lo` = `@pf_hi` = '') for a value that is no family.
   */
  const onPlatform = (col: string) =>
    `(${col} = @platform OR (${col} >= @pf_lo AND ${col} < @pf_hi))`
  const setPlatform = (params: Params, value: string) => {
    const { prefix } = platformFilter(value)
    params['platform'] = value
    // '-' + 1 = '.': every id starting with the prefix sorts in [prefix, prefix with its '-' as '.').
    params['pf_lo'] = prefix ?? ''
    params['pf_hi'] = prefix !== null ? `${prefix.slice(0, -1)}.` : ''
  }
  /** Tag and platform conditions: a primary-key probe per row (`exists`) or a key range (`in`). */
  const filters = (q: GameListQuery, params: Params, style: 'exists' | 'in' = 'in'): string => {
    let sql = ''
    if (q.tag !== undefined) {
      sql +=
        style === 'exists'
          ? ' AND EXISTS (SELECT 1 FROM game_tags t WHERE t.tag = @tag AND t.game_id = g.id)'
          : ' AND g.id IN (SELECT game_id FROM game_tags WHERE tag = @tag)'
      params['tag'] = q.tag
    }
    if (q.platform !== undefined) {
      sql +=
        style === 'exists'
          ? ` AND EXISTS (SELECT 1 FROM game_platforms pf WHERE ${onPlatform('pf.platform')} AND pf.game_id = g.id)`
          : ` AND g.id IN (SELECT game_id FROM game_platforms WHERE ${onPlatform('platform')})`
      setPlatform(params, q.platform)
    }
    sql += byAuthor(q, params)
    return sql
  }
  /** One developer's games (a developer page): their user id, looked up once per statement. */
  const byAuthor = (q: GameListQuery, params: Params): string => {
    if (q.author === undefined) return ''
    params['author'] = q.author
    return ' AND g.developer_user_id = (SELECT id FROM users WHERE pubkey = @author)'
  }

  /**
   * The tag/platform probes (`filters(…, 'exists')`) and the text condition of an index walk. A probe
   * per walked row (`rowid = g.id`: a seek per word; the walk stops when the page is full) where FTS5
   * can seek, else the match set, built once: for a word in most of the catalog that set is ~50,000
   * rowids (5-10 ms) where the probes of a page are ~0.5 ms. The text probe sits in a CASE after the
   * tag/platform probes: as a plain EXISTS the planner turned it into a join that probed the FTS table
   * for every walked row first (1,000 probes, ~20 ms, for a page of "the" within a genre).
   */
  const walkFilter = (probes: string, match: string | undefined): string => {
    if (match === undefined) return probes
    const text = probeable(match)
      ? 'EXISTS (SELECT 1 FROM games_fts WHERE games_fts MATCH @match AND rowid = g.id)'
      : 'g.id IN (SELECT rowid FROM games_fts WHERE games_fts MATCH @match)'
    return probes === '' ? ` AND ${text}` : ` AND CASE WHEN 1${probes} THEN ${text} ELSE 0 END`
  }

  /**
   * A page of an index-ordered sort (new, title, price). Without filters it is a range scan of the
   * order's partial index from the cursor. With filters (tag, platform, q) the density of matches
   * decides the best plan, so try the cheap one first: walk the order's index from the cursor, at most
   * SCAN_BUDGET entries (the bound is the entry that many places on, found in the index alone), and
   * keep the rows that pass. A common filter fills the page well before the bound. Only when it does
   * not (a rare filter) is the page built from the filter's own rows instead (a game_tags or
   * game_platforms key range, or the FTS matches), sorted; that set is small because the filter is rare.
   */
  function ordered(
    q: GameListQuery,
    order: Order,
    visible: string,
    match: string | undefined,
    after: Cursor | undefined,
    limit: number,
  ): ItemRow[] {
    const params: Params = { limit }
    let keyset = ''
    if (after) {
      keyset = ` AND ${order.after}`
      params['k'] = after.key
      params['id'] = after.id
    }
    const tail = ` ORDER BY ${order.orderBy} LIMIT @limit`
    if (match !== undefined) params['match'] = match
    const probes = filters(q, params, 'exists')
    if (probes === '' && match === undefined) {
      return stmt(
        `SELECT ${ITEM_COLS} FROM games g INDEXED BY ${order.index} JOIN users u ON u.id = g.developer_user_id WHERE ${visible}${keyset}${tail}`,
      ).all(params)
    }
    const boundParams: Params = {
      budget: SCAN_BUDGET,
      ...(after ? { k: after.key, id: after.id } : {}),
    }
    const bound =
      boundStmt(`SELECT ${order.keyCol} AS k, g.id AS id FROM games g INDEXED BY ${order.index}
      WHERE ${visible}${keyset} ORDER BY ${order.orderBy} LIMIT 1 OFFSET @budget`).get(boundParams)
    let window = ''
    if (bound) {
      window = ` AND ${order.upTo}`
      params['bk'] = bound.k
      params['bid'] = bound.id
    }
    const first =
      stmt(`SELECT ${ITEM_COLS} FROM games g INDEXED BY ${order.index} JOIN users u ON u.id = g.developer_user_id
      WHERE ${visible}${keyset}${window}${walkFilter(probes, match)}${tail}`).all(params)
    // Without a bound the walk covered every remaining row: the page is complete either way.
    if (first.length >= limit || !bound) return first
    delete params['bk']
    delete params['bid']
    // Driven from the filter's own rows (CROSS JOIN fixes the loop order).
    let driver: string
    let rest: string
    if (match !== undefined && q.tag !== undefined) {
      // Text and tag: the tag's keys filtered by the match set before any games row is read (reading
      // a games row per text match first cost ~10 µs each: 40-60 ms for a word in 6,500 games).
      driver = 'game_tags t CROSS JOIN games g ON g.id = t.game_id'
      rest =
        ' AND t.tag = @tag AND t.game_id IN (SELECT rowid FROM games_fts WHERE games_fts MATCH @match)'
      params['tag'] = q.tag
      if (q.platform !== undefined) {
        rest += ` AND g.id IN (SELECT game_id FROM game_platforms WHERE ${onPlatform('platform')})`
        setPlatform(params, q.platform)
      }
    } else if (match !== undefined) {
      driver = 'games_fts CROSS JOIN games g ON g.id = games_fts.rowid'
      rest = ` AND games_fts MATCH @match${filters(q, params)}`
    } else if (q.tag !== undefined) {
      driver = 'game_tags t CROSS JOIN games g ON g.id = t.game_id'
      rest = ` AND t.tag = @tag${q.platform !== undefined ? ` AND g.id IN (SELECT game_id FROM game_platforms WHERE ${onPlatform('platform')})` : ''}`
    } else if (q.platform !== undefined) {
      // A family filter matches several ids of one game: the distinct game ids drive the loop.
      driver = `(SELECT DISTINCT game_id FROM game_platforms WHERE ${onPlatform('platform')}) pf CROSS JOIN games g ON g.id = pf.game_id`
      rest = ''
      setPlatform(params, q.platform)
    } else {
      // Only an author: their games (the games (developer_user_id, slug) key), sorted.
      driver = 'games g'
      rest = ''
    }
    if (match === undefined || q.tag !== undefined) rest += byAuthor(q, params)
    // Sorted, so only the ids: the item columns (some are subqueries) are read for the page alone.
    const ids = idStmt(`SELECT g.id FROM ${driver} WHERE ${visible}${rest}${keyset}${tail}`).all(
      params,
    )
    if (ids.length === 0) return []
    const byId = new Map(rowsById.all(JSON.stringify(ids)).map((g) => [g.id, g]))
    return ids.flatMap((id) => byId.get(id) ?? [])
  }

  /**
   * Relevance: bm25 with the column weights of migration 004 (`rank`), ties by game id. bm25 is
   * computed for every match, so the top of the order is taken inside the FTS table alone (tag and
   * platform probed by rowid) and only those rows are joined to games; matches hidden from readers
   * (drafts, banned…) are skipped by asking for the next batch after the last one seen. The cursor's
   * rank is recomputed for its game first, inside the same read transaction (the caller's snapshot),
   * so it is compared under the same corpus statistics as the rows it bounds; if that game no longer
   * matches, the rank it had is used. The lookup says `rowid BETWEEN ? AND ?`, not `rowid = ?`:
   * SQLite 3.53's FTS5 answers bm25 differently from the full scan on its rowid-equality path (seen
   * here: every document scored as the shortest one), which made the walk loop forever.
   *
   * Bounded cost: bm25 needs a pass over every match (FTS5 counts each phrase's documents for its
   * IDF, then scores each match), ~1 µs per match, so a word found in most of the catalog cost
   * 30–40 ms a page. A query matching more than `exactRankLimit` games is therefore walked in a static
   * order instead: newest game id first (the order games were first indexed), read straight off the
   * FTS doclists, which stops as soon as the page is full. Its cursor key is RECENCY_KEY (bm25 ranks
   * are always negative), so every later page of that query keeps the mode its first page chose.
   */
  function relevance(
    q: GameListQuery,
    match: string,
    after: Cursor | undefined,
    limit: number,
  ): ItemRow[] {
    const recency = after
      ? (after.key as number) > 0
      : (matchesUpTo.get(match, exactRankLimit + 1) ?? 0) > exactRankLimit
    const rows: ItemRow[] = []
    let batch = limit * 2 + 8
    let from: { k: number; id: number } | undefined
    if (after)
      from = {
        k: recency
          ? RECENCY_KEY
          : (rankNow.get(match, after.id, after.id) ?? (after.key as number)),
        id: after.id,
      }
    for (;;) {
      const params: Params = { match, batch }
      let inner = `SELECT rowid AS id, ${recency ? RECENCY_KEY : 'rank'} AS r FROM games_fts WHERE games_fts MATCH @match`
      if (q.tag !== undefined) {
        inner += ' AND rowid IN (SELECT game_id FROM game_tags WHERE tag = @tag)'
        params['tag'] = q.tag
      }
      if (q.platform !== undefined) {
        inner += ` AND rowid IN (SELECT game_id FROM game_platforms WHERE ${onPlatform('platform')})`
        setPlatform(params, q.platform)
      }
      if (q.author !== undefined) {
        inner +=
          ' AND rowid IN (SELECT id FROM games WHERE developer_user_id = (SELECT id FROM users WHERE pubkey = @author))'
        params['author'] = q.author
      }
      if (from) {
        inner += recency ? ' AND rowid < @id' : ' AND (rank, rowid) > (@k, @id)'
        if (!recency) params['k'] = from.k
        params['id'] = from.id
      }
      const top = rankStmt(
        `${inner} ORDER BY ${recency ? 'rowid DESC' : 'r, id'} LIMIT @batch`,
      ).all(params)
      if (top.length > 0) {
        const byId = new Map(
          rowsById.all(JSON.stringify(top.map((t) => t.id))).map((g) => [g.id, g]),
        )
        for (const t of top) {
          const g = byId.get(t.id)
          if (g) rows.push({ ...g, rank: t.r })
          if (rows.length >= limit) return rows
        }
      }
      const last = top[top.length - 1]
      if (top.length < batch || !last) return rows
      from = { k: last.r, id: last.id }
      batch *= 4
    }
  }

  /** Featured: FEATURED games by featured_rank (unranked last), then every LISTED game newest first. */
  function featured(
    q: GameListQuery,
    match: string | undefined,
    after: Cursor | undefined,
    limit: number,
  ): { rows: ItemRow[]; phaseOf: (i: number) => 0 | 1 } {
    const rank = {
      orderBy: `ifnull(g.featured_rank, ${UNRANKED}), g.id`,
      after: `(ifnull(g.featured_rank, ${UNRANKED}), g.id) > (@k, @id)`,
    }
    const rows: ItemRow[] = []
    let inFeatured = 0
    if (!after || after.phase === 0) {
      const params: Params = { limit }
      let sql = `SELECT ${ITEM_COLS}, ifnull(g.featured_rank, ${UNRANKED}) AS frank FROM games g INDEXED BY games_featured_rank
        JOIN users u ON u.id = g.developer_user_id WHERE g.status = 'FEATURED' AND g.deleted_at IS NULL${walkFilter(filters(q, params, 'exists'), match)}`
      if (match !== undefined) params['match'] = match
      if (after) {
        sql += ` AND ${rank.after}`
        params['k'] = after.key
        params['id'] = after.id
      }
      rows.push(...stmt(`${sql} ORDER BY ${rank.orderBy} LIMIT @limit`).all(params))
      inFeatured = rows.length
    }
    if (rows.length < limit) {
      const rest = ordered(
        q,
        ORDERS.new,
        `${LISTED} AND g.status = 'LISTED'`,
        match,
        after?.phase === 1 ? after : undefined,
        limit - rows.length,
      )
      rows.push(...rest)
    }
    return { rows, phaseOf: (i) => (i < inFeatured ? 0 : 1) }
  }

  function cursorOf(sort: CatalogSort, phase: 0 | 1, r: ItemRow): Cursor {
    if (sort === 'relevance') return { sort, phase, key: r.rank ?? 0, id: r.id }
    if (sort === 'featured')
      return phase === 0
        ? { sort, phase, key: r.frank ?? UNRANKED, id: r.id }
        : { sort, phase, key: r.updated_at, id: r.id }
    const [key, id] = ORDERS[sort].key(r)
    return { sort, phase, key, id }
  }

  const gameRow = db.prepare<
    [string, string],
    {
      id: number
      pubkey: string
      slug: string
      title: string
      summary: string | null
      description: string
      icon: string | null
      images_json: string
      tags_json: string
      platforms_json: string
      url: string | null
      license: string | null
      price_msat: number
      zap_pubkey: string | null
      status: PublicGameStatus
      created_at: number
      updated_at: number
      display_name: string | null
      avatar_url: string | null
      lud16: string | null
      nip05: string | null
      has_build: number
      event_tags_json: string | null
      profile_content: string | null
    }
  >(`SELECT g.id, u.pubkey, g.slug, g.title, g.summary, g.description, g.icon, g.images_json, g.tags_json, g.platforms_json,
      g.url, g.license, g.price_msat, g.zap_pubkey, g.status, g.created_at, g.updated_at, ${hasVerifiedBuildSql('g.id')} AS has_build,
      u.display_name, u.avatar_url, u.lud16, u.nip05,
      (SELECT e.tags_json FROM raw_events e WHERE e.id = g.event_id) AS event_tags_json,
      (SELECT e.content FROM raw_events e WHERE e.id = u.profile_event_id) AS profile_content
    ${FROM} WHERE u.pubkey = ? AND g.slug = ? AND g.status IN ('LISTED', 'FEATURED', 'UNLISTED') AND g.deleted_at IS NULL`)
  const releaseRows = db.prepare<
    [number],
    {
      id: number
      version: string
      channel: string
      release_notes: string
      published_at: number
      sha256: string | null
      size_bytes: number | null
    }
  >(
    `SELECT r.id, r.version, r.channel, r.release_notes, r.published_at, a.sha256, a.size_bytes
     FROM releases r LEFT JOIN build_assets a ON a.release_id = r.id WHERE r.game_id = ? AND r.deleted_at IS NULL`,
  )
  // A release's other assets (an APK, a signature…): listed, never served by the market.
  const fileRows = db.prepare<
    [number],
    {
      release_id: number
      sha256: string
      size_bytes: number | null
      content_type: string
      platforms_json: string
      variant: string | null
      urls_json: string
    }
  >(
    `SELECT f.release_id, f.sha256, f.size_bytes, f.content_type, f.platforms_json, f.variant, f.urls_json FROM release_files f
     JOIN releases r ON r.id = f.release_id WHERE r.game_id = ? AND r.deleted_at IS NULL ORDER BY f.id`,
  )
  const zapTotals = db.prepare<[number], { count: number; total: number }>(
    `SELECT count(*) AS count, ifnull(sum(amount_msat), 0) AS total FROM purchases WHERE game_id = ? AND status = 'PAID' AND kind = 'ZAP'`,
  )

  const versionStmt = db
    .prepare<[], string>(
      `SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes()`,
    )
    .pluck()

  return {
    listGames(q) {
      return inSnapshot(() => listPage(q))
    },

    findGame(pubkey, slug) {
      return inSnapshot(() => gamePage(pubkey, slug))
    },

    version() {
      // data_version moves on commits by other connections (the indexer's, another process);
      // total_changes() on writes through this one (an admin's status change, a zap purchase).
      return versionStmt.get() ?? ''
    },
  }

  function listPage(q: GameListQuery): GameListResponse {
    const after = q.cursor !== undefined ? decodeCursor(q.cursor, q.sort) : undefined
    const match = q.q !== undefined ? ftsQuery(q.q) : undefined
    // Text with no searchable word matches nothing (rather than everything).
    if (q.q !== undefined && match === undefined) return { items: [], next_cursor: null }
    const want = q.limit + 1 // one more than asked tells whether a next page exists
    let rows: ItemRow[]
    let phaseOf: (i: number) => 0 | 1 = () => 0
    if (q.sort === 'relevance') rows = relevance(q, match!, after, want)
    else if (q.sort === 'featured') ({ rows, phaseOf } = featured(q, match, after, want))
    else rows = ordered(q, ORDERS[q.sort], LISTED, match, after, want)
    const page = rows.slice(0, q.limit)
    const last = page[page.length - 1]
    const next =
      rows.length > q.limit && last
        ? encodeCursor(cursorOf(q.sort, phaseOf(page.length - 1), last))
        : null
    return { items: page.map(toItem), next_cursor: next }
  }

  function gamePage(pubkey: string, slug: string): CatalogGame | undefined {
    const g = gameRow.get(pubkey, slug)
    if (!g) return undefined
    // Extra files' own URLs are shown for free games only: a paid game's files come from nowhere but the market.
    const files = new Map<number, GameRelease['files']>()
    for (const f of fileRows.all(g.id)) {
      const list = files.get(f.release_id) ?? []
      list.push({
        sha256: f.sha256,
        size_bytes: f.size_bytes,
        content_type: f.content_type,
        platforms: JSON.parse(f.platforms_json) as string[],
        variant: f.variant,
        urls: g.price_msat > 0 ? [] : (JSON.parse(f.urls_json) as string[]),
      })
      files.set(f.release_id, list)
    }
    // Newest first by version precedence (loose versions such as 1.0 or v1.2.3 by their coercion), then date.
    const releases: GameRelease[] = releaseRows
      .all(g.id)
      .sort((a, b) => compareSemver(b.version, a.version) || b.published_at - a.published_at)
      .map((r) => ({
        version: r.version,
        channel: r.channel,
        notes: r.release_notes,
        published_at: r.published_at,
        asset:
          r.sha256 !== null && r.size_bytes !== null
            ? { sha256: r.sha256, size_bytes: r.size_bytes }
            : null,
        files: files.get(r.id) ?? [],
      }))
    const zaps = zapTotals.get(g.id) ?? { count: 0, total: 0 }
    const images = JSON.parse(g.images_json) as string[]
    const game: CatalogGame = {
      ...toItem({ ...g, cover: images[0] ?? null }),
      description: g.description,
      images,
      videos: videosOf(g.event_tags_json),
      url: g.url,
      license: g.license,
      zap_pubkey: g.zap_pubkey,
      created_at: g.created_at,
      developer: {
        pubkey: g.pubkey,
        npub: toNpub(g.pubkey),
        display_name: g.display_name,
        picture: g.avatar_url,
        lud16: g.lud16,
        nip05: g.nip05,
        about: aboutOf(g.profile_content),
      },
      zaps: { count: zaps.count, total_msat: zaps.total },
      releases,
    }
    return game
  }
}
