/**
 * Dev secrets kept in the data directory (docs/architecture.md "Running it"): the market key (`market.key`, hex, the
 * same format as the launcher's keys) and the service secret (`service-secret.key`), generated once with
 * mode 0600 when the environment gives none. Refused in production, where both must be configured.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex } from 'nostr-tools/utils'
import { generateSecretKey } from 'nostr-tools/pure'
import type { Config } from '@zapcade/shared/config'

function loadOrCreate(file: string, make: () => string, check: RegExp): string {
  if (existsSync(file)) {
    const v = readFileSync(file, 'utf8').trim()
    if (!check.test(v)) throw new Error(`${file}: unexpected content; delete it to regenerate`)
    return v
  }
  const v = make()
  try {
    writeFileSync(file, `${v}\n`, { mode: 0o600, flag: 'wx' })
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreate(file, make, check)
    throw e
  }
  return v
}

/** Fill `marketSecretKeyHex` and `secret` from the data dir when the environment left them out. */
export function withDevSecrets(
  config: Config,
): Config & { marketSecretKeyHex: string; secret: string } {
  const missing = config.marketSecretKeyHex === undefined || config.secret === undefined
  if (missing && config.production)
    throw new Error('ZAPCADE_MARKET_NSEC and ZAPCADE_SECRET are required in production')
  if (missing) mkdirSync(config.dataDir, { recursive: true })
  const marketSecretKeyHex =
    config.marketSecretKeyHex ??
    loadOrCreate(
      join(config.dataDir, 'market.key'),
      () => bytesToHex(generateSecretKey()),
      /^[0-9a-f]{64}$/,
    )
  const secret =
    config.secret ??
    loadOrCreate(
      join(config.dataDir, 'service-secret.key'),
      () => randomBytes(32).toString('hex'),
      /^[0-9a-f]{64}$/,
    )
  return { ...config, marketSecretKeyHex, secret }
}
