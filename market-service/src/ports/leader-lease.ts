/**
 * Leader lease port: several service processes may share one database, and exactly one of them may run
 * the background workers (payouts, outbox, reconcile, expiry). A process holds a named lease for
 * `ttlMs`, renews it well before it expires, and another process can take it only once it has expired
 * (the holder died, hung, or lost the database). Each change of hands increments the fencing `token`,
 * so work done under an old tenure can be recognised (`isCurrent`). Adapters: SQLite
 * (adapters/sqlite/leader-lease.ts) and PostgreSQL (adapters/pg/leader-lease.ts), both a row in
 * `leader_leases`; the contract both pass is workers/leader-lease.contract.ts.
 */
export interface LeaseGrant {
  /** The fencing token of this tenure: greater than every earlier tenure's. */
  readonly token: number
  /** When the lease lapses unless renewed, in the lease store's clock (unix ms). */
  readonly expiresAtMs: number
}

export interface LeaderLease {
  /**
   * Take the lease when it is free or has expired; renew it when `holder` already holds it. Answers
   * the grant, or null while another holder's lease runs. A holder whose own lease expired gets a new
   * token (another process may have held it meanwhile).
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | null>
  /** Extend the tenure `token` of `holder`; null when it has expired or changed hands (stop working). */
  renew(name: string, holder: string, token: number, ttlMs: number): Promise<LeaseGrant | null>
  /** Give the tenure up now, so another process need not wait for the expiry. No-op if already lost. */
  release(name: string, holder: string, token: number): Promise<void>
  /** True while `token` is the running, unexpired tenure of the lease. */
  isCurrent(name: string, token: number): Promise<boolean>
}
