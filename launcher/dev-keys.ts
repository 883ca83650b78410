/**
 * Keys the all-in-one launcher keeps in the data directory (git-ignored): generated once, mode 0600,
 * read back on every start. Production keys come from the environment instead (docs/architecture.md "Running it").
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, hexToBytes } from 'nostr-tools/utils'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { isHex64 } from '@zapcade/shared/ids'

export interface KeyPair {
  secretKey: Uint8Array
  pubkey: string
}

/** The key stored in `<dataDir>/<name>.key` (hex), created on first use. */
export function loadOrCreateKey(dataDir: string, name: string): KeyPair {
  const file = join(dataDir, `${name}.key`)
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim()
    if (!isHex64(hex)) throw new Error(`${file}: not a 64-hex secret key`)
    const secretKey = hexToBytes(hex)
    return { secretKey, pubkey: getPublicKey(secretKey) }
  }
  const secretKey = generateSecretKey()
  writeFileSync(file, `${bytesToHex(secretKey)}\n`, { mode: 0o600, flag: 'wx' })
  return { secretKey, pubkey: getPublicKey(secretKey) }
}
