import { describe, expect, it } from 'vitest'
import { PLATFORM_RE } from './events/game.ts'
import {
  familiesOf,
  isKnownPlatform,
  matchesPlatform,
  PLATFORMS,
  platformFamily,
  platformFilter,
  platformLabel,
} from './platforms.ts'

describe('platform vocabulary (NIP-82 f values)', () => {
  it('every id is a valid f value and is labelled for gamers', () => {
    for (const p of PLATFORMS) expect(PLATFORM_RE.test(p.id), p.id).toBe(true)
    expect(platformLabel('linux-x86_64')).toBe('Linux')
    expect(platformLabel('windows-x86_64')).toBe('Windows')
    expect(platformLabel('darwin-arm64')).toBe('macOS (Apple silicon)')
    expect(platformLabel('linux-mips')).toBe('Linux (mips)')
    expect(platformLabel('amiga')).toBe('amiga')
    expect(isKnownPlatform('linux')).toBe(false)
  })

  it('a family names every id of one system (macos and darwin are the same)', () => {
    expect(platformFilter('linux')).toEqual({ exact: 'linux', prefix: 'linux-' })
    expect(platformFilter('macos').prefix).toBe('darwin-')
    expect(platformFilter('linux-x86_64').prefix).toBeNull()
    expect(matchesPlatform(['linux-aarch64'], 'linux')).toBe(true)
    expect(matchesPlatform(['linuxish'], 'linux')).toBe(false)
    expect(matchesPlatform(['darwin-x86_64'], 'darwin')).toBe(true)
    expect(platformFamily('darwin-arm64')).toBe('macos')
    expect(familiesOf(['darwin-arm64', 'linux-x86_64', 'darwin-x86_64', 'amiga'])).toEqual([
      'linux',
      'macos',
    ])
  })
})
