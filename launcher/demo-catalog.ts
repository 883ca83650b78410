/**
 * The demo catalog `npm start` publishes on an empty data directory: a handful of games with varied tags,
 * prices and platforms, signed by a demo developer key kept in the data directory. They reach the catalog
 * through the relay and the indexer like any other game.
 */
export interface DemoGame {
  slug: string
  title: string
  summary: string
  description: string
  tags: string[]
  platforms: string[]
  priceSats: number
  hue: number
  listing?: 'UNLISTED'
}

/** Every demo platform is a NIP-82 id of shared/src/platforms.ts (launcher test). */
export const DEMO_GAMES: DemoGame[] = [
  {
    slug: 'lantern-depths',
    title: 'Lantern Depths',
    summary: 'A roguelike about carrying the last light into a flooded mine.',
    description:
      '# Lantern Depths\n\nEvery step burns oil. Every room is new.\n\n- 40 hand-made rooms, remixed each run\n- Permadeath, but your map persists\n- A soundtrack of dripping water and distant bells\n',
    tags: ['roguelike', 'pixel-art', 'dungeon'],
    platforms: ['linux-x86_64', 'windows-x86_64', 'darwin-arm64'],
    priceSats: 2100,
    hue: 28,
  },
  {
    slug: 'orbital-gardener',
    title: 'Orbital Gardener',
    summary: 'Grow a greenhouse on a space station that never stops spinning.',
    description:
      '# Orbital Gardener\n\nA calm management game. Balance light, water and gravity as the station turns.\n\n> "The most relaxing thing I have played in orbit." — a satisfied botanist\n',
    tags: ['simulation', 'cozy', 'space'],
    platforms: ['linux-x86_64', 'windows-x86_64'],
    priceSats: 5000,
    hue: 140,
  },
  {
    slug: 'zap-racer',
    title: 'Zap Racer',
    summary: 'Arcade racing on lightning-fast neon tracks. Free to play.',
    description:
      '# Zap Racer\n\nTwelve tracks, one button for boost, and a ghost of your best lap.\n\nFree forever: tips welcome.\n',
    tags: ['racing', 'arcade'],
    platforms: ['linux-x86_64', 'windows-x86_64', 'darwin-arm64', 'darwin-x86_64'],
    priceSats: 0,
    hue: 200,
  },
  {
    slug: 'quiet-harbor',
    title: 'Quiet Harbor',
    summary: 'A narrative puzzle game set in a fishing town that keeps one secret.',
    description:
      '# Quiet Harbor\n\nTalk to the townsfolk, read the tide tables, and find out why the lighthouse went dark.\n\n*About four hours long.*\n',
    tags: ['puzzle', 'narrative', 'mystery'],
    platforms: ['windows-x86_64', 'darwin-arm64'],
    priceSats: 12000,
    hue: 250,
  },
  {
    slug: 'block-smith',
    title: 'Block Smith',
    summary: 'Forge, stack and sell blocks in a tiny voxel economy.',
    description: '# Block Smith\n\nA strategy sandbox about supply chains made of cubes.\n',
    tags: ['strategy', 'sandbox', 'voxel'],
    platforms: ['linux-x86_64', 'windows-x86_64'],
    priceSats: 800,
    hue: 330,
  },
  {
    slug: 'night-shift-prototype',
    title: 'Night Shift (prototype)',
    summary: 'An unlisted prototype, reachable by its address only.',
    description: 'A rough horror prototype shared with testers by link.\n',
    tags: ['horror', 'prototype'],
    platforms: ['linux-x86_64'],
    priceSats: 100,
    hue: 0,
    listing: 'UNLISTED',
  },
]

/** A cover image for a demo game: an SVG drawn from its hue and title (no network needed to show it). */
export function demoCoverSvg(g: DemoGame): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl(${g.hue},70%,35%)"/><stop offset="1" stop-color="hsl(${(g.hue + 60) % 360},70%,15%)"/>
</linearGradient></defs>
<rect width="640" height="360" fill="url(#g)"/>
<text x="32" y="320" font-family="sans-serif" font-size="44" font-weight="700" fill="#fff">${esc(g.title)}</text>
</svg>`
}

/** Screenshots per demo game (drawn, like the cover). */
export const DEMO_SHOTS = 3

/** A demo screenshot: a simple scene in the game's colours (hills, a sun, a caption), different per index. */
export function demoShotSvg(g: DemoGame, n: number): string {
  const h = (g.hue + n * 40) % 360
  const hills = [0, 1, 2]
    .map((k) => {
      const y = 230 + k * 40
      const amp = 30 + ((n * 17 + k * 23) % 40)
      return `<path d="M0 ${y} Q160 ${y - amp} 320 ${y} T640 ${y} V360 H0Z" fill="hsl(${(h + k * 20) % 360},55%,${30 - k * 7}%)"/>`
    })
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">
<rect width="640" height="360" fill="hsl(${h},60%,70%)"/>
<circle cx="${120 + n * 150}" cy="${90 + n * 10}" r="36" fill="hsl(${(h + 180) % 360},90%,85%)"/>
${hills}
<rect x="16" y="16" width="190" height="34" rx="6" fill="rgba(0,0,0,0.55)"/>
<text x="28" y="39" font-family="sans-serif" font-size="18" fill="#fff">Screenshot ${n}</text>
</svg>`
}

/** The image files the demo serves: `<slug>.svg` (cover) and `<slug>-<n>.svg` (screenshots); undefined for others. */
export function demoImageSvg(file: string): string | undefined {
  for (const g of DEMO_GAMES) {
    if (file === `${g.slug}.svg`) return demoCoverSvg(g)
    const m = /^(.+)-([0-9])\.svg$/.exec(file)
    if (m && m[1] === g.slug && Number(m[2]) >= 1 && Number(m[2]) <= DEMO_SHOTS)
      return demoShotSvg(g, Number(m[2]))
  }
  return undefined
}

/** The `image` tags of a demo game: its cover first (the card art), then its screenshots. */
export function demoImages(g: DemoGame, baseUrl: string): string[] {
  return [
    `${baseUrl}/demo/${g.slug}.svg`,
    ...Array.from({ length: DEMO_SHOTS }, (_, i) => `${baseUrl}/demo/${g.slug}-${i + 1}.svg`),
  ]
}
