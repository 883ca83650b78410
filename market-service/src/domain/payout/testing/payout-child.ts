/**
 * The payout worker as its own process, for the crash test: `node --import tsx payout-child.ts <db>
 * <nwc-url>`. Prints `PAYING <bolt11>` the moment pay_invoice is handed to the wallet (the parent may
 * SIGKILL it then), and `DONE <status>` once the payout it finds is settled or no longer active.
 */
import Database from 'better-sqlite3'
import { invoiceExpiresAtSec } from '../../../adapters/lnurl/decode-invoice.ts'
import { lnurlPayClient } from '../../../adapters/lnurl/lnurl-pay-client.ts'
import { NwcWallet } from '../../../adapters/nwc/nwc-wallet.ts'
import { sqlitePayoutRepo } from '../../../adapters/sqlite/payout-repo.ts'
import { systemClock } from '../../../ports/clock.ts'
import type { Wallet } from '../../../ports/wallet.ts'
import { PayoutWorker } from '../payout-worker.ts'

const [dbFile, nwcUrl, payoutId] = process.argv.slice(2)
if (!dbFile || !nwcUrl || !payoutId)
  throw new Error('usage: payout-child.ts <db> <nwc-url> <payout-id>')
const db = new Database(dbFile)
db.pragma('journal_mode = WAL')
db.pragma('busy_timeout = 5000')
db.pragma('synchronous = FULL')
const nwc = new NwcWallet({ url: nwcUrl, payTimeoutMs: 5_000 })
const wallet: Pick<Wallet, 'payInvoice' | 'lookupPayment'> = {
  lookupPayment: (h) => nwc.lookupPayment(h),
  payInvoice(bolt11) {
    const p = nwc.payInvoice(bolt11)
    process.stdout.write(`PAYING ${bolt11}\n`)
    return p
  },
}
const repo = sqlitePayoutRepo(db)
const worker = new PayoutWorker({
  repo,
  wallet,
  lnurl: lnurlPayClient({ production: false }),
  clock: systemClock,
  random: Math.random,
  invoiceExpiresAtSec,
  policy: { recheckSec: 0, baseBackoffSec: 1, maxBackoffSec: 1 },
  log: (msg, fields) => process.stderr.write(`payout-child: ${msg} ${JSON.stringify(fields)}\n`),
})
await worker.recover()
for (;;) {
  const p = repo.get(payoutId)
  if (!p || (p.status !== 'SCHEDULED' && p.status !== 'RETRYING')) {
    process.stdout.write(`DONE ${p?.status ?? 'MISSING'}\n`)
    break
  }
  const steps = await worker.tick()
  if (process.env.PAYOUT_CHILD_DEBUG)
    process.stderr.write(
      `payout-child: ${JSON.stringify([...steps])} ${JSON.stringify(repo.get(payoutId))}\n`,
    )
  await new Promise((r) => setTimeout(r, 200))
}
await nwc.close()
db.close()
process.exit(0)
