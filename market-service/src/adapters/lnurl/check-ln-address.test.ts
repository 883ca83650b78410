import { describe, expect, it } from 'vitest'
import { lnurlpUrl } from './check-ln-address.ts'

describe('lnurlpUrl', () => {
  it('uses https, and http only for loopback hosts outside production', () => {
    expect(lnurlpUrl('alice@wallet.example', false)).toBe('https://wallet.example/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@127.0.0.1:8080', false)).toBe('http://127.0.0.1:8080/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@localhost:8080', false)).toBe('http://localhost:8080/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@127.0.0.1:8080', true)).toBe('https://127.0.0.1:8080/.well-known/lnurlp/alice')
    expect(lnurlpUrl('alice@10.0.0.1', false)).toBe('https://10.0.0.1/.well-known/lnurlp/alice')
  })
})
