import { describe, expect, it } from 'vitest'
import { generateSecretKey } from 'nostr-tools/pure'
import { bytesToHex } from 'nostr-tools/utils'
import { verifyEvent } from 'nostr-tools/pure'
import { addGame, addUser } from '../sqlite/testing/blob-seed.ts'
import { freshDb } from '../sqlite/testing/blob-seed.ts'
import { keySigner } from './market-key.ts'
import { banLabelFor, builtinOutboxHandlers, deletionFor, eventIdAs } from './outbox-handlers.ts'

describe('built-in outbox handlers', () => {
  it('gives each featured list a later created_at than the previous one, even within one second', async () => {
    const db = freshDb()
    const signer = keySigner(bytesToHex(generateSecretKey()))
    const h = builtinOutboxHandlers({ db, signer, nowSec: () => 1000 })
    const dev = 'd'.repeat(64)
    const gid = addGame(db, addUser(db, dev), 'alpha')
    db.prepare("UPDATE games SET status = 'FEATURED', featured_rank = 0 WHERE id = ?").run(gid)
    const first = await h.PUBLISH_FEATURED_LIST!({})
    const second = await h.PUBLISH_FEATURED_LIST!({})
    expect(second.created_at).toBeGreaterThan(first.created_at)
    expect(second.pubkey).toBe(signer.pubkey)
    expect(verifyEvent({ ...second })).toBe(true)
    expect(second.tags).toContainEqual(['a', `32267:${dev}:alpha`])
  })

  it('signs the market kind 0 and a ban label with the market key', async () => {
    const signer = keySigner(bytesToHex(generateSecretKey()))
    const h = builtinOutboxHandlers({ db: freshDb(), signer, nowSec: () => 1000 })
    const profile = await h.PUBLISH_PROFILE!({
      name: 'Zapcade',
      lud16: 'zapcade@m.example',
      nip05: 'zapcade@m.example',
    })
    expect(profile).toMatchObject({ kind: 0, pubkey: signer.pubkey })
    expect(JSON.parse(profile.content)).toEqual({
      name: 'Zapcade',
      lud16: 'zapcade@m.example',
      nip05: 'zapcade@m.example',
    })
    const label = await h.PUBLISH_BAN_LABEL!({
      pubkey: 'e'.repeat(64),
      slug: 'bad',
      reason: 'malware',
    })
    expect(label).toMatchObject({ kind: 1985, pubkey: signer.pubkey, content: 'malware' })
    await expect(h.PUBLISH_BAN_LABEL!({ slug: 'x' })).rejects.toThrow()
  })

  it('signs the same ban label id on every attempt when the payload fixes created_at, and the id is known before signing', async () => {
    const signer = keySigner(bytesToHex(generateSecretKey()))
    let now = 1000
    const h = builtinOutboxHandlers({ db: freshDb(), signer, nowSec: () => now })
    const payload = { pubkey: 'e'.repeat(64), slug: 'bad', reason: 'malware', created_at: 900 }
    const first = await h.PUBLISH_BAN_LABEL!(payload)
    now = 2000
    const retry = await h.PUBLISH_BAN_LABEL!(payload)
    expect(retry.id).toBe(first.id)
    expect(first.created_at).toBe(900)
    expect(eventIdAs(banLabelFor(payload, now), signer.pubkey)).toBe(first.id)
  })

  it('signs a NIP-09 deletion naming each id with e and the kind with k, and refuses a payload without ids', async () => {
    const signer = keySigner(bytesToHex(generateSecretKey()))
    const h = builtinOutboxHandlers({ db: freshDb(), signer, nowSec: () => 1000 })
    const payload = {
      event_ids: ['a'.repeat(64)],
      kinds: [1985],
      reason: 'ban lifted',
      created_at: 1200,
    }
    const del = await h.PUBLISH_DELETION!(payload)
    expect(del).toMatchObject({
      kind: 5,
      pubkey: signer.pubkey,
      created_at: 1200,
      content: 'ban lifted',
      tags: [
        ['e', 'a'.repeat(64)],
        ['k', '1985'],
      ],
    })
    expect(verifyEvent({ ...del })).toBe(true)
    expect(del.id).toBe(eventIdAs(deletionFor(payload), signer.pubkey))
    await expect(h.PUBLISH_DELETION!({ ...payload, event_ids: [] })).rejects.toThrow()
    await expect(h.PUBLISH_DELETION!({ ...payload, event_ids: ['nope'] })).rejects.toThrow()
  })
})
