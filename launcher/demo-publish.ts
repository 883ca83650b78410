/**
 * Publishes the demo catalog to the embedded relay, signed by the demo developer key, so the games reach
 * the catalog through the indexer like any other game. Idempotent: a marker in the data directory says
 * the demo was published; addressable events would replace themselves anyway.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AbstractRelay } from 'nostr-tools/abstract-relay'
import { finalizeEvent, verifyEvent } from 'nostr-tools/pure'
import WebSocket from 'ws'
import { buildGame } from '@zapcade/shared/events/game'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { DEMO_GAMES, demoImages } from './demo-catalog.ts'
import type { KeyPair } from './dev-keys.ts'

export interface DemoPublishOptions {
  dataDir: string
  relayUrl: string
  developer: KeyPair
  market: { pubkey: string; relay: string }
  /** Base URL where `/demo/<slug>.svg` covers are served. */
  imageBaseUrl: string
  nowSec: number
}

/** The signed demo game events (pure apart from signing). */
export function demoGameEvents(o: Omit<DemoPublishOptions, 'dataDir' | 'relayUrl'>): NostrEvent[] {
  return DEMO_GAMES.map((g, i) => {
    const cover = `${o.imageBaseUrl}/demo/${g.slug}.svg`
    const unsigned = buildGame({
      slug: g.slug,
      title: g.title,
      summary: g.summary,
      description: g.description,
      icon: cover,
      images: demoImages(g, o.imageBaseUrl),
      tags: g.tags,
      platforms: g.platforms,
      priceSats: g.priceSats,
      license: 'proprietary',
      ...(g.listing ? { listing: g.listing } : {}),
      ...(g.priceSats > 0 ? { market: o.market } : {}),
      // Spread over a few minutes so "new" sorts in a stable, visible order.
      createdAtSec: o.nowSec - (DEMO_GAMES.length - i) * 60,
    })
    return finalizeEvent(unsigned, o.developer.secretKey) as NostrEvent
  })
}

/** Publish the demo games once per data directory; answers how many were published now. */
export async function publishDemoOnce(o: DemoPublishOptions): Promise<number> {
  const marker = join(o.dataDir, 'demo-published')
  if (existsSync(marker)) return 0
  const events = demoGameEvents(o)
  // Node 20 has no global WebSocket: hand nostr-tools the `ws` one.
  const relay = await AbstractRelay.connect(o.relayUrl, {
    verifyEvent,
    websocketImplementation: WebSocket as never,
  })
  try {
    for (const ev of events) await relay.publish(ev)
  } finally {
    relay.close()
  }
  writeFileSync(marker, `${new Date(o.nowSec * 1000).toISOString()}\n`)
  return events.length
}
