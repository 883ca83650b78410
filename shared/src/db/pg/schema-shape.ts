/**
 * One comparable description of a schema, read from SQLite (pragmas and sqlite_master) or from
 * PostgreSQL (information_schema and pg_catalog), so the two can be diffed: tables, columns (NOT NULL,
 * default), primary keys, UNIQUE sets, foreign keys, CHECK constraints (which columns each guards and
 * which word literals it lists: the status names), index names and trigger names. Column types are not
 * compared (INTEGER vs bigint, TEXT vs text by design); neither are the full-text tables' columns
 * (FTS5 virtual table vs tsvector), only their existence.
 */
import type pg from 'pg'
import type { SqlDatabase } from '../migrate.ts'

export interface TableShape {
  columns: Record<string, { notNull: boolean; default: string | null }>
  primaryKey: string[]
  uniques: string[]
  foreignKeys: string[]
  checks: string[]
  indexes: string[]
  triggers: string[]
}
export type SchemaShape = Record<string, TableShape>

/** Tables that are the migration runners' own, or the full-text index's internals. */
const NOT_COMPARED = new Set(['schema_migrations'])
/** Full-text tables: compared by existence only. */
export const FTS_TABLES = new Set(['games_fts'])

/** `'[]'::text` and `'[]'` are the same default; so are `0` and `(0)`. */
function normDefault(d: string | null): string | null {
  if (d === null) return null
  let s = d.trim()
  while (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim()
  return s.replace(/::[a-z ]+$/i, '')
}

/** Word literals of a CHECK (status names, 'msat', 'application/zip'): not patterns like '*[^0-9]*'. */
function wordLiterals(expr: string): string[] {
  const out = new Set<string>()
  for (const m of expr.matchAll(/'((?:[^']|'')*)'/g)) {
    if (/^[A-Za-z][A-Za-z0-9_/.-]*$/.test(m[1]!)) out.add(m[1]!)
  }
  return [...out].sort()
}

const checkKey = (cols: string[], expr: string): string =>
  `(${[...new Set(cols)].sort().join(', ')}) ${JSON.stringify(wordLiterals(expr))}`

/** The bodies of every `CHECK (...)` in a CREATE TABLE statement, parentheses balanced. */
function checkBodies(sql: string): string[] {
  const out: string[] = []
  const re = /\bCHECK\s*\(/gi
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 1
    let i = m.index + m[0].length
    let quoted = false
    for (; i < sql.length && depth > 0; i++) {
      const c = sql[i]
      if (c === "'") quoted = !quoted
      else if (!quoted && c === '(') depth++
      else if (!quoted && c === ')') depth--
    }
    out.push(sql.slice(m.index + m[0].length, i - 1))
  }
  return out
}

/** Identifiers of an expression outside string literals. */
const identifiers = (expr: string): Set<string> =>
  new Set(expr.replace(/'(?:[^']|'')*'/g, ' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])

/** A view: its columns only (nullability and defaults mean nothing there). */
function viewShape(columns: string[]): TableShape {
  const t: TableShape = {
    columns: {},
    primaryKey: [],
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    triggers: [],
  }
  for (const c of columns) t.columns[c] = { notNull: false, default: null }
  return t
}

