/** The database's CHECK lists and shared/src/status.ts name the same values, in both directions. */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  GAME_LISTINGS,
  GAME_STATUSES,
  LEDGER_ENTRY_TYPES,
  PAYOUT_STATUSES,
  PURCHASE_KINDS,
  PURCHASE_STATUSES,
  REFUND_STATUSES,
  UPLOAD_STATUSES,
  nextGameStatus,
  purchaseTransitions,
  payoutTransitions,
  refundTransitions,
} from '../status.ts'
import { migrate } from './migrate.ts'

function checkList(db: Database.Database, table: string, column: string): string[] {
  const sql = (
    db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as {
      sql: string
    }
  ).sql
  const m = new RegExp(`CHECK \\(${column} IN \\(([^)]*)\\)\\)`).exec(sql)
  if (!m) throw new Error(`no CHECK list for ${table}.${column}`)
  return m[1]!.split(',').map((v) => v.trim().replace(/^'|'$/g, ''))
}

describe('status vocabularies', () => {
  const db = new Database(':memory:')
  migrate(db)
  it.each([
    ['games', 'status', GAME_STATUSES],
    ['games', 'listing', GAME_LISTINGS],
    ['purchases', 'kind', PURCHASE_KINDS],
    ['purchases', 'status', PURCHASE_STATUSES],
    ['payouts', 'status', PAYOUT_STATUSES],
    ['ledger_entries', 'type', LEDGER_ENTRY_TYPES],
    ['uploads', 'status', UPLOAD_STATUSES],
    ['refunds', 'status', REFUND_STATUSES],
  ] as const)('%s.%s CHECK lists exactly the shared values', (table, column, values) => {
    expect(checkList(db, table, column).sort()).toEqual([...values].sort())
  })

  it('every transition table names only its own statuses', () => {
    for (const [table, all] of [
      [purchaseTransitions, PURCHASE_STATUSES],
      [payoutTransitions, PAYOUT_STATUSES],
      [refundTransitions, REFUND_STATUSES],
    ] as const) {
      expect(Object.keys(table).sort()).toEqual([...all].sort())
      for (const tos of Object.values(table) as readonly string[][])
        for (const to of tos) expect(all).toContain(to)
    }
  })

  it('the game-status machine: ban and feature overlay any game but a draft is never featured; lifting returns to the listing', () => {
    expect(nextGameStatus('LISTED', 'LISTED', 'FEATURED')).toBe('FEATURED')
    expect(nextGameStatus('UNLISTED', 'UNLISTED', 'BANNED')).toBe('BANNED')
    expect(nextGameStatus('BANNED', 'UNLISTED', 'LISTED')).toBe('UNLISTED')
    expect(nextGameStatus('FEATURED', 'LISTED', 'LISTED')).toBe('LISTED')
    expect(nextGameStatus('DRAFT', 'DRAFT', 'FEATURED')).toBeUndefined()
    expect(nextGameStatus('BANNED', 'DRAFT', 'FEATURED')).toBeUndefined()
  })
})
