import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { configFrom } from '@zapcade/shared/config'
import { withDevSecrets } from './dev-secrets.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'zapcade-secrets-'))
  dirs.push(d)
  return d
}

describe('dev secrets', () => {
  it('generates the market key and service secret once, mode 0600, and reuses them', () => {
    const dir = tmp()
    const a = withDevSecrets(configFrom({ ZAPCADE_DATA_DIR: dir }))
    const b = withDevSecrets(configFrom({ ZAPCADE_DATA_DIR: dir }))
    expect(a.marketSecretKeyHex).toMatch(/^[0-9a-f]{64}$/)
    expect(b.marketSecretKeyHex).toBe(a.marketSecretKeyHex)
    expect(b.secret).toBe(a.secret)
    expect(statSync(join(dir, 'market.key')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'service-secret.key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'market.key'), 'utf8').trim()).toBe(a.marketSecretKeyHex)
  })

  it('prefers the environment and never writes files then', () => {
    const dir = tmp()
    const c = withDevSecrets(
      configFrom({
        ZAPCADE_DATA_DIR: join(dir, 'none'),
        ZAPCADE_MARKET_NSEC: '1'.repeat(64),
        ZAPCADE_SECRET: 's'.repeat(40),
      }),
    )
    expect(c.marketSecretKeyHex).toBe('1'.repeat(64))
    expect(() => statSync(join(dir, 'none'))).toThrow()
  })

  it('refuses to generate secrets in production', () => {
    const cfg = { ...configFrom({ ZAPCADE_DATA_DIR: tmp() }), production: true }
    expect(() => withDevSecrets(cfg)).toThrow(/required in production/)
  })
})
