/** The one-line summary the CLI prints as progress and the indexer prints in its log. */

/** Format counters as `received, events/s, accepted, rejected by reason`. */
export function formatProgress(c: Record<string, number>, elapsedMs: number): string {
  const n = (k: string) => c[k] ?? 0
  const rate = elapsedMs > 0 ? Math.round((n('received') * 1000) / elapsedMs) : 0
  const rejected = Object.entries(c).filter(([k]) => k.startsWith('rejected:'))
  const totalRejected = rejected.reduce((s, [, v]) => s + v, 0)
  const reasons = rejected.map(([k, v]) => `${k.slice('rejected:'.length)} ${v}`).join(', ')
  return (
    `${n('received')} received (${rate}/s) · accepted ${n('accepted')} · pending ${n('pending')} (linked ${n('linked')}) · ` +
    `stale ${n('stale')} · duplicate ${n('duplicate')} · rejected ${totalRejected}${reasons ? ` [${reasons}]` : ''}`
  )
}
