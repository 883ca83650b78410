/** Open the catalog database the indexer writes (and the service reads): WAL, NORMAL sync, migrated. */
import Database from 'better-sqlite3'
import { applyPragmas, migrate, type SqlDatabase } from '@zapcade/shared/db/migrate'

export type Db = Database.Database

/** Open (creating if needed) and migrate the catalog database at `file`. */
export function openCatalog(file: string): Db {
  const db = new Database(file)
  const sql: SqlDatabase = db
  applyPragmas(sql, 'catalog')
  migrate(sql)
  return db
}
