import { describe, expect, it } from 'vitest'
import { newKey, sign, signTags } from './testing/sign.ts'
import { buildDeletion, parseDeletion } from './deletion.ts'

const dev = newKey()
const id1 = 'ab'.repeat(32)
const id2 = 'cd'.repeat(32)

describe('deletion request (kind 5, NIP-09)', () => {
  it('builds e and a targets with a k per kind and the reason as content', () => {
    const u = buildDeletion({
      eventIds: [id1],
      kinds: [3063],
      coordinates: [`32267:${dev.pk}:g`],
      reason: 'retired',
      createdAtSec: 9,
    })
    expect(u).toEqual({
      kind: 5,
      created_at: 9,
      content: 'retired',
      tags: [
        ['e', id1],
        ['a', `32267:${dev.pk}:g`],
        ['k', '3063'],
        ['k', '32267'],
      ],
    })
  })

  it('parses its targets, kinds and reason', () => {
    const ev = sign(
      buildDeletion({
        eventIds: [id1, id2],
        coordinates: [`32267:${dev.pk}:g`],
        reason: 'oops',
        createdAtSec: 9,
      }),
      dev,
    )
    expect(parseDeletion(ev)).toEqual({
      ok: true,
      value: {
        eventId: ev.id,
        pubkey: dev.pk,
        eventIds: [id1, id2],
        coordinates: [`32267:${dev.pk}:g`],
        kinds: [32267],
        skipped: 0,
        reason: 'oops',
        createdAtSec: 9,
      },
    })
  })

  it('keeps a plain replaceable coordinate with its trailing colon (NIP-01)', () => {
    const r = parseDeletion(signTags(5, [['a', `0:${dev.pk}:`]], dev))
    expect(r.ok && r.value.coordinates).toEqual([`0:${dev.pk}:`])
  })

  it('skips malformed targets but keeps the valid ones beside them', () => {
    const r = parseDeletion(
      signTags(
        5,
        [
          ['e', 'nothex'],
          ['e', id1],
          ['a', 'garbage'],
          ['e', id1],
        ],
        dev,
      ),
    )
    expect(r.ok && [r.value.eventIds, r.value.coordinates, r.value.skipped]).toEqual([[id1], [], 2])
  })

  it.each([
    ['no target at all', [['k', '1']], 'e: a deletion names no e or a target'],
    [
      'only malformed targets',
      [
        ['e', 'x'],
        ['a', '32267:short:g'],
      ],
      'e: no well-formed e or a target',
    ],
  ])('refuses a deletion with %s', (_n, tags, reason) => {
    expect(parseDeletion(signTags(5, tags, dev))).toEqual({ ok: false, reason })
  })

  it('refuses another kind', () => {
    expect(parseDeletion(signTags(1, [['e', id1]], dev))).toEqual({
      ok: false,
      reason: 'kind: expected 5, got 1',
    })
  })
})
