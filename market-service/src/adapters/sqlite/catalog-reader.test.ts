/**
 * The SQLite catalog reader on a real migrated file: relevance, sanitised search, filters, sorts,
 * who is visible, keyset pagination (also while games are inserted between pages) and game details.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '@zapcade/shared/errors'
import { GameListQuery, type GameListParams } from '@zapcade/shared/api/catalog'
import type { CatalogReader } from '../../ports/catalog-reader.ts'
import { EXACT_RANK_LIMIT, sqliteCatalogReader } from './catalog-reader.ts'
import { ftsQuery } from './fts-query.ts'
import { catalogFixture, type CatalogFixture } from './testing/catalog-seed.ts'

let f: CatalogFixture
let reader: CatalogReader
let dev: { id: number; pubkey: string }

beforeEach(() => {
  f = catalogFixture()
  reader = sqliteCatalogReader(f.db)
  dev = f.user()
})
afterEach(() => f.close())

const list = (p: GameListParams = {}) => reader.listGames(GameListQuery.parse(p))
const slugs = (p: GameListParams = {}) => list(p).items.map((i) => i.slug)

/** Every page of a query, following next_cursor; `between` runs after each page. */
function walk(p: GameListParams, between: (page: number) => void = () => {}): string[] {
  const out: string[] = []
  let cursor: string | undefined
  for (let page = 0; page < 1000; page++) {
    const r = list(cursor === undefined ? p : { ...p, cursor })
    out.push(...r.items.map((i) => i.slug))
    if (r.next_cursor === null) return out
    cursor = r.next_cursor
    between(page)
  }
  throw new Error(`pagination did not end: ${JSON.stringify(p)} ${out.slice(0, 12).join(',')}`)
}

describe('search', () => {
  beforeEach(() => {
    f.game(dev, {
      slug: 'in-description',
      title: 'Quiet Hollow',
      description: 'somewhere a lantern flickers in the cave',
    })
    f.game(dev, { slug: 'in-title', title: 'Lantern Depths', description: 'a cave crawler' })
    f.game(dev, { slug: 'in-summary', title: 'Night Walk', summary: 'carry your lantern home' })
    f.game(dev, { slug: 'in-tags', title: 'Glow', tags: ['lantern'] })
    f.game(dev, { slug: 'unrelated', title: 'Space Trader', description: 'stars and ships' })
  })

  it('ranks a title match above a tag, a summary, then a description match (bm25 with column weights)', () => {
    expect(slugs({ q: 'lantern' })).toEqual(['in-title', 'in-tags', 'in-summary', 'in-description'])
  })

  it('matches the last word as a prefix, the others as whole words', () => {
    expect(slugs({ q: 'lant' })).toContain('in-title')
    expect(slugs({ q: 'depths lant' })).toEqual(['in-title'])
    expect(slugs({ q: 'dep lantern' })).toEqual([])
  })

  it('treats FTS5 syntax in the input as literal words, never as an error', () => {
    for (const q of [
      '"lantern',
      'lantern"',
      'NEAR(lantern',
      'lantern)',
      'title:lantern',
      '^lantern',
      'lantern*',
      '-lantern',
      'lantern OR',
    ]) {
      expect(() => list({ q })).not.toThrow()
    }
    expect(slugs({ q: '"lantern' })[0]).toBe('in-title')
    expect(slugs({ q: 'NEAR(lantern' })).toEqual([]) // "near" is a word that no game has
    expect(slugs({ q: 'lantern OR space' })).toEqual([]) // OR is a word here, not an operator
    expect(ftsQuery('ab "b" cde*')).toBe('"ab" "b" "cde"*')
    expect(ftsQuery('ab cd')).toBe('"ab" "cd"')
    expect(ftsQuery('a b')).toBe('"a" "b"')
    expect(ftsQuery('NOT x')).toBe('"NOT" "x"')
  })

  it('answers an empty page for text with no searchable word', () => {
    expect(list({ q: '*** ""' })).toEqual({ items: [], next_cursor: null })
  })

  it('sorts search results by another order when asked', () => {
    f.db.prepare(`UPDATE games SET price_msat = 5000 WHERE slug = 'in-title'`).run()
    expect(slugs({ q: 'lantern', sort: 'price' })).toEqual([
      'in-description',
      'in-summary',
      'in-tags',
      'in-title',
    ])
  })
})

