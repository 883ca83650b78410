/**
 * Dev helper: start a throwaway market (relay, indexer, devnet, service; no demo, no storefront) on free
 * ports and print its URLs, to try the CLI by hand: `npx tsx client/src/cli/testing/serve-market.ts <dir>`.
 */
import { pino } from 'pino'
import { startMarket } from '../../../../launcher/start-market.ts'

const m = await startMarket({
  dataDir: process.argv[2] ?? '.tmp/cli-market',
  port: 0,
  relayPort: 0,
  demo: false,
  web: false,
  log: pino({ level: 'warn' }),
})
process.stdout.write(
  JSON.stringify({
    api: m.apiUrl,
    relay: m.relayUrl,
    nwc: m.devnetJson?.buyer.nwc_url,
    developer_lud16: m.devnetJson?.developer.lud16,
  }) + '\n',
)
process.on('SIGTERM', () => void m.stop().then(() => process.exit(0)))
