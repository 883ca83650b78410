import { defineConfig } from 'vitest/config'

// One `npm test` runs every package's suites. Tests talk to real sockets and SQLite files,
// so they get generous timeouts; no timing thresholds live in tests (speed is for `npm run bench`).
export default defineConfig({
  test: {
    include: [
      '{shared,relay,relay-indexer,market-service,devnet,client,launcher,e2e}/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
})