describe('filters and sorts', () => {
  beforeEach(() => {
    f.game(dev, {
      slug: 'a',
      title: 'banjo',
      priceMsat: 3000,
      tags: ['puzzle'],
      platforms: ['web'],
      updatedAt: 100,
    })
    f.game(dev, {
      slug: 'b',
      title: 'Apple',
      priceMsat: 1000,
      tags: ['puzzle', 'rpg'],
      platforms: ['linux-x86_64'],
      updatedAt: 300,
    })
    f.game(dev, {
      slug: 'c',
      title: 'cherry',
      priceMsat: 2000,
      tags: ['rpg'],
      platforms: ['web', 'linux-x86_64'],
      updatedAt: 200,
    })
    f.game(dev, { slug: 'f2', title: 'Zed', status: 'FEATURED', featuredRank: 2, updatedAt: 50 })
    f.game(dev, { slug: 'f1', title: 'Yak', status: 'FEATURED', featuredRank: 1, updatedAt: 40 })
    f.game(dev, {
      slug: 'f-unranked',
      title: 'Xylo',
      status: 'FEATURED',
      featuredRank: null,
      updatedAt: 60,
    })
  })

  it('filters by tag, by platform, and by both', () => {
    expect(slugs({ tag: 'puzzle' }).sort()).toEqual(['a', 'b'])
    expect(slugs({ tag: 'PUZZLE' }).sort()).toEqual(['a', 'b'])
    expect(slugs({ platform: 'web' }).sort()).toEqual(['a', 'c'])
    expect(slugs({ tag: 'rpg', platform: 'web' })).toEqual(['c'])
  })

  it('a family matches every NIP-82 id of it (linux → linux-*), once per game, in every sort', () => {
    f.game(dev, {
      slug: 'arm',
      title: 'cherry arm',
      priceMsat: 500,
      tags: ['rpg'],
      platforms: ['linux-aarch64', 'linux-x86_64'],
      updatedAt: 150,
    })
    f.game(dev, {
      slug: 'mac',
      title: 'cherry mac',
      tags: ['rpg'],
      platforms: ['darwin-arm64', 'darwin-x86_64'],
      updatedAt: 120,
    })
    f.game(dev, {
      slug: 'near',
      title: 'cherry near',
      tags: ['rpg'],
      platforms: ['linuxish', 'linux.x'],
      updatedAt: 110,
    })
    expect(slugs({ platform: 'linux' })).toEqual(['b', 'c', 'arm'])
    expect(slugs({ platform: 'linux-aarch64' })).toEqual(['arm'])
    expect(slugs({ platform: 'macos' })).toEqual(['mac'])
    expect(slugs({ platform: 'darwin' })).toEqual(['mac'])
    expect(slugs({ platform: 'linux', sort: 'price' })).toEqual(['arm', 'b', 'c'])
    expect(slugs({ platform: 'linux', tag: 'rpg', sort: 'title' })).toEqual(['b', 'c', 'arm'])
    expect(slugs({ platform: 'linux', q: 'cherry' }).sort()).toEqual(['arm', 'c'])
    expect(slugs({ platform: 'linux', q: 'cherry', sort: 'featured' })).toEqual(['c', 'arm'])
  })

  it("filters by author (a developer's page) alone and with the other filters, in every sort", () => {
    const other = f.user()
    f.game(other, {
      slug: 'o1',
      title: 'cherry other',
      tags: ['rpg'],
      platforms: ['linux-x86_64'],
      updatedAt: 400,
    })
    f.game(other, {
      slug: 'o2',
      title: 'Other two',
      status: 'FEATURED',
      featuredRank: 1,
      updatedAt: 10,
    })
    expect(slugs({ author: other.pubkey })).toEqual(['o1', 'o2'])
    expect(slugs({ author: other.pubkey, sort: 'featured' })).toEqual(['o2', 'o1'])
    expect(slugs({ author: other.pubkey, sort: 'title' })).toEqual(['o1', 'o2'])
    expect(slugs({ author: other.pubkey, q: 'cherry' })).toEqual(['o1'])
    expect(slugs({ author: other.pubkey, tag: 'rpg', platform: 'linux' })).toEqual(['o1'])
    expect(slugs({ author: dev.pubkey, tag: 'rpg' }).sort()).toEqual(['b', 'c'])
    expect(slugs({ author: 'ab'.repeat(32) })).toEqual([])
    expect(() => GameListQuery.parse({ author: 'npub1x' })).toThrow()
  })

  it('sorts by new (default), title (case-insensitive), price, and featured (by rank, then listed newest first)', () => {
    expect(slugs()).toEqual(['b', 'c', 'a', 'f-unranked', 'f2', 'f1'])
    expect(slugs({ sort: 'title' })).toEqual(['b', 'a', 'c', 'f-unranked', 'f1', 'f2'])
    expect(slugs({ sort: 'price' })).toEqual(['f2', 'f1', 'f-unranked', 'b', 'c', 'a'])
    expect(slugs({ sort: 'featured' })).toEqual(['f1', 'f2', 'f-unranked', 'b', 'c', 'a'])
  })

  it('answers list items in the documented shape', () => {
    expect(list({ tag: 'rpg', platform: 'web' }).items[0]).toEqual({
      pubkey: dev.pubkey,
      slug: 'c',
      title: 'cherry',
      summary: null,
      icon: null,
      cover: null,
      tags: ['rpg'],
      platforms: ['web', 'linux-x86_64'],
      price_msat: 2000,
      status: 'LISTED',
      updated_at: 200,
      coming_soon: true,
    })
  })
})

