import { describe, expect, it } from 'vitest'
import { isKnownPlatform } from '@zapcade/shared/platforms'
import { DEMO_GAMES, DEMO_SHOTS, demoImages, demoImageSvg } from './demo-catalog.ts'

describe('demo catalog', () => {
  it('uses only NIP-82 platform ids', () => {
    for (const g of DEMO_GAMES)
      for (const p of g.platforms) expect(isKnownPlatform(p), `${g.slug}: ${p}`).toBe(true)
  })

  it('serves a cover and its screenshots for each game, and nothing else', () => {
    const g = DEMO_GAMES[0]!
    const files = demoImages(g, 'http://m').map((u) => u.slice('http://m/demo/'.length))
    expect(files).toHaveLength(1 + DEMO_SHOTS)
    for (const f of files) expect(demoImageSvg(f)).toMatch(/^<svg /)
    expect(demoImageSvg(`${g.slug}-9.svg`)).toBeUndefined()
    expect(demoImageSvg('nope.svg')).toBeUndefined()
  })
})
