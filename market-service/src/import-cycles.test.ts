/**
 * No import cycles inside market-service/src (docs/architecture.md "Wiring"): the graph of relative
 * imports (type-only ones included) is read from the source files with a regex, and every strongly
 * connected component must be a single file. Much faster than a lint rule that resolves modules.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = dirname(fileURLToPath(import.meta.url))

/** Every .ts file under `dir`, absolute. */
function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...sourceFiles(p))
    else if (e.name.endsWith('.ts')) out.push(p)
  }
  return out
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g
const DYNAMIC_RE = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

/** file → the files of this tree it imports (relative specifiers only). */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files)
  const graph = new Map<string, string[]>()
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    const deps = new Set<string>()
    for (const re of [IMPORT_RE, DYNAMIC_RE])
      for (const m of text.matchAll(re)) {
        const target = resolve(dirname(f), m[1]!)
        if (known.has(target)) deps.add(target)
      }
    graph.set(f, [...deps])
  }
  return graph
}

/** The strongly connected components with more than one node, or a self-import (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return found
}

describe('import cycles', () => {
  it('finds a cycle when there is one, and none in a chain', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ])
    expect(cycles(g)).toEqual([['a', 'b', 'c']])
    expect(
      cycles(
        new Map([
          ['x', ['y']],
          ['y', []],
        ]),
      ),
    ).toEqual([])
  })

  it('market-service/src has none (type-only imports included)', () => {
    const files = sourceFiles(SRC)
    const graph = importGraph(files)
    // The graph is real: app.ts reaches the routes, and compose.ts the adapters.
    expect(graph.get(join(SRC, 'app.ts'))).toContain(join(SRC, 'routes/catalog.ts'))
    expect(graph.get(join(SRC, 'compose.ts'))).toContain(
      join(SRC, 'adapters/sqlite/purchase-repo.ts'),
    )
    const found = cycles(graph).map((c) => c.map((f) => relative(SRC, f)))
    expect(found).toEqual([])
  })
})