describe('visibility', () => {
  beforeEach(() => {
    for (const status of ['LISTED', 'FEATURED', 'UNLISTED', 'BANNED', 'DRAFT'] as const)
      f.game(dev, {
        slug: status.toLowerCase(),
        title: `Lantern ${status}`,
        status,
        tags: ['arcade'],
        platforms: ['web'],
      })
    f.game(dev, {
      slug: 'deleted',
      title: 'Lantern deleted',
      tags: ['arcade'],
      platforms: ['web'],
      deleted: true,
    })
  })

  it('lists only LISTED and FEATURED games, whatever the query, filter or sort', () => {
    for (const p of [
      {},
      { q: 'lantern' },
      { tag: 'arcade' },
      { platform: 'web' },
      { sort: 'title' },
      { sort: 'price' },
      { sort: 'featured' },
      { q: 'lantern', sort: 'new' },
    ] as GameListParams[]) {
      expect(slugs(p).sort(), JSON.stringify(p)).toEqual(['featured', 'listed'])
    }
  })

  it('finds UNLISTED by address, never BANNED, DRAFT or deleted', () => {
    expect(reader.findGame(dev.pubkey, 'unlisted')?.status).toBe('UNLISTED')
    expect(reader.findGame(dev.pubkey, 'featured')?.status).toBe('FEATURED')
    for (const slug of ['banned', 'draft', 'deleted', 'missing'])
      expect(reader.findGame(dev.pubkey, slug)).toBeUndefined()
  })
})

