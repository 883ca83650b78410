/**
 * What the catalog's first load costs: index.html's entry script plus every chunk it imports
 * statically (the modulepreload links), gzipped. Lazy pages are not part of the first load.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface FirstLoad {
  files: string[]
  rawBytes: number
  gzipBytes: number
}

/** Measure the JavaScript the browser fetches before the catalog renders. */
export function firstLoadJs(distDir: string): FirstLoad {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8')
  const urls = [
    ...html.matchAll(
      /<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g,
    ),
  ].map((m) => m[1] as string)
  const files = [...new Set(urls)].map((u) => u.replace(/^\//, ''))
  let rawBytes = 0
  let gzipBytes = 0
  for (const f of files) {
    const buf = readFileSync(join(distDir, f))
    rawBytes += buf.length
    gzipBytes += gzipSync(buf, { level: 9 }).length
  }
  return { files, rawBytes, gzipBytes }
}
