/** The admin overlay on real SQLite (real migrations): ban label ids recorded, retracted once, never reused. */
import { describe, expect, it } from 'vitest'
import { generateSecretKey } from 'nostr-tools/pure'
import { bytesToHex } from 'nostr-tools/utils'
import { keySigner } from '../nostr/market-key.ts'
import { builtinOutboxHandlers } from '../nostr/outbox-handlers.ts'
import { setGameOverlay, type OverlayChange } from './admin-repo.ts'
import { addGame, addUser, freshDb } from './testing/blob-seed.ts'

const dev = 'd'.repeat(64)
const signer = keySigner(bytesToHex(generateSecretKey()))

function setup() {
  const db = freshDb()
  addGame(db, addUser(db, dev), 'alpha')
  let n = 0
  const change = (status: OverlayChange['status'], nowSec: number) =>
    setGameOverlay(db, {
      pubkey: dev,
      slug: 'alpha',
      status,
      nowSec,
      marketPubkey: signer.pubkey,
      nonce: `n${n++}`,
    })!
  const jobs = () =>
    db
      .prepare('SELECT type, status, last_error, payload_json FROM outbox_jobs ORDER BY id')
      .all() as { type: string; status: string; last_error: string | null; payload_json: string }[]
  return { db, change, jobs }
}

describe('setGameOverlay and ban labels', () => {
  it('a ban records the id the outbox will sign, and lifting it names that id in one PUBLISH_DELETION', async () => {
    const { db, change, jobs } = setup()
    const ban = change('BANNED', 1000)
    expect(ban.outbox).toEqual(['PUBLISH_BAN_LABEL'])
    const h = builtinOutboxHandlers({ db, signer, nowSec: () => 5000 })
    const label = await h.PUBLISH_BAN_LABEL!(JSON.parse(jobs()[0]!.payload_json))
    expect(ban.banLabelIds).toEqual([label.id])
    const lift = change('LISTED', 1010)
    expect(lift).toMatchObject({
      status: 'LISTED',
      outbox: ['PUBLISH_DELETION'],
      banLabelIds: [label.id],
    })
    const del = await h.PUBLISH_DELETION!(JSON.parse(jobs()[1]!.payload_json))
    expect(del.tags).toEqual([
      ['e', label.id],
      ['k', '1985'],
    ])
    expect(db.prepare('SELECT retracted_at, deletion_event_id FROM ban_labels').get()).toEqual({
      retracted_at: 1010,
      deletion_event_id: del.id,
    })
    // Nothing left to retract: a second lift enqueues nothing.
    expect(change('LISTED', 1020).outbox).toEqual([])
  })

  it('lifting a ban before its label went out stops the label job and still sends the deletion', () => {
    const { change, jobs } = setup()
    change('BANNED', 1000)
    change('FEATURED', 1001)
    expect(jobs().map(({ type, status, last_error }) => ({ type, status, last_error }))).toEqual([
      {
        type: 'PUBLISH_BAN_LABEL',
        status: 'FAILED',
        last_error: 'ban lifted before the label was published',
      },
      { type: 'PUBLISH_FEATURED_LIST', status: 'PENDING', last_error: null },
      { type: 'PUBLISH_DELETION', status: 'PENDING', last_error: null },
    ])
  })

  it('ban, lift and ban again in the same second gets a new label id (a relay refuses a deleted id for good)', () => {
    const { change } = setup()
    const first = change('BANNED', 1000).banLabelIds
    change('LISTED', 1000)
    const second = change('BANNED', 1000).banLabelIds
    expect(second).toHaveLength(1)
    expect(second).not.toEqual(first)
  })
})
