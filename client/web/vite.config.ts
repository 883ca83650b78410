/**
 * Vite build of the storefront: static files in client/web/dist, served by the market service at `/`
 * (market-service/src/routes/web.ts). Hashed asset names let the service cache them forever.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  base: '/',
  // Preact's automatic JSX runtime (no React, no preset plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite client/web` during development: API calls go to a running `npm start`.
    proxy: { '/api': 'http://127.0.0.1:8787', '/.well-known': 'http://127.0.0.1:8787' },
  },
})
