/**
 * `npm run start:indexer`: the indexer as its own process (docs/architecture.md "Running it"). Reads the environment
 * (validated with zod, one message per bad value), starts the embedded market relay unless relays are
 * configured and the relay port is `off`, indexes every configured relay into `<data>/zapcade.db`,
 * and logs a counter summary every 30 s and on exit.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { startMarketRelay } from '@zapcade/relay'
import { CATALOG_DB_FILE, formatProgress, startIndexer } from './index.ts'

const relayUrl = z.string().regex(/^wss?:\/\/.+/, 'must be a ws:// or wss:// URL')
const Env = z.object({
  ZAPCADE_DATA_DIR: z.string().min(1).default('./data'),
  ZAPCADE_RELAYS: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(relayUrl)),
  ZAPCADE_RELAY_PORT: z
    .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
    .default(7777),
  ZAPCADE_HOST: z.string().default('127.0.0.1'),
  /** Seconds between two full sync rounds of each relay (NIP-77 negentropy, or a re-scan where it has none). */
  ZAPCADE_SYNC_INTERVAL_SEC: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .default('60')
    .transform(Number)
    .pipe(z.number().int().min(1).max(86_400)),
})

const parsed = Env.safeParse(process.env)
if (!parsed.success) {
  for (const i of parsed.error.issues) console.error(`config: ${i.path.join('.')}: ${i.message}`)
  process.exit(2)
}
const env = parsed.data
mkdirSync(env.ZAPCADE_DATA_DIR, { recursive: true })

// 1. The embedded market relay (it also serves what the market publishes: zap receipts, featured list).
const relay =
  env.ZAPCADE_RELAY_PORT === 'off'
    ? undefined
    : await startMarketRelay({
        port: env.ZAPCADE_RELAY_PORT,
        host: env.ZAPCADE_HOST,
        file: join(env.ZAPCADE_DATA_DIR, 'relay.db'),
      })
if (relay) console.error(`[indexer] market relay on ${relay.url}`)

// 2. The indexer, subscribed to the configured relays (default: the embedded relay).
const relays = env.ZAPCADE_RELAYS.length > 0 ? env.ZAPCADE_RELAYS : relay ? [relay.url] : []
if (relays.length === 0) {
  console.error('config: ZAPCADE_RELAYS is empty and the embedded relay is off: nothing to index')
  process.exit(2)
}
const started = Date.now()
const indexer = await startIndexer({
  dbFile: join(env.ZAPCADE_DATA_DIR, CATALOG_DB_FILE),
  relays,
  syncIntervalMs: env.ZAPCADE_SYNC_INTERVAL_SEC * 1000,
})
console.error(`[indexer] indexing ${relays.join(', ')}`)
void indexer
  .whenCaughtUp()
  .then(() =>
    console.error(
      `[indexer] caught up: ${formatProgress(indexer.counters(), Date.now() - started)}`,
    ),
  )

// 3. A summary in the log, and a clean stop.
const timer = setInterval(
  () => console.error(`[indexer] ${formatProgress(indexer.counters(), Date.now() - started)}`),
  30_000,
)
let stopping = false
const shutdown = async (): Promise<void> => {
  if (stopping) return
  stopping = true
  clearInterval(timer)
  await indexer.stop()
  await relay?.stop()
  console.error(`[indexer] stopped: ${formatProgress(indexer.counters(), Date.now() - started)}`)
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())
