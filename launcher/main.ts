/**
 * `npm start`: the whole marketplace on its embedded defaults (docs/architecture.md "Running it") — relay, indexer,
 * devnet Lightning, service and storefront, seeded with demo games on a fresh data directory.
 * Prints where everything is, and stops cleanly on Ctrl-C / SIGTERM.
 */
import { join } from 'node:path'
import { pino } from 'pino'
import { partsHostFromEnv, spawnParts, type SpawnedParts } from './parts.ts'
import type { RunningMarket } from './start-market.ts'

const startedMs = Date.now()
const log = pino({ base: { svc: 'zapcade' }, level: process.env.LOG_LEVEL ?? 'warn' })
const dataDir = process.env.ZAPCADE_DATA_DIR ?? './data'

let market: RunningMarket
try {
  // The relay's and the indexer's threads (or processes) boot while this thread loads the rest.
  const host = partsHostFromEnv(process.env)
  const spawned: SpawnedParts | undefined = host === 'inline' ? undefined : spawnParts(host, log)
  const { startMarket } = await import('./start-market.ts')
  market = await startMarket({
    dataDir,
    log,
    webInBackground: true,
    ...(spawned ? { spawned } : { host }),
  })
} catch (e) {
  process.stderr.write(`zapcade: could not start: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exit(2)
}

const lines = [
  '',
  `  Zapcade is running (ready in ${Date.now() - startedMs} ms)`,
  '',
  `  Storefront  ${market.apiUrl}/`,
  `  API         ${market.apiUrl}/api/v1/games   (OpenAPI: ${market.apiUrl}/openapi.json)`,
  `  Relay       ${market.relayUrl}`,
  `  Market      ${market.marketPubkey}`,
  market.devnetJson
    ? `  devnet      ${join(market.dataDir, 'devnet.json')}   (pay an invoice: npm run devnet -- pay <bolt11>)`
    : '  Wallet      ZAPCADE_NWC_URL',
  `  Data        ${market.dataDir}`,
  '',
  '  Ctrl-C to stop.',
  '',
]
process.stdout.write(`${lines.join('\n')}\n`)
market.webReady.then(
  () => undefined,
  (e: unknown) =>
    process.stderr.write(
      `  storefront build failed: ${e instanceof Error ? e.message : String(e)}\n`,
    ),
)
market.demoReady.then(
  () => process.stdout.write('  Demo builds are uploaded: buy a game and download it.\n'),
  (e: unknown) =>
    process.stderr.write(`  demo builds: ${e instanceof Error ? e.message : String(e)}\n`),
)

let stopping = false
const shutdown = (code: number): void => {
  if (stopping) return
  stopping = true
  market.stop().then(
    () => process.exit(code),
    () => process.exit(1),
  )
}
process.on('SIGINT', () => shutdown(0))
process.on('SIGTERM', () => shutdown(0))
// The relay or the indexer ended by itself: stop the rest and exit non-zero, for a supervisor to see.
void market.failed.then((e) => {
  process.stderr.write(`zapcade: ${e.message}; stopping\n`)
  shutdown(1)
})