export function sqliteShape(db: SqlDatabase): SchemaShape {
  const shape: SchemaShape = {}
  const tables = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )
    .all() as { name: string; sql: string }[]
  const ftsShadow = (n: string) => [...FTS_TABLES].some((f) => n.startsWith(`${f}_`))
  // Views are compared by name (and their columns).
  const views = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name`)
    .all() as { name: string }[]
  for (const { name } of views) {
    const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]
    shape[`view ${name}`] = viewShape(cols.map((c) => c.name))
  }
  for (const { name, sql } of tables) {
    if (NOT_COMPARED.has(name) || ftsShadow(name)) continue
    const t: TableShape = {
      columns: {},
      primaryKey: [],
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
      triggers: [],
    }
    shape[name] = t
    if (FTS_TABLES.has(name)) continue
    const cols = db.prepare(`SELECT * FROM pragma_table_info(?)`).all(name) as {
      name: string
      notnull: number
      dflt_value: string | null
      pk: number
    }[]
    for (const c of cols) {
      // A primary key column never holds NULL in practice (the writers always set it); PostgreSQL enforces it.
      t.columns[c.name] = {
        notNull: c.notnull === 1 || c.pk > 0,
        default: normDefault(c.dflt_value),
      }
    }
    t.primaryKey = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name)
    const idx = db.prepare(`SELECT name, origin FROM pragma_index_list(?)`).all(name) as {
      name: string
      origin: string
    }[]
    for (const i of idx.filter((i) => i.origin === 'u')) {
      const ic = db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(i.name) as {
        name: string
      }[]
      t.uniques.push(ic.map((c) => c.name).join(', '))
    }
    t.uniques.sort()
    const fks = db.prepare(`SELECT * FROM pragma_foreign_key_list(?)`).all(name) as {
      table: string
      from: string
      to: string | null
      on_delete: string
    }[]
    t.foreignKeys = fks
      .map((f) => `${f.from} -> ${f.table}(${f.to ?? 'id'}) on delete ${f.on_delete.toLowerCase()}`)
      .sort()
    const colNames = new Set(Object.keys(t.columns))
    t.checks = checkBodies(sql)
      .map((body) =>
        checkKey(
          [...identifiers(body)].filter((w) => colNames.has(w)),
          body,
        ),
      )
      .sort()
    t.indexes = (
      db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
        )
        .all(name) as { name: string }[]
    )
      .map((r) => r.name)
      .sort()
    t.triggers = (
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`)
        .all(name) as { name: string }[]
    )
      .map((r) => r.name)
      .sort()
  }
  return shape
}

const ON_DELETE: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
}

