/** The listing an event id names, from what the indexer stored (raw_events): versions, releases, assets. */
import { describe, expect, it } from 'vitest'
import { listingOf } from './zap-repo.ts'

const dev = 'd'.repeat(64)
const row = (kind: number, tags: string[][], d: string | null = null) => ({
  kind,
  pubkey: dev,
  d_tag: d,
  tags_json: JSON.stringify(tags),
})

describe('listingOf', () => {
  it('a 32267 (any version) by its d; a release by a, i or its d prefix; an asset (3063 or 1063) by i', () => {
    expect(listingOf(row(32267, [['d', 'Com.Example.Game']], 'Com.Example.Game'))).toEqual({
      pubkey: dev,
      slug: 'Com.Example.Game',
    })
    expect(
      listingOf(
        row(
          30063,
          [
            ['d', 'owl@1.0'],
            ['a', `32267:${dev}:owl-pass`],
          ],
          'owl@1.0',
        ),
      ),
    ).toEqual({ pubkey: dev, slug: 'owl-pass' })
    expect(
      listingOf(
        row(
          30063,
          [
            ['d', 'owl@1.0'],
            ['i', 'owl'],
          ],
          'owl@1.0',
        ),
      ),
    ).toEqual({ pubkey: dev, slug: 'owl' })
    expect(listingOf(row(30063, [['d', 'owl@1.0']], 'owl@1.0'))).toEqual({
      pubkey: dev,
      slug: 'owl',
    })
    expect(
      listingOf(
        row(3063, [
          ['i', 'owl'],
          ['x', 'a'.repeat(64)],
        ]),
      ),
    ).toEqual({ pubkey: dev, slug: 'owl' })
    expect(listingOf(row(1063, [['i', 'owl']]))).toEqual({ pubkey: dev, slug: 'owl' })
  })

  it('nothing for other kinds, a release whose a names another author, or unreadable tags', () => {
    expect(listingOf(row(1, [['e', 'x']]))).toBeUndefined()
    expect(listingOf(row(30063, [['a', `32267:${'e'.repeat(64)}:theirs`]], null))).toBeUndefined()
    expect(listingOf({ kind: 3063, pubkey: dev, d_tag: null, tags_json: '{oops' })).toBeUndefined()
  })
})
