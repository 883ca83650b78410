import { describe, expect, it } from 'vitest'
import { buildAppHandler } from './app-handler.ts'

describe('buildAppHandler (NIP-89 kind 31990)', () => {
  it('names kinds 32267 and 30063 and the storefront templates for naddr and nevent', () => {
    const ev = buildAppHandler({
      publicUrl: 'https://store.example',
      name: 'Zapcade',
      nip05: 'zapcade@store.example',
      createdAtSec: 5,
    })
    expect(ev.kind).toBe(31990)
    expect(ev.tags.filter((t) => t[0] === 'k').map((t) => t[1])).toEqual(['32267', '30063'])
    expect(ev.tags.filter((t) => t[0] === 'web')).toEqual([
      ['web', 'https://store.example/a/<bech32>', 'naddr'],
      ['web', 'https://store.example/e/<bech32>', 'nevent'],
    ])
    expect(JSON.parse(ev.content)).toEqual({
      name: 'Zapcade',
      website: 'https://store.example',
      nip05: 'zapcade@store.example',
    })
  })
})
