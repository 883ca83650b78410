/**
 * Child process of wal.test.ts (DB-4): a reader that never stops, like the service answering catalog
 * GETs while the indexer writes. Short read transactions back to back on `<file>` (another process, so
 * they really overlap the writer's commits); prints READY after its first read and runs until killed.
 */
import Database from 'better-sqlite3'

const db = new Database(process.argv[2]!, { readonly: true })
db.pragma('busy_timeout = 5000')
const q = db.prepare('SELECT count(*) FROM games WHERE id > ?').pluck()
let n = 0
q.get(0)
process.stdout.write('READY\n')
for (;;) {
  for (let i = 0; i < 20; i++) q.get(n++ % 1000)
  await new Promise((r) => setImmediate(r))
}
