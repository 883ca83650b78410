/**
 * `npm run bench [-- name…]`: runs each `bench/*.bench.ts` in its own process, one after another, so
 * one benchmark's heap and sockets never skew the next. Each prints its figures as ratios against a
 * baseline measured in the same run; copy the latest into bench/README.md.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort()

if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(' ') || '(any)'}`)
  process.exit(1)
}
let failed = 0
for (const f of files) {
  console.log(`\n=== ${f} ===`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${f}`], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  })
  if (r.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
