/**
 * A mixed corpus for the CLI test and the benchmark: per game, the game (32267), one build asset (3063)
 * and its release (30063), from a handful of developers; a share of invalid events, alternately a
 * forged signature (costs a verify) and an edited content (caught by the id check).
 */
import type { NostrEvent } from '@zapcade/shared/events/event'
import { asset, forgeSig, game, makeDev, release } from './fixtures.ts'

export interface Corpus {
  events: NostrEvent[]
  valid: number
  forged: number
  idMismatch: number
}

/** `n` distinct events, `invalidShare` of them invalid, all dated before `nowSec`. */
export async function makeCorpus(
  n: number,
  invalidShare: number,
  nowSec: number,
  devCount = 20,
): Promise<Corpus> {
  const devs = await Promise.all(Array.from({ length: devCount }, () => makeDev()))
  const events: NostrEvent[] = []
  const invalidEvery = invalidShare > 0 ? Math.round(1 / invalidShare) : 0
  let forged = 0
  let idMismatch = 0
  let g = 0
  const t0 = nowSec - n
  while (events.length < n) {
    const dev = devs[g % devs.length]!
    const slug = `game-${g}`
    const t = t0 + events.length
    const as = asset(dev, slug, '1.0.0', t + 1)
    const group = [
      game(dev, slug, t, {
        summary: `Summary of game ${g}`,
        description: `# Game ${g}\n\nA description.`,
      }),
      as,
      release(dev, slug, '1.0.0', as.id, t + 2, 'notes'),
    ]
    for (const ev of group) {
      if (events.length >= n) break
      const i = events.length + 1
      if (invalidEvery > 0 && i % invalidEvery === 0) {
        if ((i / invalidEvery) % 2 === 0) {
          events.push(forgeSig(ev))
          forged++
        } else {
          events.push({ ...ev, content: `${ev.content} (edited)` })
          idMismatch++
        }
      } else events.push(ev)
    }
    g++
  }
  return { events, valid: n - forged - idMismatch, forged, idMismatch }
}
