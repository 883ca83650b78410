import { describe, expect, it } from 'vitest'
import { AppError } from '@zapcade/shared/errors'
import { decideGameOverlay, type GameOverlayState } from './game-status.ts'

const listed: GameOverlayState = {
  status: 'LISTED',
  listing: 'LISTED',
  featuredRank: null,
  priceMsat: 0,
  hasVerifiedBuild: false,
}
const code = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return e instanceof AppError ? e.code : 'not an AppError'
  }
  return undefined
}

describe('decideGameOverlay', () => {
  it('features a listed game last, publishing the featured list', () => {
    expect(decideGameOverlay(listed, { status: 'FEATURED', maxOtherFeaturedRank: 4 })).toEqual({
      status: 'FEATURED',
      featuredRank: 5,
      publishFeaturedList: true,
      publishBanLabel: false,
      retractBanLabels: false,
    })
    expect(
      decideGameOverlay(listed, { status: 'FEATURED', maxOtherFeaturedRank: null }).featuredRank,
    ).toBe(0)
  })

  it('keeps a featured game its rank unless one is asked for', () => {
    const featured = { ...listed, status: 'FEATURED' as const, featuredRank: 2 }
    const req = { status: 'FEATURED' as const, maxOtherFeaturedRank: 9 }
    expect(decideGameOverlay(featured, req).featuredRank).toBe(2)
    expect(decideGameOverlay(featured, { ...req, rank: 7 }).featuredRank).toBe(7)
  })

  it('refuses to feature a paid game without a verified build (NO_BUILD), or a draft (CONFLICT)', () => {
    const req = { status: 'FEATURED' as const, maxOtherFeaturedRank: null }
    expect(code(() => decideGameOverlay({ ...listed, priceMsat: 1000 }, req))).toBe('NO_BUILD')
    const built = { ...listed, priceMsat: 1000, hasVerifiedBuild: true }
    expect(decideGameOverlay(built, req).status).toBe('FEATURED')
    const draft = { ...listed, status: 'DRAFT' as const, listing: 'DRAFT' as const }
    expect(code(() => decideGameOverlay(draft, req))).toBe('CONFLICT')
  })

  it('a ban publishes a label and leaves the featured list; lifting it retracts the labels', () => {
    const featured = { ...listed, status: 'FEATURED' as const, featuredRank: 0 }
    expect(decideGameOverlay(featured, { status: 'BANNED', maxOtherFeaturedRank: null })).toEqual({
      status: 'BANNED',
      featuredRank: null,
      publishFeaturedList: true,
      publishBanLabel: true,
      retractBanLabels: false,
    })
    const banned = { ...listed, status: 'BANNED' as const, listing: 'UNLISTED' as const }
    expect(decideGameOverlay(banned, { status: 'LISTED', maxOtherFeaturedRank: null })).toEqual({
      status: 'UNLISTED',
      featuredRank: null,
      publishFeaturedList: false,
      publishBanLabel: false,
      retractBanLabels: true,
    })
    // Banning twice publishes nothing new.
    const again = decideGameOverlay(banned, { status: 'BANNED', maxOtherFeaturedRank: null })
    expect(again.publishBanLabel).toBe(false)
  })
})
