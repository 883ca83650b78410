import { describe, expect, it } from 'vitest'
import { isForbiddenHost, lnurlpUrl } from './check-ln-address.ts'

describe('lnurlpUrl', () => {
  it('uses https, and http only for loopback hosts outside production', () => {
    expect(lnurlpUrl('alice@wallet.example', false)).toBe('https://wallet.example/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@127.0.0.1:8080', false)).toBe('http://127.0.0.1:8080/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@localhost:8080', false)).toBe('http://localhost:8080/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@127.0.0.1:8080', true)).toBe('https://127.0.0.1:8080/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@10.0.0.1', false)).toBe('https://10.0.0.1/.well-known/lnurlp/alice')
  })
})

describe('isForbiddenHost', () => {
  it('refuses loopback, private and link-local hosts in production only', () => {
    for (const h of ['localhost:3000', '127.0.0.1', '10.1.2.3', '192.168.0.1', '172.20.0.1', '169.254.169.254', '[::1]', '[fd00::1]', 'a.localhost']) {
      expect(isForbiddenHost(h, true), h).toBe(true)
      expect(isForbiddenHost(h, false), h).toBe(false)
    }
    for (const h of ['wallet.example', '8.8.8.8', '172.32.0.1', '11.0.0.1']) expect(isForbiddenHost(h, true), h).toBe(false)
  })
})
