import { describe, expect, it } from 'vitest'
import type { Pubkey } from '../ids.ts'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'
import { buildBanLabel, MODERATION_NAMESPACE, parseBanLabel } from './ban-label.ts'

const market = newKey()
const dev = newKey()
const game = { pubkey: dev.pk as Pubkey, slug: 'star-miner' }
const base = () =>
  buildBanLabel({ game, reason: 'malware in build 1.2.0', createdAtSec: 1_760_000_000 })

describe('ban label (kind 1985, NIP-32)', () => {
  it('builds L, l with the namespace mark, a and the reason as content', () => {
    expect(base()).toEqual({
      kind: 1985,
      created_at: 1_760_000_000,
      tags: [
        ['L', MODERATION_NAMESPACE],
        ['l', 'banned', MODERATION_NAMESPACE],
        ['a', `32267:${dev.pk}:star-miner`],
      ],
      content: 'malware in build 1.2.0',
    })
  })

  it('a built label parses back to its game and reason', () => {
    const ev = sign(base(), market)
    expect(parseBanLabel(ev)).toEqual({
      ok: true,
      value: {
        eventId: ev.id,
        pubkey: market.pk,
        namespace: MODERATION_NAMESPACE,
        game,
        reason: 'malware in build 1.2.0',
        createdAtSec: 1_760_000_000,
      },
    })
  })

  it('labels of other namespaces on the same event are ignored', () => {
    const r = parseBanLabel(
      sign(withTags(base(), adding(['L', 'ISO-639-1'], ['l', 'en', 'ISO-639-1'])), market),
    )
    expect(r.ok).toBe(true)
  })

  it('a custom namespace is honoured by build and parse', () => {
    const ev = sign(
      buildBanLabel({ game, namespace: 'com.example.moderation', createdAtSec: 1 }),
      market,
    )
    expect(parseBanLabel(ev, 'com.example.moderation').ok).toBe(true)
    expect(parseBanLabel(ev)).toEqual({
      ok: false,
      reason: `L: must include the namespace ${MODERATION_NAMESPACE}`,
    })
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no L', without('L'), `L: must include the namespace ${MODERATION_NAMESPACE}`],
    ['our L twice', adding(['L', MODERATION_NAMESPACE]), 'L: duplicate namespace'],
    ['no l', without('l'), `l: no label marked with ${MODERATION_NAMESPACE}`],
    [
      'an l without the namespace mark (ugc)',
      replacing(['l', 'banned']),
      `l: no label marked with ${MODERATION_NAMESPACE}`,
    ],
    [
      'another label value',
      replacing(['l', 'featured', MODERATION_NAMESPACE]),
      'l: label must be "banned"',
    ],
    [
      'two labels in our namespace',
      adding(['l', 'spam', MODERATION_NAMESPACE]),
      `l: more than one label marked with ${MODERATION_NAMESPACE}`,
    ],
    ['no a target', without('a'), 'a: exactly one target game required, got 0'],
    [
      'two a targets',
      adding(['a', `32267:${dev.pk}:other`]),
      'a: exactly one target game required, got 2',
    ],
    [
      'a target that is not a game',
      replacing(['a', `30023:${dev.pk}:post`]),
      'a: target must be a game coordinate 32267:<pubkey>:<slug>',
    ],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseBanLabel(sign(withTags(base(), edit), market))).toEqual({ ok: false, reason })
  })
})
