/**
 * Child process of db-sigkill.test.ts (DB-1): opens `<file>` the way the service does (money pragmas,
 * migrated) and books guest purchases through the real checkout and settlement code in four tight loops,
 * with an in-process wallet that mints an invoice and its preimage. A line `ACK <purchase id>` is
 * written only after settlement returned SETTLED (its transaction committed): that is the acknowledgement
 * the parent holds the database to after a SIGKILL. Args: <file> <game ref> <market pubkey>.
 */
import { createHash, randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import { msat } from '@zapcade/shared/money'
import { checkout } from '../domain/purchase/checkout.ts'
import { systemClock } from '../ports/clock.ts'
import type { Wallet } from '../ports/wallet.ts'
import { makePayments } from '../compose.ts'

const [file, game, market] = process.argv.slice(2) as [string, string, string]
const preimages = new Map<string, string>()
const unused = (): never => {
  throw new Error('not used by this child')
}
const wallet: Wallet = {
  async makeInvoice(req) {
    const preimage = randomBytes(32).toString('hex')
    const paymentHash = createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex')
    preimages.set(paymentHash, preimage)
    const now = systemClock.nowSec()
    return {
      bolt11: `lnbcrt${paymentHash.slice(0, 16)}`,
      paymentHash,
      amountMsat: req.amountMsat,
      createdAtSec: now,
      expiresAtSec: now + req.expirySec,
    }
  },
  lookupInvoice: unused,
  payInvoice: unused,
  lookupPayment: unused,
  onPaymentReceived: unused,
  close: async () => {},
}

const db = new Database(file)
applyPragmas(db, 'money')
migrate(db)
const payments = makePayments({
  db,
  clock: systemClock,
  secret: Buffer.from('sigkill-child'),
  marketPubkey: market,
  feeBps: 250,
  wallet,
})
process.stdout.write('READY\n')
// Four buyers at once, so the money writes share group commits (several units per transaction) and a
// kill can land in the middle of a batch.
const buyer = async (): Promise<never> => {
  for (;;) {
    const { body } = await checkout(payments.checkout!, {
      game,
      amountMsat: undefined,
      buyerPubkey: undefined,
      idempotencyKey: undefined,
    })
    const out = await payments.settle(body.payment_hash, {
      preimage: preimages.get(body.payment_hash)!,
      settledAtSec: systemClock.nowSec(),
      amountMsat: msat(body.amount_msat),
    })
    if (out.outcome !== 'SETTLED') throw new Error(`settle answered ${out.outcome}`)
    process.stdout.write(`ACK ${out.purchaseId}\n`)
  }
}
await Promise.all([buyer(), buyer(), buyer(), buyer()])
