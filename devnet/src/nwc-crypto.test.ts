import { describe, expect, it } from 'vitest'
import * as nip04 from 'nostr-tools/nip04'
import * as nip44 from 'nostr-tools/nip44'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { decryptFrom, encryptFor } from './nwc-crypto.ts'

const texts = [
  '',
  'hello',
  'x'.repeat(1000),
  '{"method":"pay_invoice","params":{"invoice":"lnbc…"}} ünïcødé ⚡',
]

describe('NWC payload encryption', () => {
  it('NIP-04 payloads (node:crypto ECDH + AES-CBC, cached key) interoperate with nostr-tools both ways', () => {
    const service = generateSecretKey()
    const client = generateSecretKey()
    for (const text of texts) {
      expect(
        nip04.decrypt(
          client,
          getPublicKey(service),
          encryptFor('nip04', service, getPublicKey(client), text),
        ),
      ).toBe(text)
      expect(
        decryptFrom(
          'nip04',
          service,
          getPublicKey(client),
          nip04.encrypt(client, getPublicKey(service), text),
        ),
      ).toBe(text)
    }
  })

  it('NIP-44 payloads interoperate with nostr-tools both ways', () => {
    const service = generateSecretKey()
    const client = generateSecretKey()
    const key = nip44.getConversationKey(client, getPublicKey(service))
    for (const text of texts.filter((t) => t.length > 0)) {
      expect(nip44.decrypt(encryptFor('nip44_v2', service, getPublicKey(client), text), key)).toBe(
        text,
      )
      expect(decryptFrom('nip44_v2', service, getPublicKey(client), nip44.encrypt(text, key))).toBe(
        text,
      )
    }
  })

  it('NIP-44: long texts (extended length prefix past 65,535 bytes) interoperate; a wrong key or peer is refused', () => {
    const service = generateSecretKey()
    const client = generateSecretKey()
    const key = nip44.getConversationKey(client, getPublicKey(service))
    for (const text of ['⚡'.repeat(21_845), 'y'.repeat(65_535), 'z'.repeat(70_000)]) {
      expect(nip44.decrypt(encryptFor('nip44_v2', service, getPublicKey(client), text), key)).toBe(
        text,
      )
      expect(decryptFrom('nip44_v2', service, getPublicKey(client), nip44.encrypt(text, key))).toBe(
        text,
      )
    }
    const stranger = getPublicKey(generateSecretKey())
    expect(() => decryptFrom('nip44_v2', service, stranger, nip44.encrypt('secret', key))).toThrow(
      'invalid MAC',
    )
    expect(() => encryptFor('nip44_v2', service, 'ff'.repeat(32), 'hi')).toThrow(/public key/)
  })

  it('a NIP-04 payload for another key does not decrypt to the text', () => {
    const service = generateSecretKey()
    const payload = nip04.encrypt(generateSecretKey(), getPublicKey(generateSecretKey()), 'secret')
    let out: string | undefined
    try {
      out = decryptFrom('nip04', service, getPublicKey(generateSecretKey()), payload)
    } catch {
      out = undefined
    }
    expect(out).not.toBe('secret')
  })
})