describe('keyset pagination', () => {
  const SORTS: GameListParams[] = [
    { sort: 'new' },
    { sort: 'title' },
    { sort: 'price' },
    { sort: 'featured' },
    { q: 'lantern' },
    { q: 'lantern', sort: 'price' },
    { tag: 'arcade' },
  ]

  beforeEach(() => {
    // Ties on purpose: equal titles, prices and timestamps, so the id tie-break is what keeps order total.
    for (let i = 0; i < 23; i++) {
      f.game(dev, {
        slug: `g${i}`,
        title: `${i % 2 ? 'lantern' : 'Lantern'} ${i % 4}`,
        priceMsat: (i % 3) * 1000,
        updatedAt: 1000 + (i % 5),
        tags: ['arcade'],
        description: 'lantern '.repeat(1 + (i % 3)),
        status: i % 7 === 0 ? 'FEATURED' : 'LISTED',
        featuredRank: i % 7 === 0 ? 5 - (i % 2) : null,
      })
    }
  })

  it('visits every game exactly once, in the order of one unpaged request', () => {
    for (const p of SORTS) {
      const all = slugs({ ...p, limit: 100 })
      expect(all).toHaveLength(23)
      expect(walk({ ...p, limit: 4 }), JSON.stringify(p)).toEqual(all)
    }
  })

  it('neither repeats nor skips a game when games are inserted between pages', () => {
    let n = 0
    for (const p of SORTS) {
      const before = walk({ ...p, limit: 100 })
      const inserted = new Set<string>()
      const seen = walk({ ...p, limit: 4 }, (page) => {
        if (page >= 3) return
        // Games that sort before and after the cursor, and that change bm25's corpus statistics.
        for (let k = 0; k < 6; k++) {
          n++
          inserted.add(`new-${n}`)
          f.game(dev, {
            slug: `new-${n}`,
            title: k % 2 ? 'Aardvark lantern' : `Zulu ${n}`,
            priceMsat: k % 2 ? 0 : 9000,
            updatedAt: k % 2 ? 5000 : 10,
            description: k % 3 ? 'lantern lantern lantern lantern' : 'nothing here',
            tags: ['arcade'],
          })
        }
      })
      expect(new Set(seen).size, `${JSON.stringify(p)} repeated a game`).toBe(seen.length)
      expect(
        seen.filter((s) => !inserted.has(s)),
        `${JSON.stringify(p)} skipped or reordered a game`,
      ).toEqual(before)
    }
  })

  it('switches to the filter-driven plan for a rare filter and still pages exactly', () => {
    const insert = f.db.transaction(() => {
      for (let i = 0; i < 1500; i++)
        f.game(dev, {
          slug: `bulk-${i}`,
          title: `Bulkhead ${i}`,
          tags: i % 500 === 0 ? ['rare', 'arcade'] : ['arcade'],
          updatedAt: 2000 + i,
        })
    })
    insert()
    const rare = walk({ tag: 'rare', limit: 2 })
    expect(rare).toEqual(['bulk-1000', 'bulk-500', 'bulk-0'])
    // With text too: probed per row ("bulk", a prefix FTS5 indexes) or as a match set ("bulkhead"), then
    // driven from the tag's rows filtered by the match set.
    for (const q of ['bulk', 'bulkhead']) {
      for (const sort of ['new', 'featured'] as const)
        expect(walk({ q, tag: 'rare', sort, limit: 2 }), `${q} ${sort}`).toEqual(rare)
    }
    expect(walk({ tag: 'arcade', limit: 100 })).toHaveLength(1523)
    // A rare platform family: driven from its distinct game ids (a game with two linux ids appears once).
    f.game(dev, {
      slug: 'rare-linux',
      title: 'Rare',
      platforms: ['linux-x86_64', 'linux-aarch64'],
      updatedAt: 1,
    })
    expect(walk({ platform: 'linux', limit: 2 })).toEqual(['rare-linux'])
    // A developer with few games among many: driven from the games table, and with text or a tag too.
    const solo = f.user()
    f.game(solo, { slug: 'solo-a', title: 'Bulkhead solo', tags: ['rare'], updatedAt: 5 })
    f.game(solo, { slug: 'solo-b', title: 'Solo b', tags: ['arcade'], updatedAt: 4 })
    expect(walk({ author: solo.pubkey, limit: 1 })).toEqual(['solo-a', 'solo-b'])
    expect(walk({ author: solo.pubkey, q: 'bulkhead', sort: 'new', limit: 1 })).toEqual(['solo-a'])
    expect(walk({ author: solo.pubkey, tag: 'rare', limit: 1 })).toEqual(['solo-a'])
    expect(
      walk({ author: solo.pubkey, q: 'bulkhead', tag: 'rare', sort: 'new', limit: 1 }),
    ).toEqual(['solo-a'])
  })

  it('refuses a malformed cursor and a cursor made for another sort', () => {
    const next = list({ sort: 'title', limit: 2 }).next_cursor!
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        return e instanceof AppError ? e.code : String(e)
      }
      return 'no error'
    }
    expect(code(() => list({ sort: 'price', cursor: next }))).toBe('VALIDATION_FAILED')
    expect(code(() => list({ cursor: 'bm90LWpzb24' }))).toBe('VALIDATION_FAILED')
    expect(code(() => list({ cursor: Buffer.from('["new",0,"x",1]').toString('base64url') }))).toBe(
      'VALIDATION_FAILED',
    )
    expect(code(() => list({ sort: 'title', cursor: next }))).toBe('no error')
  })
})

