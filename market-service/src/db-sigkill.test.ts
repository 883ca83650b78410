/**
 * SIGKILL loop on the money database (reliability catalogue DB-1: 50 kills). A child process books
 * guest purchases through the real checkout and settlement code on a real SQLite file
 * (testing/settle-loop-child.ts), four at once so group commits hold several, and prints `ACK <id>`
 * after each committed settlement; the parent kills it with SIGKILL after a varying number of
 * acknowledgements, then checks the file: integrity_check ok, the ledger invariant holds, and every
 * acknowledged payment is PAID with exactly one INVOICE_PAID ledger entry and one entitlement. A SIGKILL
 * is a process crash, not a power cut: it shows the transactions are atomic, and synchronous=FULL
 * (DB-2) is what covers the OS side.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import { sqliteLedgerRepo } from './adapters/sqlite/ledger-repo.ts'
import { checkLedger } from './domain/ledger/ledger-check.ts'
import { newKey, seedGame } from './testing/payments-harness.ts'

const CHILD = fileURLToPath(new URL('./testing/settle-loop-child.ts', import.meta.url))
const KILLS = 50

/** Start the child, let it acknowledge `acks` payments, SIGKILL it; resolves with the acknowledged ids. */
async function runAndKill(
  file: string,
  game: string,
  market: string,
  acks: number,
): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, game, market], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<NodeJS.Signals | number | null>((r) =>
    child.once('exit', (code, signal) => r(signal ?? code)),
  )
  const acked: string[] = []
  const rl = createInterface({ input: child.stdout })
  await new Promise<void>((resolve, reject) => {
    rl.on('line', (l) => {
      if (!l.startsWith('ACK ')) return
      acked.push(l.slice(4))
      if (acked.length === acks) resolve()
    })
    void exited.then((how) =>
      reject(new Error(`child exited (${String(how)}) before ${acks} acks: ${stderr}`)),
    )
  })
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
  rl.close()
  return acked
}

describe(`SIGKILL x${KILLS} while payments are booked (DB-1)`, () => {
  let dir: string, file: string, game: string
  const market = newKey()
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'db-sigkill-'))
    file = join(dir, 'zapcade.db')
    const db = new Database(file)
    applyPragmas(db, 'money')
    migrate(db)
    const dev = newKey()
    seedGame(db, dev, 'killed', { priceMsat: 21_000, marketPubkey: market.pubkey })
    game = `${dev.pubkey}/killed`
    db.close()
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('after every kill: integrity_check ok, the ledger invariant holds and no acknowledged payment is lost', async () => {
    const acked: string[] = []
    for (let k = 0; k < KILLS; k++) {
      acked.push(...(await runAndKill(file, game, market.pubkey, 1 + ((k * 7) % 25))))
      const db = new Database(file)
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
        expect(checkLedger(sqliteLedgerRepo(db).facts()).violations).toEqual([])
        const lost = db.prepare(`SELECT p.id, p.status,
            (SELECT count(*) FROM ledger_entries l WHERE l.purchase_id = p.id AND l.type = 'INVOICE_PAID') AS invoice_paid,
            (SELECT count(*) FROM entitlements e WHERE e.purchase_id = p.id) AS entitlements
          FROM purchases p WHERE p.id = ?`)
        const bad = acked
          .map(
            (id) =>
              lost.get(id) as
                | { status: string; invoice_paid: number; entitlements: number }
                | undefined,
          )
          .filter((r) => !r || r.status !== 'PAID' || r.invoice_paid !== 1 || r.entitlements !== 1)
        expect(bad).toEqual([])
        // Nothing half-booked either: a PAID purchase always has its ledger entry and its entitlement.
        expect(
          db
            .prepare(`SELECT count(*) FROM purchases p WHERE p.status = 'PAID' AND (
            NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.purchase_id = p.id)
            OR NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.purchase_id = p.id AND l.type = 'INVOICE_PAID'))`)
            .pluck()
            .get(),
        ).toBe(0)
      } finally {
        db.close()
      }
    }
    expect(acked.length).toBeGreaterThanOrEqual(KILLS)
  }, 240_000)
})
