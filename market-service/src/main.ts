/**
 * `npm run start:service`: read and validate configuration from the environment, start the service,
 * stop gracefully on SIGTERM/SIGINT. Nothing else lives here.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '@zapcade/shared/config'
import { defaultWebDistDir } from './routes/web.ts'
import { startService } from './server.ts'

const loaded = loadConfig(process.env)
if (!loaded.ok) {
  process.stderr.write(
    `zapcade market-service: invalid configuration\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`,
  )
  process.exit(2)
}

// The storefront when it was built (`npm run build:web` at deploy; `npm start` builds it on demand).
const webDistDir = defaultWebDistDir()
const service = await startService({
  config: loaded.value,
  ...(existsSync(join(webDistDir, 'index.html')) ? { overrides: { webDistDir } } : {}),
})
process.stdout.write(
  `${JSON.stringify({ ready: true, url: service.url, public_url: service.config.publicUrl })}\n`,
)

let signalled = false
const shutdown = (signal: string): void => {
  if (signalled) return
  signalled = true
  service.log.info({ signal }, 'shutting down')
  service.stop().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      service.log.error({ err }, 'shutdown failed')
      process.exit(1)
    },
  )
}
// A bug that escapes every handler: log it with the stack, then stop as cleanly as possible.
const fatal =
  (kind: string) =>
  (err: unknown): void => {
    service.log.fatal({ err }, kind)
    process.exitCode = 1
    shutdown(kind)
  }
process.on('uncaughtException', fatal('uncaughtException'))
process.on('unhandledRejection', fatal('unhandledRejection'))
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