export async function pgShape(pool: pg.Pool | pg.PoolClient): Promise<SchemaShape> {
  const shape: SchemaShape = {}
  const tables = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
  const views = await pool.query<{ name: string; cols: string[] }>(
    `SELECT v.table_name AS name,
            array(SELECT c.column_name::text FROM information_schema.columns c
                   WHERE c.table_schema = 'public' AND c.table_name = v.table_name
                   ORDER BY c.ordinal_position) AS cols
       FROM information_schema.views v WHERE v.table_schema = 'public' ORDER BY 1`,
  )
  for (const v of views.rows) shape[`view ${v.name}`] = viewShape(v.cols)
  for (const { table_name: name } of tables.rows) {
    if (NOT_COMPARED.has(name)) continue
    const t: TableShape = {
      columns: {},
      primaryKey: [],
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
      triggers: [],
    }
    shape[name] = t
    if (FTS_TABLES.has(name)) continue
    const cols = await pool.query<{
      column_name: string
      is_nullable: string
      column_default: string | null
    }>(
      `SELECT column_name, is_nullable, column_default FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [name],
    )
    for (const c of cols.rows) {
      t.columns[c.column_name] = {
        notNull: c.is_nullable === 'NO',
        default: normDefault(c.column_default),
      }
    }
    const cons = await pool.query<{
      contype: string
      cols: string[]
      def: string
      ftable: string | null
      fcols: string[] | null
      confdeltype: string
    }>(
      `SELECT c.contype,
              array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
              pg_get_constraintdef(c.oid) AS def,
              c.confrelid::regclass::text AS ftable,
              array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS fcols,
              c.confdeltype
         FROM pg_constraint c WHERE c.conrelid = $1::regclass`,
      [name],
    )
    for (const c of cons.rows) {
      if (c.contype === 'p') t.primaryKey = c.cols
      else if (c.contype === 'u') t.uniques.push(c.cols.join(', '))
      else if (c.contype === 'c') t.checks.push(checkKey(c.cols, c.def))
      else if (c.contype === 'f') {
        t.foreignKeys.push(
          `${c.cols.join(', ')} -> ${c.ftable}(${(c.fcols ?? []).join(', ')}) on delete ${ON_DELETE[c.confdeltype] ?? c.confdeltype}`,
        )
      }
    }
    t.uniques.sort()
    t.checks.sort()
    t.foreignKeys.sort()
    const idx = await pool.query<{ name: string }>(
      `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = $1::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY 1`,
      [name],
    )
    t.indexes = idx.rows.map((r) => r.name)
    const trg = await pool.query<{ name: string }>(
      `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY 1`,
      [name],
    )
    t.triggers = trg.rows.map((r) => r.name)
  }
  return shape
}

/** Known, deliberate differences: [table, what, name] PostgreSQL has that SQLite has not, or the reverse. */
export interface ShapeAllowance {
  /** Triggers only PostgreSQL has (e.g. the ledger's TRUNCATE guard). */
  pgOnlyTriggers?: string[]
  /** Triggers only SQLite has (e.g. FTS maintenance PostgreSQL does by a cascading foreign key). */
  sqliteOnlyTriggers?: string[]
}

/**
 * Every difference, as sentences naming the table, the column or constraint, and which side lacks it.
 * An empty list means the schemas match.
 */
export function diffShapes(
  sqlite: SchemaShape,
  pg: SchemaShape,
  allow: ShapeAllowance = {},
): string[] {
  const out: string[] = []
  const only = (a: string[], b: string[]) => a.filter((x) => !b.includes(x))
  const label = (t: string) => (t.startsWith('view ') ? t : `table ${t}`)
  for (const t of Object.keys(sqlite).sort()) {
    if (!pg[t]) out.push(`${label(t)}: in SQLite, missing in PostgreSQL`)
  }
  for (const t of Object.keys(pg).sort()) {
    if (!sqlite[t]) out.push(`${label(t)}: in PostgreSQL, missing in SQLite`)
  }
  for (const t of Object.keys(sqlite).sort()) {
    const s = sqlite[t]!
    const p = pg[t]
    if (!p || FTS_TABLES.has(t)) continue
    for (const c of Object.keys(s.columns)) {
      const pc = p.columns[c]
      const sc = s.columns[c]!
      if (!pc) {
        out.push(`column ${t}.${c}: in SQLite, missing in PostgreSQL`)
        continue
      }
      if (pc.notNull !== sc.notNull) {
        out.push(
          `column ${t}.${c}: NOT NULL is ${sc.notNull} in SQLite, ${pc.notNull} in PostgreSQL`,
        )
      }
      // Identity columns have no default in PostgreSQL, rowid aliases none in SQLite.
      if (pc.default !== sc.default) {
        out.push(`column ${t}.${c}: default ${sc.default} in SQLite, ${pc.default} in PostgreSQL`)
      }
    }
    for (const c of only(Object.keys(p.columns), Object.keys(s.columns))) {
      out.push(`column ${t}.${c}: in PostgreSQL, missing in SQLite`)
    }
    if (s.primaryKey.join(', ') !== p.primaryKey.join(', ')) {
      out.push(`primary key of ${t}: (${s.primaryKey}) in SQLite, (${p.primaryKey}) in PostgreSQL`)
    }
    const lists: [string, keyof TableShape, string[], string[]][] = [
      ['UNIQUE', 'uniques', [], []],
      ['foreign key', 'foreignKeys', [], []],
      ['CHECK', 'checks', [], []],
      ['index', 'indexes', [], []],
      ['trigger', 'triggers', allow.sqliteOnlyTriggers ?? [], allow.pgOnlyTriggers ?? []],
    ]
    for (const [what, key, sqliteOnlyOk, pgOnlyOk] of lists) {
      const sl = s[key] as string[]
      const pl = p[key] as string[]
      for (const x of only(sl, pl)) {
        if (!sqliteOnlyOk.includes(x))
          out.push(`${what} on ${t}: ${x} in SQLite, missing in PostgreSQL`)
      }
      for (const x of only(pl, sl)) {
        if (!pgOnlyOk.includes(x))
          out.push(`${what} on ${t}: ${x} in PostgreSQL, missing in SQLite`)
      }
    }
  }
  return out
}
