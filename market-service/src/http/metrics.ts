/**
 * Prometheus text exposition for GET /metrics: request counts and latency histograms by route pattern,
 * the indexer's counters (the `indexer_counters` table it shares), and the outbox backlog by status.
 */
import type Database from 'better-sqlite3'

const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000]

interface Series {
  count: number
  sumMs: number
  buckets: number[]
}

const esc = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

export class Metrics {
  private readonly requests = new Map<string, number>()
  private readonly latency = new Map<string, Series>()

  observeRequest(method: string, route: string, status: number, ms: number): void {
    const key = `method="${esc(method)}",route="${esc(route)}",status="${status}"`
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
    const lk = `method="${esc(method)}",route="${esc(route)}"`
    let s = this.latency.get(lk)
    if (!s) {
      s = { count: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) }
      this.latency.set(lk, s)
    }
    s.count += 1
    s.sumMs += ms
    BUCKETS_MS.forEach((b, i) => {
      if (ms <= b) s.buckets[i] = (s.buckets[i] ?? 0) + 1
    })
  }

  /** The exposition text; reads the shared tables on each scrape. */
  render(db: Database.Database): string {
    const out: string[] = []
    out.push(
      '# HELP zapcade_http_requests_total HTTP requests by method, route pattern and status.',
    )
    out.push('# TYPE zapcade_http_requests_total counter')
    for (const [k, v] of this.requests) out.push(`zapcade_http_requests_total{${k}} ${v}`)
    out.push(
      '# HELP zapcade_http_request_duration_seconds HTTP request latency by method and route pattern.',
    )
    out.push('# TYPE zapcade_http_request_duration_seconds histogram')
    for (const [k, s] of this.latency) {
      BUCKETS_MS.forEach((b, i) =>
        out.push(
          `zapcade_http_request_duration_seconds_bucket{${k},le="${b / 1000}"} ${s.buckets[i] ?? 0}`,
        ),
      )
      out.push(`zapcade_http_request_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`)
      out.push(`zapcade_http_request_duration_seconds_sum{${k}} ${s.sumMs / 1000}`)
      out.push(`zapcade_http_request_duration_seconds_count{${k}} ${s.count}`)
    }
    out.push(
      '# HELP zapcade_indexer_events_total Indexer counters by name (accepted, rejected:<reason>, ...).',
    )
    out.push('# TYPE zapcade_indexer_events_total counter')
    const counters = db.prepare('SELECT name, value FROM indexer_counters ORDER BY name').all() as {
      name: string
      value: number
    }[]
    for (const r of counters)
      out.push(`zapcade_indexer_events_total{name="${esc(r.name)}"} ${r.value}`)
    out.push('# HELP zapcade_outbox_jobs Outbox jobs by status.')
    out.push('# TYPE zapcade_outbox_jobs gauge')
    const byStatus = new Map(
      (
        db.prepare('SELECT status, count(*) AS n FROM outbox_jobs GROUP BY status').all() as {
          status: string
          n: number
        }[]
      ).map((r) => [r.status, r.n]),
    )
    for (const st of ['PENDING', 'DONE', 'FAILED'])
      out.push(`zapcade_outbox_jobs{status="${st}"} ${byStatus.get(st) ?? 0}`)
    return `${out.join('\n')}\n`
  }
}
