/**
 * The devnet Lightning node: many wallets with msat balances in one SQLite file, real BOLT11 invoices
 * (regtest `lnbcrt`, signed with the node key, random preimages) and payments settled between its own
 * wallets in SQLite transactions. An invoice is paid once, an expired one never, and an invoice this
 * node did not make has no route. Fees are always 0 msat: every payment is one hop inside the node.
 * The fault knobs (fail the next payments, hold settlement) live here; see faults in `FaultState`.
 */
import Database from 'better-sqlite3'
import { createHash, randomBytes } from 'node:crypto'
import { bytesToHex } from 'nostr-tools/utils'
import { msat, type Msat } from '@zapcade/shared/money'
import {
  DEFAULT_EXPIRY_SEC,
  decodeInvoice,
  normalizeInvoice,
  signInvoice,
} from './invoice-codec.ts'
import {
  LightningError,
  incomingTx,
  outgoingTx,
  type InvoiceRow,
  type NodeErrorCode,
  type NwcTransaction,
  type PaymentRow,
} from './node-records.ts'
import { NODE_SCHEMA } from './schema.ts'

export { DEFAULT_EXPIRY_SEC, decodeInvoice, normalizeInvoice } from './invoice-codec.ts'
export { LightningError, type NodeErrorCode, type NwcTransaction } from './node-records.ts'

/** Wall-clock port, so tests can expire invoices without sleeping. */
export interface DevnetClock {
  nowMs(): number
}
export const systemClock: DevnetClock = { nowMs: () => Date.now() }

export interface WalletRecord {
  id: number
  name: string | null
  balanceMsat: Msat
}

export interface MakeInvoiceParams {
  amountMsat: Msat
  description?: string
  /** Hex sha256 committed as the invoice's `h` tag (LNURL metadata, zap requests). */
  descriptionHash?: string
  /** Seconds; default 3600. */
  expirySec?: number
  metadata?: Record<string, unknown>
}

export interface ListParams {
  from?: number
  until?: number
  limit?: number
  offset?: number
  unpaid?: boolean
  type?: 'incoming' | 'outgoing'
}

export interface Settlement {
  payerWalletId: number
  payeeWalletId: number
  incoming: NwcTransaction
  outgoing: NwcTransaction
}

export interface PayResult {
  preimage: string
  feesPaidMsat: Msat
  transaction: NwcTransaction
}

/** Every devnet payment is one hop inside the node, so it costs nothing. */
export const FEE_MSAT = 0

type HoldEnd = { settle: true } | { settle: false; reason: string }

/** Fault knobs of the node: counted failures and held settlement. */
export interface FaultState {
  failNext: number
  failReason: string
  /** undefined = settle at once; a number = hold that many ms; 'manual' = until releaseHeld(). */
  hold: number | 'manual' | undefined
}

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

export interface OpenNodeOptions {
  /** SQLite file; ':memory:' for throwaway nodes. */
  file: string
  clock?: DevnetClock
}

export class LightningNode {
  readonly nodePubkey: string
  readonly faults: FaultState = {
    failNext: 0,
    failReason: 'simulated routing failure',
    hold: undefined,
  }
  private readonly nodeKeyHex: string
  private readonly listeners = new Set<(s: Settlement) => void>()
  private readonly held = new Set<(end: HoldEnd) => void>()
  private readonly inflight = new Set<Promise<unknown>>()

  private constructor(
    readonly db: Database.Database,
    readonly clock: DevnetClock,
  ) {
    this.nodeKeyHex = this.metaOr('node_key', () => bytesToHex(randomBytes(32)))
    // The BOLT11 payee is the compressed secp256k1 key: 02 + the x-only key when y is even; bolt11
    // recovers it from the signature, so take it from there rather than guess the parity.
    const probe = signInvoice(this.nodeKeyHex, {
      amountMsat: msat(1000),
      paymentHash: '00'.repeat(32),
      description: '',
      timestampSec: 0,
    })
    this.nodePubkey = decodeInvoice(probe).payeeNodeKey ?? ''
  }

