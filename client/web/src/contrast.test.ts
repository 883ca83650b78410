import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The palette lives in style.css custom properties: dark by default, light under prefers-color-scheme.
const css = readFileSync(new URL('./style.css', import.meta.url), 'utf8')

function palette(block: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi))
    out[m[1] as string] = m[2] as string
  return out
}
const dark = palette(/:root\s*{([^}]*)}/.exec(css)?.[1] ?? '')
const light = {
  ...dark,
  ...palette(/@media \(prefers-color-scheme: light\)\s*{\s*:root\s*{([^}]*)}/.exec(css)?.[1] ?? ''),
}
const lightPrice =
  /@media \(prefers-color-scheme: light\)\s*{\s*\.price\s*{\s*color:\s*(#[0-9a-f]{6})/i.exec(
    css,
  )?.[1]

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const c = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number]
  return (x + 0.05) / (y + 0.05)
}

// Foreground on background pairs the pages actually use; all are body-size text, so WCAG AA 4.5:1.
const PAIRS: Array<[string, string]> = [
  ['text', 'bg'],
  ['text', 'panel'],
  ['muted', 'bg'],
  ['muted', 'panel'],
  ['link', 'bg'],
  ['link', 'panel'],
  ['accent-text', 'accent'],
  ['ok', 'bg'],
  ['err', 'bg'],
  ['err', 'panel'],
]

describe('the storefront palette meets WCAG AA contrast (4.5:1) in both colour schemes', () => {
  it('parses both palettes from style.css', () => {
    for (const p of [dark, light])
      for (const [fg, bg] of PAIRS) expect(p[fg] && p[bg], `${fg}/${bg}`).toBeTruthy()
    expect(lightPrice).toBeTruthy()
  })

  it.each(PAIRS)('dark: %s on %s', (fg, bg) => {
    expect(contrast(dark[fg]!, dark[bg]!)).toBeGreaterThanOrEqual(4.5)
  })

  it.each(PAIRS)('light: %s on %s', (fg, bg) => {
    expect(contrast(light[fg]!, light[bg]!)).toBeGreaterThanOrEqual(4.5)
  })

  it('prices (accent-coloured text) are readable on cards in both schemes', () => {
    expect(contrast(dark.accent!, dark.panel!)).toBeGreaterThanOrEqual(4.5)
    expect(contrast(lightPrice!, light.panel!)).toBeGreaterThanOrEqual(4.5)
  })
})
