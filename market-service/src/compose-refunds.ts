/**
 * The refunds feature assembled from the service's parts (docs/refunds.md): the SQLite refunds port,
 * the BOLT11 decoder, the payout code's Lightning-address checks and LNURL-pay client, and the refund
 * worker (recover once: every SENDING refund looked up; then a pass over due refunds every interval).
 * compose.ts calls it once and puts `deps` in the routes' ports.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { Logger } from 'pino'
import type { Config } from '@zapcade/shared/config'
import { decodeInvoice } from './adapters/lnurl/decode-invoice.ts'
import { hostRefusal } from './adapters/lnurl/host-policy.ts'
import { lnurlPayClient, lud16Url } from './adapters/lnurl/lnurl-pay-client.ts'
import { sqliteRefundRepo } from './adapters/sqlite/refund-repo.ts'
import { hashReceiptCode } from './domain/purchase/receipt-code.ts'
import type { RefundDeps } from './domain/refund/refund-service.ts'
import { RefundWorker, type RefundPolicyKnobs } from './domain/refund/refund-worker.ts'
import type { Clock } from './ports/clock.ts'
import type { Wallet } from './ports/wallet.ts'
import { intervalWorker, type Worker } from './workers/worker.ts'

export interface RefundsInput {
  db: Database.Database
  config: Config
  secret: Buffer
  clock: Clock
  wallet: Wallet | undefined
  fetch: typeof fetch
  random: () => number
  log: Logger
  intervalMs?: number
  knobs?: Partial<RefundPolicyKnobs>
}

/** Why an address may not receive a refund (LUD-16 syntax, a host that is not public in production). */
export function addressRefusal(address: string, production: boolean): string | undefined {
  try {
    lud16Url(address, production)
  } catch (e) {
    return e instanceof Error ? e.message : 'not a lightning address'
  }
  return hostRefusal(address.slice(address.lastIndexOf('@') + 1).toLowerCase(), production)
}

export function composeRefunds(i: RefundsInput): {
  deps: RefundDeps
  worker: Worker | undefined
  refundWorker: RefundWorker | undefined
} {
  const repo = sqliteRefundRepo(i.db)
  let kick = (): void => {}
  const deps: RefundDeps = {
    repo,
    clock: i.clock,
    newId: randomUUID,
    hashReceiptCode,
    decodeInvoice,
    addressRefusal: (a) => addressRefusal(a, i.config.production),
    secret: i.secret,
    publicUrl: i.config.publicUrl,
    adminPubkeys: i.config.adminPubkeys,
    kick: () => kick(),
  }
  if (!i.wallet) return { deps, worker: undefined, refundWorker: undefined }
  const refundWorker = new RefundWorker({
    repo,
    wallet: i.wallet,
    lnurl: lnurlPayClient({ production: i.config.production, fetch: i.fetch }),
    clock: i.clock,
    random: i.random,
    decodeInvoice,
    ...(i.knobs ? { knobs: i.knobs } : {}),
    log: (msg, fields) => i.log.info(fields, msg),
  })
  let recovered = false
  const worker = intervalWorker(
    'refunds',
    i.intervalMs ?? 5000,
    async () => {
      if (!recovered) {
        await refundWorker.recover()
        recovered = true
      }
      await refundWorker.tick()
    },
    (e) => i.log.error({ err: e }, 'refund pass failed'),
  )
  kick = () => worker.kick()
  return { deps, worker, refundWorker }
}