  /** Open (or create) a node in a SQLite file; in-flight payments of a crashed run are settled. */
  static open(opts: OpenNodeOptions): LightningNode {
    const db = new Database(opts.file)
    db.pragma('journal_mode = WAL')
    // WAL + NORMAL survives a crash of the process (not of the machine): enough for devnet money.
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    db.exec(NODE_SCHEMA)
    cachePreparedStatements(db)
    const node = new LightningNode(db, opts.clock ?? systemClock)
    const pending = db
      .prepare(`SELECT payment_hash, wallet_id FROM payments WHERE state = 'pending'`)
      .all() as {
      payment_hash: string
      wallet_id: number
    }[]
    for (const p of pending) node.finish(p.wallet_id, p.payment_hash)
    return node
  }

  /** A value from the meta table, created by `make` and stored on first use. */
  metaOr(key: string, make: () => string): string {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined
    if (row) return row.value
    const value = make()
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, value)
    return value
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value)
  }

  private nowSec(): number {
    return Math.floor(this.clock.nowMs() / 1000)
  }

  // ---- wallets ----

  /** A new wallet, optionally named (names are unique) and funded with freshly minted msat. */
  createWallet(opts: { name?: string; balanceMsat?: Msat } = {}): WalletRecord {
    if (opts.name !== undefined && !/^[a-z0-9._-]{1,64}$/.test(opts.name))
      throw new LightningError('OTHER', `bad wallet name: ${opts.name}`)
    const info = this.db
      .prepare('INSERT INTO wallets (name, balance_msat, created_at) VALUES (?, ?, ?)')
      .run(opts.name ?? null, opts.balanceMsat ?? 0, this.nowSec())
    return this.wallet(Number(info.lastInsertRowid))
  }

  /** The wallet by id or name; throws NOT_FOUND. */
  wallet(ref: number | string): WalletRecord {
    const row = (
      typeof ref === 'number'
        ? this.db.prepare('SELECT id, name, balance_msat FROM wallets WHERE id = ?').get(ref)
        : this.db.prepare('SELECT id, name, balance_msat FROM wallets WHERE name = ?').get(ref)
    ) as { id: number; name: string | null; balance_msat: number } | undefined
    if (!row) throw new LightningError('NOT_FOUND', `no wallet ${String(ref)}`)
    return { id: row.id, name: row.name, balanceMsat: msat(row.balance_msat) }
  }

  findWallet(name: string): WalletRecord | undefined {
    try {
      return this.wallet(name)
    } catch {
      return undefined
    }
  }

  listWallets(): WalletRecord[] {
    const rows = this.db
      .prepare('SELECT id, name, balance_msat FROM wallets ORDER BY id')
      .all() as {
      id: number
      name: string | null
      balance_msat: number
    }[]
    return rows.map((r) => ({ id: r.id, name: r.name, balanceMsat: msat(r.balance_msat) }))
  }

  balance(walletId: number): Msat {
    return this.wallet(walletId).balanceMsat
  }

  /** Mint msat into a wallet (the faucet; devnet money comes from nowhere). */
  fund(walletId: number, amount: Msat): void {
    const info = this.db
      .prepare('UPDATE wallets SET balance_msat = balance_msat + ? WHERE id = ?')
      .run(amount, walletId)
    if (info.changes !== 1) throw new LightningError('NOT_FOUND', `no wallet ${walletId}`)
  }

  /** All money in the node: balances plus payments debited but not yet credited (held). */
  totalMsat(): number {
    const b = this.db.prepare('SELECT COALESCE(SUM(balance_msat), 0) AS s FROM wallets').get() as {
      s: number
    }
    const p = this.db
      .prepare(
        `SELECT COALESCE(SUM(amount_msat + fees_msat), 0) AS s FROM payments WHERE state = 'pending'`,
      )
      .get() as { s: number }
    return b.s + p.s
  }

  // ---- invoices ----

  /** Make a BOLT11 invoice paying `walletId`; the preimage is random and kept by the node. */
  makeInvoice(walletId: number, p: MakeInvoiceParams): NwcTransaction {
    this.wallet(walletId)
    if (!Number.isSafeInteger(p.amountMsat) || p.amountMsat <= 0)
      throw new LightningError('OTHER', 'amount must be a positive integer of msat')
    if (p.descriptionHash !== undefined && !/^[0-9a-f]{64}$/.test(p.descriptionHash))
      throw new LightningError('OTHER', 'description_hash must be 64 lowercase hex characters')
    const expirySec = p.expirySec ?? DEFAULT_EXPIRY_SEC
    if (!Number.isSafeInteger(expirySec) || expirySec <= 0)
      throw new LightningError('OTHER', 'expiry must be a positive number of seconds')
    const preimage = randomBytes(32)
    const paymentHash = sha256Hex(preimage)
    const createdAt = this.nowSec()
    const pr = signInvoice(this.nodeKeyHex, {
      amountMsat: p.amountMsat,
      paymentHash,
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.descriptionHash !== undefined ? { descriptionHash: p.descriptionHash } : {}),
      expirySec,
      timestampSec: createdAt,
    })
    this.db
      .prepare(
        `INSERT INTO invoices (payment_hash, wallet_id, bolt11, preimage, amount_msat, description, description_hash, metadata,
           created_at, expires_at, state, changed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
      )
      .run(
        paymentHash,
        walletId,
        pr,
        bytesToHex(preimage),
        p.amountMsat,
        p.description ?? null,
        p.descriptionHash ?? null,
        p.metadata ? JSON.stringify(p.metadata) : null,
        createdAt,
        createdAt + expirySec,
        this.clock.nowMs(),
      )
    return this.incoming(this.invoiceRow(paymentHash)!)
  }

  private incoming(r: InvoiceRow): NwcTransaction {
    return incomingTx(r, this.nowSec())
  }

  private invoiceRow(paymentHash: string): InvoiceRow | undefined {
    return this.db.prepare('SELECT * FROM invoices WHERE payment_hash = ?').get(paymentHash) as
      | InvoiceRow
      | undefined
  }

  private paymentRow(walletId: number, paymentHash: string): PaymentRow | undefined {
    return this.db
      .prepare('SELECT * FROM payments WHERE wallet_id = ? AND payment_hash = ?')
      .get(walletId, paymentHash) as PaymentRow | undefined
  }

  /** An invoice or payment of this wallet by payment hash or by BOLT11; throws NOT_FOUND. */
  lookup(walletId: number, by: { paymentHash?: string; invoice?: string }): NwcTransaction {
    let hash = by.paymentHash
    if (hash === undefined && by.invoice !== undefined) hash = decodeInvoice(by.invoice).paymentHash
    if (hash === undefined)
      throw new LightningError('OTHER', 'lookup needs payment_hash or invoice')
    const inv = this.invoiceRow(hash)
    if (inv && inv.wallet_id === walletId) return this.incoming(inv)
    const pay = this.paymentRow(walletId, hash)
    if (pay) return outgoingTx(pay)
    throw new LightningError('NOT_FOUND', `no invoice or payment with hash ${hash} in this wallet`)
  }

  /** Transactions newest first (NIP-47 list_transactions); only settled ones unless `unpaid`. */
  listTransactions(
    walletId: number,
    p: ListParams = {},
  ): { transactions: NwcTransaction[]; total_count: number } {
    const from = p.from ?? 0
    const until = p.until ?? Number.MAX_SAFE_INTEGER
    const all: { tx: NwcTransaction; ms: number }[] = []
    if (p.type !== 'outgoing') {
      const rows = this.db
        .prepare(
          'SELECT * FROM invoices WHERE wallet_id = ? AND created_at >= ? AND created_at <= ?',
        )
        .all(walletId, from, until) as InvoiceRow[]
      for (const r of rows)
        if (p.unpaid || r.state === 'settled') all.push({ tx: this.incoming(r), ms: r.changed_ms })
    }
    if (p.type !== 'incoming') {
      const rows = this.db
        .prepare(
          'SELECT * FROM payments WHERE wallet_id = ? AND created_at >= ? AND created_at <= ?',
        )
        .all(walletId, from, until) as PaymentRow[]
      for (const r of rows)
        if (p.unpaid || r.state === 'settled') all.push({ tx: outgoingTx(r), ms: r.changed_ms })
    }
    // Newest first by settlement (or creation) time, then by the last change's clock ms.
    const key = (t: NwcTransaction) => t.settled_at ?? t.created_at
    all.sort(
      (a, b) =>
        key(b.tx) - key(a.tx) || b.ms - a.ms || a.tx.payment_hash.localeCompare(b.tx.payment_hash),
    )
    const offset = p.offset ?? 0
    const page = all.slice(offset, p.limit === undefined ? undefined : offset + p.limit)
    return { transactions: page.map((e) => e.tx), total_count: all.length }
  }

  // ---- payments ----

  /**
   * Pay a BOLT11 invoice from `walletId`. Debit, credit and both records change in one SQLite
   * transaction; with settlement held, the debit and the credit are two transactions and the money in
   * between is counted as pending (totalMsat). Throws LightningError with a NIP-47 code.
   */
  async payInvoice(
    walletId: number,
    invoiceText: string,
    opts: { amountMsat?: Msat; metadata?: Record<string, unknown> } = {},
  ): Promise<PayResult> {
    const invoice = normalizeInvoice(invoiceText)
    const decoded = decodeInvoice(invoice)
    if (decoded.payeeNodeKey !== this.nodePubkey)
      throw new LightningError(
        'PAYMENT_FAILED',
        `no route to node ${decoded.payeeNodeKey ?? 'unknown'}`,
      )
    const hold = this.faults.hold
    const begin = this.db.transaction(() => {
      const outcome = this.startPayment(walletId, invoice, decoded.paymentHash, opts)
      const settled =
        outcome.ok && hold === undefined
          ? this.settleRows(walletId, decoded.paymentHash)
          : undefined
      return { outcome, settled }
    })
    const { outcome, settled } = begin.immediate()
    if (!outcome.ok) throw new LightningError(outcome.code, outcome.message)
    if (settled) this.emit(settled)
    if (hold !== undefined) {
      const waiting = this.waitHold(hold).then((end) =>
        end.settle
          ? this.finish(walletId, decoded.paymentHash)
          : this.abort(walletId, decoded.paymentHash, end.reason),
      )
      this.inflight.add(waiting)
      try {
        await waiting
      } finally {
        this.inflight.delete(waiting)
      }
    }
    const pay = this.paymentRow(walletId, decoded.paymentHash)
    if (!pay || pay.state !== 'settled')
      throw new LightningError('PAYMENT_FAILED', pay?.failure ?? 'payment failed')
    return {
      preimage: pay.preimage ?? '',
      feesPaidMsat: msat(pay.fees_msat),
      transaction: outgoingTx(pay),
    }
  }

  private startPayment(
    walletId: number,
    invoice: string,
    paymentHash: string,
    opts: { amountMsat?: Msat; metadata?: Record<string, unknown> },
  ): { ok: true } | { ok: false; code: NodeErrorCode; message: string } {
    const payer = this.wallet(walletId)
    const inv = this.invoiceRow(paymentHash)
    if (!inv || inv.bolt11 !== invoice)
      return {
        ok: false,
        code: 'PAYMENT_FAILED',
        message: 'no route: this invoice was not made by the devnet node',
      }
    const now = this.nowSec()
    const existing = this.paymentRow(walletId, paymentHash)
    const fail = (code: NodeErrorCode, message: string) => {
      // Record the failed attempt so lookup_invoice answers `failed`, never over a live or paid one.
      if (!existing || existing.state === 'failed')
        this.upsertPayment(walletId, inv, 'failed', message, now, opts.metadata)
      return { ok: false as const, code, message }
    }
    if (inv.state === 'settled')
      return { ok: false, code: 'PAYMENT_FAILED', message: 'invoice already paid' }
    if (inv.state === 'inflight')
      return { ok: false, code: 'PAYMENT_FAILED', message: 'invoice is already being paid' }
    if (now >= inv.expires_at) return fail('PAYMENT_FAILED', `invoice expired at ${inv.expires_at}`)
    if (opts.amountMsat !== undefined && opts.amountMsat !== inv.amount_msat)
      return {
        ok: false,
        code: 'OTHER',
        message: `amount ${opts.amountMsat} does not match the invoice amount ${inv.amount_msat}`,
      }
    if (this.faults.failNext > 0) {
      this.faults.failNext -= 1
      return fail('PAYMENT_FAILED', this.faults.failReason)
    }
    const cost = inv.amount_msat + FEE_MSAT
    if (payer.balanceMsat < cost)
      return {
        ok: false,
        code: 'INSUFFICIENT_BALANCE',
        message: `balance ${payer.balanceMsat} msat is below ${cost} msat`,
      }
    this.db
      .prepare('UPDATE wallets SET balance_msat = balance_msat - ? WHERE id = ?')
      .run(cost, walletId)
    const claimed = this.db
      .prepare(`UPDATE invoices SET state = 'inflight' WHERE payment_hash = ? AND state = 'open'`)
      .run(paymentHash)
    if (claimed.changes !== 1)
      throw new LightningError('INTERNAL', 'invoice changed state during payment')
    this.upsertPayment(walletId, inv, 'pending', null, now, opts.metadata)
    return { ok: true }
  }

  private upsertPayment(
    walletId: number,
    inv: InvoiceRow,
    state: 'pending' | 'failed',
    failure: string | null,
    now: number,
    metadata?: Record<string, unknown>,
  ) {
    this.db
      .prepare(
        `INSERT INTO payments (wallet_id, payment_hash, bolt11, amount_msat, fees_msat, description, description_hash, state, failure,
           created_at, expires_at, metadata, changed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (wallet_id, payment_hash) DO UPDATE SET state = excluded.state, failure = excluded.failure,
           created_at = excluded.created_at, changed_ms = excluded.changed_ms`,
      )
      .run(
        walletId,
        inv.payment_hash,
        inv.bolt11,
        inv.amount_msat,
        FEE_MSAT,
        inv.description,
        inv.description_hash,
        state,
        failure,
        now,
        inv.expires_at,
        metadata ? JSON.stringify(metadata) : null,
        this.clock.nowMs(),
      )
  }

  /** Settle a debited payment in its own transaction, then tell the listeners. */
  private finish(payerWalletId: number, paymentHash: string): void {
    const settled = this.db
      .transaction(() => this.settleRows(payerWalletId, paymentHash))
      .immediate()
    if (settled) this.emit(settled)
  }

  /** A held payment fails after all (the HTLC came back): refund the payer, reopen the invoice. */
  private abort(payerWalletId: number, paymentHash: string, reason: string): void {
    this.db
      .transaction(() => {
        const pay = this.paymentRow(payerWalletId, paymentHash)
        if (!pay || pay.state !== 'pending') return
        this.db
          .prepare('UPDATE wallets SET balance_msat = balance_msat + ? WHERE id = ?')
          .run(pay.amount_msat + pay.fees_msat, payerWalletId)
        this.db
          .prepare(
            `UPDATE invoices SET state = 'open' WHERE payment_hash = ? AND state = 'inflight'`,
          )
          .run(paymentHash)
        this.db
          .prepare(
            `UPDATE payments SET state = 'failed', failure = ?, changed_ms = ? WHERE wallet_id = ? AND payment_hash = ? AND state = 'pending'`,
          )
          .run(reason, this.clock.nowMs(), payerWalletId, paymentHash)
      })
      .immediate()
  }

  /** Credit the payee and mark both sides settled; call inside a transaction. */
  private settleRows(payerWalletId: number, paymentHash: string): Settlement | undefined {
    const inv = this.invoiceRow(paymentHash)
    const pay = this.paymentRow(payerWalletId, paymentHash)
    if (!inv || !pay || pay.state !== 'pending' || inv.state !== 'inflight') return undefined
    const now = this.nowSec()
    const ms = this.clock.nowMs()
    this.db
      .prepare('UPDATE wallets SET balance_msat = balance_msat + ? WHERE id = ?')
      .run(inv.amount_msat, inv.wallet_id)
    this.db
      .prepare(
        `UPDATE invoices SET state = 'settled', settled_at = ?, changed_ms = ? WHERE payment_hash = ? AND state = 'inflight'`,
      )
      .run(now, ms, paymentHash)
    this.db
      .prepare(
        `UPDATE payments SET state = 'settled', preimage = ?, settled_at = ?, changed_ms = ? WHERE wallet_id = ? AND payment_hash = ? AND state = 'pending'`,
      )
      .run(inv.preimage, now, ms, payerWalletId, paymentHash)
    return {
      payerWalletId,
      payeeWalletId: inv.wallet_id,
      incoming: this.incoming(this.invoiceRow(paymentHash)!),
      outgoing: outgoingTx(this.paymentRow(payerWalletId, paymentHash)!),
    }
  }

  /** Tell the listeners, after the commit. */
  private emit(s: Settlement): void {
    for (const l of this.listeners) {
      try {
        l(s)
      } catch {
        // A listener's failure must not undo a settled payment.
      }
    }
  }

  /** Listen to settled payments; returns an unsubscribe. */
  onSettled(listener: (s: Settlement) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  // ---- faults ----

  /** The next `count` payments fail with PAYMENT_FAILED and move no money. */
  failNextPayments(count = 1, reason = 'simulated routing failure'): void {
    this.faults.failNext = count
    this.faults.failReason = reason
  }

  /** Hold every settlement for `ms`, or until releaseHeld() when no ms is given; clearHold() ends it. */
  holdSettlements(ms?: number): void {
    this.faults.hold = ms === undefined ? 'manual' : ms
  }

  clearHold(): void {
    this.faults.hold = undefined
    this.releaseHeld()
  }

  /** Let every held payment settle now. */
  releaseHeld(): void {
    for (const r of [...this.held]) r({ settle: true })
  }

  /** Let every held payment fail now: payers are refunded and the invoices can be paid again. */
  failHeld(reason = 'payment failed after being held'): void {
    for (const r of [...this.held]) r({ settle: false, reason })
  }

  /** How many payments are waiting on a hold. */
  heldCount(): number {
    return this.held.size
  }

  private waitHold(hold: number | 'manual'): Promise<HoldEnd> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const release = (end: HoldEnd) => {
        if (timer) clearTimeout(timer)
        this.held.delete(release)
        resolve(end)
      }
      this.held.add(release)
      if (hold !== 'manual') timer = setTimeout(() => release({ settle: true }), hold)
    })
  }

  /** Settle anything held, then close the database. */
  async close(): Promise<void> {
    this.releaseHeld()
    await Promise.allSettled([...this.inflight])
    this.listeners.clear()
    this.db.close()
  }
}

/**
 * Every query here is a fixed SQL string run with `.get/.all/.run` (no `.iterate`, no mode toggles such
 * as `.pluck`), so one compiled statement per string is safe to share; compiling them again on every
 * call was a tenth of the wallet service's CPU per payment.
 */
function cachePreparedStatements(db: Database.Database): void {
  const compiled = new Map<string, Database.Statement>()
  const prepare = db.prepare.bind(db)
  db.prepare = ((sql: string) => {
    let st = compiled.get(sql)
    if (!st) compiled.set(sql, (st = prepare(sql)))
    return st
  }) as typeof db.prepare
}