describe('relevance over a bounded candidate set', () => {
  // A reader that ranks by bm25 up to 3 matches: the production bound (EXACT_RANK_LIMIT) scaled down.
  let small: CatalogReader
  const smallSlugs = (p: GameListParams) =>
    small.listGames(GameListQuery.parse(p)).items.map((i) => i.slug)
  function smallWalk(p: GameListParams, between: (page: number) => void = () => {}): string[] {
    const out: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < 100; page++) {
      const r = small.listGames(GameListQuery.parse(cursor === undefined ? p : { ...p, cursor }))
      out.push(...r.items.map((i) => i.slug))
      if (r.next_cursor === null) return out
      cursor = r.next_cursor
      between(page)
    }
    throw new Error('pagination did not end')
  }
  beforeEach(() => {
    small = sqliteCatalogReader(f.db, { exactRankLimit: 3 })
    // Inserted in this order (ids ascending); the title match is the oldest game.
    f.game(dev, { slug: 'title-match', title: 'Comet Run', description: 'fly' })
    f.game(dev, { slug: 'desc-1', title: 'One', description: 'a comet passes' })
    f.game(dev, { slug: 'hidden', title: 'Draft comet', description: 'comet' })
    f.db.prepare(`UPDATE games SET status = 'DRAFT', listing = 'DRAFT' WHERE slug = 'hidden'`).run()
    f.game(dev, { slug: 'desc-2', title: 'Two', description: 'comet comet comet' })
    f.game(dev, { slug: 'tag-match', title: 'Three', tags: ['comet'] })
    f.game(dev, { slug: 'desc-3', title: 'Four', description: 'the comet again' })
    f.game(dev, { slug: 'other', title: 'Five', description: 'nothing' })
  })

  it('ranks by bm25 while a query matches at most the bound, newest first above it', () => {
    expect(EXACT_RANK_LIMIT).toBeGreaterThanOrEqual(500)
    // "comet" matches 6 games (one a draft) > 3: newest game first, no bm25.
    expect(smallSlugs({ q: 'comet' })).toEqual([
      'desc-3',
      'tag-match',
      'desc-2',
      'desc-1',
      'title-match',
    ])
    // The default reader still ranks them: the title match first, then the tag match.
    expect(slugs({ q: 'comet' }).slice(0, 2)).toEqual(['title-match', 'tag-match'])
    // "comet run" matches one game, then two: within the bound, bm25 as before (title match first).
    expect(smallSlugs({ q: 'comet run' })).toEqual(['title-match'])
    f.game(dev, { slug: 'run-desc', title: 'Six', description: 'run from the comet' })
    expect(smallSlugs({ q: 'comet run' })).toEqual(['title-match', 'run-desc'])
    // Filters apply within the walk.
    expect(smallSlugs({ q: 'comet', tag: 'comet' })).toEqual(['tag-match'])
  })

  it('pages the newest-first walk exactly, keeping its mode when games come and go between pages', () => {
    expect(smallWalk({ q: 'comet', limit: 2 })).toEqual([
      'desc-3',
      'tag-match',
      'desc-2',
      'desc-1',
      'title-match',
    ])
    let n = 0
    const seen = smallWalk({ q: 'comet', limit: 2 }, (page) => {
      if (page === 0) {
        // A new match (sorts before the cursor: not shown to this reader), and two matches leave, so
        // the query now matches 3 games: within the bound, but the walk keeps its order.
        n++
        f.game(dev, { slug: `late-${n}`, title: 'Late comet' })
        f.db.prepare(`UPDATE games SET deleted_at = 1 WHERE slug IN ('desc-2', 'tag-match')`).run()
      }
    })
    expect(seen).toEqual(['desc-3', 'tag-match', 'desc-1', 'title-match'])
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('filters an index-ordered search the same whether FTS5 probes each row or builds the match set', () => {
    // "come" is within the prefix index (a probe per walked row), "comet" is not (the match set).
    for (const sort of ['new', 'title', 'price', 'featured'] as const) {
      expect(slugs({ q: 'come', sort, limit: 100 }), sort).toEqual(
        slugs({ q: 'comet', sort, limit: 100 }),
      )
      expect(slugs({ q: 'come', tag: 'comet', sort }), sort).toEqual(['tag-match'])
      expect(walk({ q: 'come', sort, limit: 2 }), sort).toEqual(
        slugs({ q: 'comet', sort, limit: 100 }),
      )
    }
    expect(slugs({ q: 'come', sort: 'new', limit: 100 })).toEqual([
      'desc-3',
      'tag-match',
      'desc-2',
      'desc-1',
      'title-match',
    ])
  })
})

describe('game details', () => {
  it('answers the game with its developer, releases newest first by semver then date, and build sizes', () => {
    const d = f.user(undefined, {
      displayName: 'Nova Studio',
      picture: 'https://x.example/p.png',
      lud16: 'nova@x.example',
    })
    const g = f.game(d, {
      slug: 'nova',
      title: 'Nova',
      summary: 'space',
      description: '# Nova',
      priceMsat: 21_000,
      tags: ['rpg'],
      platforms: ['web'],
    })
    f.db
      .prepare(
        `UPDATE games SET images_json = '["https://x.example/1.png"]', url = 'https://nova.example', license = 'MIT' WHERE id = ?`,
      )
      .run(g)
    const sha = (c: string) => c.repeat(64)
    f.release(g, '1.9.0', 300, { sha256: sha('a'), sizeBytes: 900 })
    f.release(g, '1.10.0', 200, { sha256: sha('b'), sizeBytes: 1000 }, 'big update')
    f.release(g, '1.10.0-beta.2', 150, { sha256: sha('c'), sizeBytes: 990 })
    f.release(g, '1.10.0-beta.10', 160, null)
    f.release(g, '2.0.0+build.1', 100, { sha256: sha('d'), sizeBytes: 5 })
    f.release(g, '2.0.0+build.2', 120, { sha256: sha('e'), sizeBytes: 6 })
    const game = reader.findGame(d.pubkey, 'nova')!
    expect(game.releases.map((r) => r.version)).toEqual([
      '2.0.0+build.2',
      '2.0.0+build.1',
      '1.10.0',
      '1.10.0-beta.10',
      '1.10.0-beta.2',
      '1.9.0',
    ])
    expect(game.releases[2]).toEqual({
      version: '1.10.0',
      channel: 'main',
      notes: 'big update',
      published_at: 200,
      asset: { sha256: sha('b'), size_bytes: 1000 },
      files: [],
    })
    expect(game.releases[3]!.asset).toBeNull()
    expect(game).toMatchObject({
      pubkey: d.pubkey,
      slug: 'nova',
      title: 'Nova',
      summary: 'space',
      description: '# Nova',
      price_msat: 21_000,
      status: 'LISTED',
      images: ['https://x.example/1.png'],
      url: 'https://nova.example',
      license: 'MIT',
      tags: ['rpg'],
      platforms: ['web'],
      developer: {
        pubkey: d.pubkey,
        display_name: 'Nova Studio',
        picture: 'https://x.example/p.png',
        lud16: 'nova@x.example',
      },
      zaps: { count: 0, total_msat: 0 },
    })
    expect(game.developer.npub).toMatch(/^npub1/)
  })

  it("answers the listing's video tags and the profile's nip05 and about from the stored events", () => {
    const d = f.user(undefined, { displayName: 'Nova Studio' })
    const g = f.game(d, { slug: 'trailer', title: 'Trailer' })
    const raw = f.db.prepare(
      `INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, 'ACCEPTED', 1)`,
    )
    const gameEvent = 'e'.repeat(64)
    raw.run(
      gameEvent,
      d.pubkey,
      32267,
      JSON.stringify([
        ['d', 'trailer'],
        ['video', 'https://videos.example/w/abcdefgh12'],
        ['video', 'javascript:alert(1)'],
        ['video', 'https://cdn.example/trailer.webm'],
        ['video', 'https://videos.example/w/abcdefgh12'],
      ]),
      '',
      'f'.repeat(128),
      'trailer',
    )
    const profileEvent = 'c'.repeat(64)
    raw.run(
      profileEvent,
      d.pubkey,
      0,
      '[]',
      JSON.stringify({ name: 'Nova', about: '  Two people making cave games.  ' }),
      'f'.repeat(128),
      null,
    )
    f.db.prepare('UPDATE games SET event_id = ? WHERE id = ?').run(gameEvent, g)
    f.db
      .prepare('UPDATE users SET nip05 = ?, profile_event_id = ? WHERE id = ?')
      .run('nova@nova.example', profileEvent, d.id)
    const game = reader.findGame(d.pubkey, 'trailer')!
    expect(game.videos).toEqual([
      'https://videos.example/w/abcdefgh12',
      'https://cdn.example/trailer.webm',
    ])
    expect(game.developer.nip05).toBe('nova@nova.example')
    expect(game.developer.about).toBe('Two people making cave games.')
    // A game whose stored event is gone, and a developer with no profile: empty, never an error.
    const other = f.game(dev, { slug: 'plain', title: 'Plain' })
    expect(other).toBeGreaterThan(0)
    const plain = reader.findGame(dev.pubkey, 'plain')!
    expect(plain.videos).toEqual([])
    expect(plain.developer).toMatchObject({ nip05: null, about: null })
  })

  it('counts paid zaps of the game, not checkouts or unpaid zaps', () => {
    const g = f.game(dev, { slug: 'zapped', priceMsat: 1000 })
    let n = 0
    const purchase = (kind: string, status: string, amount: number) => {
      n++
      f.db
        .prepare(`INSERT INTO purchases (id, game_id, kind, invoice_provider, invoice_id, bolt11, amount_msat, price_msat, fee_bps, zap_request, status, created_at, expires_at, paid_at, updated_at)
        VALUES (?, ?, ?, 't', ?, 'lnbc', ?, 1000, 0, ?, ?, 1, 2, ?, 1)`)
        .run(
          `p${n}`,
          g,
          kind,
          n.toString(16).padStart(64, '0'),
          amount,
          kind === 'ZAP' ? '{}' : null,
          status,
          status === 'PAID' ? 1 : null,
        )
    }
    purchase('ZAP', 'PAID', 2000)
    purchase('ZAP', 'PAID', 1000)
    purchase('ZAP', 'PENDING', 5000)
    purchase('CHECKOUT', 'PAID', 1000)
    expect(reader.findGame(dev.pubkey, 'zapped')!.zaps).toEqual({ count: 2, total_msat: 3000 })
  })
})

describe('version token', () => {
  it('changes when another connection commits and when this one writes', () => {
    const v0 = reader.version()
    expect(reader.version()).toBe(v0)
    f.other().prepare(`INSERT INTO users (pubkey, created_at) VALUES (?, 1)`).run('c'.repeat(64))
    const v1 = reader.version()
    expect(v1).not.toBe(v0)
    f.game(dev, { slug: 'own-write' })
    expect(reader.version()).not.toBe(v1)
  })
})
