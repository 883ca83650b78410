import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { distDir, ensureWebBuilt, isWebBuildFresh } from './build.ts'
import { firstLoadJs } from './size.ts'

describe('the storefront build', () => {
  it('ensureWebBuilt answers a dist with index.html and hashed assets, fresh against its sources', async () => {
    const dir = await ensureWebBuilt()
    expect(dir).toBe(distDir)
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    const entry = /<script type="module"[^>]*src="\/assets\/(index-[\w-]+\.js)"/.exec(html)?.[1]
    expect(entry).toBeTruthy()
    expect(existsSync(join(dir, 'assets', entry!))).toBe(true)
    expect(isWebBuildFresh()).toBe(true)
  })

  it('keeps the catalog first load under 200 KB of gzipped JavaScript', async () => {
    const load = firstLoadJs(await ensureWebBuilt())
    expect(load.files.length).toBeGreaterThan(0)
    expect(load.gzipBytes).toBeLessThan(200 * 1024)
  })
})
