// Lint: typescript-eslint's recommended rules plus the package boundaries of DESIGN.md section 1,
// enforced per folder with no-restricted-imports (as trpc/trpc's eslint.config.js does).
import tseslint from 'typescript-eslint'

const pkg = (name) => [`@zapcade/${name}`, `@zapcade/${name}/*`, `**/${name}/src/**`]
// Exempt from the boundaries: test files, and the few harnesses tests share. market-service's harnesses start
// the real relay and devnet (its devDependencies); the domain's test worlds open SQLite and read the clock.
// Every other testing/ module keeps its package's rules.
const testFiles = [
  '**/*.test.ts',
  'market-service/src/testing/**',
  'market-service/src/domain/*/testing/**',
]

/** Build a no-restricted-imports rule from forbidden groups with a message each. */
const forbid = (...groups) => [
  'error',
  { patterns: groups.map(([group, message]) => ({ group, message })) },
]

const nodeOnly = [
  'node:*',
  'fs',
  'path',
  'crypto',
  'http',
  'os',
  'url',
  'child_process',
  'worker_threads',
]
const driverAndIo = [
  'better-sqlite3',
  'hono',
  'hono/*',
  '@hono/*',
  'ws',
  'pino',
  '@aws-sdk/*',
  '@getalby/*',
]

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      '.tmp/**',
      'client/web/dist/**',
      'test-results/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only']", message: 'No focused tests.' },
      ],
    },
  },
  {
    // shared: only zod and nostr-tools (the browser imports it too). Node built-ins only in shared/src/db
    // and shared/src/crypto (server-side event signatures and NIP-44 on node:crypto + tiny-secp256k1).
    files: ['shared/src/**/*.ts'],
    ignores: ['shared/src/db/**', 'shared/src/crypto/**', ...testFiles],
    rules: {
      'no-restricted-imports': forbid(
        [
          [...driverAndIo, ...nodeOnly, 'preact', 'preact/*', 'bolt11', 'light-bolt11-decoder'],
          'shared imports only zod and nostr-tools.',
        ],
        [
          [
            ...pkg('relay'),
            ...pkg('relay-indexer'),
            ...pkg('market-service'),
            ...pkg('devnet'),
            ...pkg('client'),
          ],
          'shared depends on no other package.',
        ],
      ),
    },
  },
  {
    // The embedded relay: a Nostr relay and nothing else; the indexer, tests and the launcher use it.
    files: ['relay/src/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': forbid([
        [...pkg('relay-indexer'), ...pkg('market-service'), ...pkg('devnet'), ...pkg('client')],
        'relay imports only shared.',
      ]),
    },
  },
  {
    files: ['relay-indexer/src/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': forbid(
        [
          pkg('market-service'),
          'The indexer and the service never import each other; they meet in the database.',
        ],
        [
          [...pkg('devnet'), ...pkg('client')],
          'devnet is for the launcher and tests only; nothing imports client.',
        ],
      ),
    },
  },
  {
    files: ['market-service/src/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': forbid(
        [
          pkg('relay-indexer'),
          'The service reads the catalog through its read port, never the indexer.',
        ],
        [pkg('relay'), 'The service talks to relays over WebSocket only.'],
        [
          [...pkg('devnet'), ...pkg('client')],
          'devnet is for the launcher and tests only; nothing imports client.',
        ],
      ),
    },
  },
  {
    // Routes receive ports in their context (routes/context.ts); adapters are built in compose.ts only.
    files: ['market-service/src/routes/**/*.ts'],
    // routes/testing: child-process harnesses that wire a few routes the way compose.ts does.
    ignores: [...testFiles, 'market-service/src/routes/testing/**'],
    rules: {
      'no-restricted-imports': forbid(
        [
          pkg('relay-indexer'),
          'The service reads the catalog through its read port, never the indexer.',
        ],
        [pkg('relay'), 'The service talks to relays over WebSocket only.'],
        [
          [...pkg('devnet'), ...pkg('client')],
          'devnet is for the launcher and tests only; nothing imports client.',
        ],
        [
          ['**/adapters/**'],
          'Routes use the ports of their context; compose.ts builds the adapters (docs/architecture.md "Wiring").',
        ],
      ),
    },
  },
  {
    // Domain code: pure, with clock, randomness and I/O as ports (STYLE.md "Boundaries").
    files: ['market-service/src/domain/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': forbid(
        [
          [...driverAndIo, 'node:fs', 'node:http', 'node:child_process'],
          'Domain code takes I/O through ports.',
        ],
        [pkg('relay-indexer'), 'The service never imports the indexer.'],
        [
          ['**/adapters/**', '**/routes/**', '**/http/**'],
          'Domain code imports ports and shared only; compose.ts wires adapters in (docs/architecture.md "Wiring").',
        ],
      ),
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected clock.' },
        { object: 'Math', property: 'random', message: 'Use injected randomness.' },
        { object: 'process', property: 'env', message: 'Configuration comes in through deps.' },
      ],
    },
  },
  {
    files: ['devnet/src/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': forbid([
        [...pkg('relay'), ...pkg('relay-indexer'), ...pkg('market-service'), ...pkg('client')],
        'devnet imports only shared.',
      ]),
    },
  },
  {
    files: [
      'client/src/**/*.ts',
      'client/src/**/*.tsx',
      'client/web/**/*.ts',
      'client/web/**/*.tsx',
    ],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': forbid([
        [...pkg('relay'), ...pkg('relay-indexer'), ...pkg('market-service'), ...pkg('devnet')],
        'client talks to the service over HTTP only.',
      ]),
    },
  },
  {
    // The browser bundle cannot load node:crypto: the storefront never imports shared's server-side crypto.
    files: ['client/web/**/*.ts', 'client/web/**/*.tsx'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': forbid(
        [
          [...pkg('relay'), ...pkg('relay-indexer'), ...pkg('market-service'), ...pkg('devnet')],
          'client talks to the service over HTTP only.',
        ],
        [
          ['@zapcade/shared/crypto/*', '**/shared/src/crypto/**'],
          'shared/src/crypto is Node-only (node:crypto).',
        ],
      ),
    },
  },
)
