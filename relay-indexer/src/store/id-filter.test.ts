import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../testing/fixtures.ts'
import { IdFilter } from './id-filter.ts'
import { openCatalog } from './open.ts'

const id = (n: number) => createHash('sha256').update(`event ${n}`).digest('hex')

describe('stored-id filter', () => {
  it('answers maybe for every stored or added id, and certainly-not for nearly all others', () => {
    const tmp = tempDir()
    const db = openCatalog(tmp.file('f.db'))
    const ins =
      db.prepare(`INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content,
      sig, state, received_at) VALUES (?, ?, 1, 1, '[]', '', '', 'ACCEPTED', 1)`)
    for (let n = 0; n < 2000; n++) ins.run(id(n), id(-1))
    const f = IdFilter.load(db)
    for (let n = 2000; n < 3000; n++) expect(f.add(id(n))).toBe(true)
    for (let n = 0; n < 3000; n++) expect(f.mightHave(id(n))).toBe(true)
    let maybe = 0
    for (let n = 3000; n < 13_000; n++) if (f.mightHave(id(n))) maybe++
    expect(maybe).toBeLessThan(100) // fixed ids: the same count every run (~1% expected)
    db.close()
    tmp.cleanup()
  })

  it('says when it is too full to stay useful', () => {
    const tmp = tempDir()
    const db = openCatalog(tmp.file('g.db'))
    const f = IdFilter.load(db)
    let n = 0
    while (f.add(id(n))) n++
    // 2^20 bits at 10 bits per id.
    expect(n).toBe(Math.floor(2 ** 20 / 10))
    db.close()
    tmp.cleanup()
  })
})
