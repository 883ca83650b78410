/**
 * `npm run index -- --relay wss://… [--relay …] [--db file] [--once] [--quiet]`: index any relay into a
 * catalog database, with a progress line on stderr (events/s, accepted, rejected by reason).
 * `--once` exits after every relay reached EOSE and everything is committed; otherwise it streams live
 * until Ctrl-C. Exit code 0; 2 on bad arguments.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { CATALOG_DB_FILE, formatProgress, startIndexer } from './index.ts'

const Args = z.object({
  relay: z
    .array(z.string().regex(/^wss?:\/\/.+/, 'must be a ws:// or wss:// URL'))
    .min(1, 'give at least one --relay'),
  db: z.string().min(1),
  once: z.boolean(),
  quiet: z.boolean(),
  'eose-timeout': z.coerce.number().int().positive(),
})

function usage(msg: string): never {
  console.error(
    `${msg}\nusage: npm run index -- --relay <ws(s)://…> [--relay …] [--db <file>] [--once] [--quiet] [--eose-timeout <ms>]`,
  )
  process.exit(2)
}

let raw
try {
  raw = parseArgs({
    options: {
      relay: { type: 'string', multiple: true, default: [] },
      db: {
        type: 'string',
        default: `${process.env['ZAPCADE_DATA_DIR'] ?? './data'}/${CATALOG_DB_FILE}`,
      },
      once: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'eose-timeout': { type: 'string', default: '30000' },
    },
  }).values
} catch (e) {
  usage(e instanceof Error ? e.message : String(e))
}
const parsed = Args.safeParse(raw)
if (!parsed.success)
  usage(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'))
const args = parsed.data

mkdirSync(dirname(args.db), { recursive: true })
const started = Date.now()
const indexer = await startIndexer({
  dbFile: args.db,
  relays: args.relay,
  eoseTimeoutMs: args['eose-timeout'],
  log: (m) => process.stderr.write(`\n${m}\n`),
})
const line = (): string => formatProgress(indexer.counters(), Date.now() - started)
const tty = process.stderr.isTTY
const timer = args.quiet
  ? undefined
  : setInterval(() => process.stderr.write(tty ? `\r${line()}` : `${line()}\n`), tty ? 250 : 2000)

const finish = async (): Promise<void> => {
  clearInterval(timer)
  await indexer.stop()
  process.stderr.write(
    `${tty ? '\r' : ''}${line()}\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s → ${args.db}\n`,
  )
  process.exit(0)
}
if (args.once) await indexer.whenCaughtUp().then(finish)
process.on('SIGINT', () => void finish())
process.on('SIGTERM', () => void finish())
