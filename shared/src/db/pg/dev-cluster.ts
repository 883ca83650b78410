/**
 * `npx tsx shared/src/db/pg/dev-cluster.ts [--dir data/pg] [--port 5433]`: a local PostgreSQL for
 * development, kept in a directory across runs (initdb on the first), migrated, and stopped on Ctrl-C.
 * Prints the ZAPCADE_DATABASE_URL to use. See docs/postgresql.md.
 */
import { parseArgs } from 'node:util'
import { startPgCluster } from './cluster.ts'
import { migratePg } from './migrate.ts'
import { createPgPool } from './pool.ts'

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'data/pg' },
    port: { type: 'string', default: '5433' },
  },
})
const port = Number(values.port)
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`--port: ${values.port} is not a port`)
  process.exit(2)
}
const cluster = await startPgCluster({ dir: values.dir!, port })
const pool = createPgPool(cluster.url, { max: 1 })
try {
  const applied = await migratePg(pool, undefined, Math.floor(Date.now() / 1000))
  console.log(
    `migrations applied: ${applied.length === 0 ? 'none (up to date)' : applied.join(', ')}`,
  )
} finally {
  await pool.end()
}
console.log(`PostgreSQL running in ${cluster.dataDir}`)
console.log(`ZAPCADE_DATABASE_URL=${cluster.url}`)
console.log('Ctrl-C stops it (the data stays).')
const stop = () => {
  cluster.stop().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    },
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
setInterval(() => {}, 1 << 30)
