import { describe, expect, it } from 'vitest'
import { classifyHost, isPublicHost, parseIPv4, parseIPv6 } from './public-address.ts'

describe('classifyHost', () => {
  // [host, class, normalised address, canonical]
  const table: [string, string, string, boolean][] = [
    // IPv4, dotted decimal
    ['8.8.8.8', 'public', '8.8.8.8', true],
    ['1.1.1.1', 'public', '1.1.1.1', true],
    ['172.32.0.1', 'public', '172.32.0.1', true],
    ['11.0.0.1', 'public', '11.0.0.1', true],
    ['127.0.0.1', 'loopback', '127.0.0.1', true],
    ['127.255.255.254', 'loopback', '127.255.255.254', true],
    ['10.1.2.3', 'private', '10.1.2.3', true],
    ['172.16.0.1', 'private', '172.16.0.1', true],
    ['172.31.255.255', 'private', '172.31.255.255', true],
    ['192.168.0.1', 'private', '192.168.0.1', true],
    ['100.64.0.1', 'private', '100.64.0.1', true],
    ['100.128.0.1', 'public', '100.128.0.1', true],
    ['169.254.169.254', 'link-local', '169.254.169.254', true],
    ['0.0.0.0', 'unspecified', '0.0.0.0', true],
    ['0.1.2.3', 'unspecified', '0.1.2.3', true],
    ['224.0.0.1', 'multicast', '224.0.0.1', true],
    ['239.255.255.250', 'multicast', '239.255.255.250', true],
    ['240.0.0.1', 'reserved', '240.0.0.1', true],
    ['255.255.255.255', 'reserved', '255.255.255.255', true],
    ['192.0.2.1', 'reserved', '192.0.2.1', true],
    ['198.18.0.1', 'reserved', '198.18.0.1', true],
    ['198.51.100.7', 'reserved', '198.51.100.7', true],
    ['203.0.113.9', 'reserved', '203.0.113.9', true],
    ['192.0.0.8', 'reserved', '192.0.0.8', true],
    // IPv4 in the other spellings URL parsers and inet_aton accept
    ['0x7f000001', 'loopback', '127.0.0.1', false],
    ['0X7F000001', 'loopback', '127.0.0.1', false],
    ['2130706433', 'loopback', '127.0.0.1', false],
    ['0177.0.0.1', 'loopback', '127.0.0.1', false],
    ['0177.0.0.01', 'loopback', '127.0.0.1', false],
    ['127.1', 'loopback', '127.0.0.1', false],
    ['127.0.1', 'loopback', '127.0.0.1', false],
    ['0x7f.1', 'loopback', '127.0.0.1', false],
    ['2852039166', 'link-local', '169.254.169.254', false],
    ['0xa9.0xfe.0xa9.0xfe', 'link-local', '169.254.169.254', false],
    ['0251.0376.0251.0376', 'link-local', '169.254.169.254', false],
    ['0', 'unspecified', '0.0.0.0', false],
    ['0x08080808', 'public', '8.8.8.8', false],
    ['127.0.0.1.', 'loopback', '127.0.0.1', true],
    // IPv6
    ['[::1]', 'loopback', '0:0:0:0:0:0:0:1', true],
    ['::1', 'loopback', '0:0:0:0:0:0:0:1', true],
    ['[0:0:0:0:0:0:0:1]', 'loopback', '0:0:0:0:0:0:0:1', true],
    ['[::]', 'unspecified', '0:0:0:0:0:0:0:0', true],
    ['[::ffff:127.0.0.1]', 'loopback', '0:0:0:0:0:ffff:7f00:1', true],
    ['[::ffff:7f00:1]', 'loopback', '0:0:0:0:0:ffff:7f00:1', true],
    ['[::ffff:169.254.169.254]', 'link-local', '0:0:0:0:0:ffff:a9fe:a9fe', true],
    ['[::ffff:10.0.0.1]', 'private', '0:0:0:0:0:ffff:a00:1', true],
    ['[::ffff:8.8.8.8]', 'public', '0:0:0:0:0:ffff:808:808', true],
    ['[::127.0.0.1]', 'reserved', '0:0:0:0:0:0:7f00:1', true],
    ['[64:ff9b::7f00:1]', 'loopback', '64:ff9b:0:0:0:0:7f00:1', true],
    ['[64:ff9b::8.8.8.8]', 'public', '64:ff9b:0:0:0:0:808:808', true],
    ['[2002:7f00:1::]', 'loopback', '2002:7f00:1:0:0:0:0:0', true],
    ['[fe80::1]', 'link-local', 'fe80:0:0:0:0:0:0:1', true],
    ['[febf::1]', 'link-local', 'febf:0:0:0:0:0:0:1', true],
    ['[fe80::1%eth0]', 'link-local', 'fe80:0:0:0:0:0:0:1', true],
    ['[fd00::1]', 'private', 'fd00:0:0:0:0:0:0:1', true],
    ['[fc00::1]', 'private', 'fc00:0:0:0:0:0:0:1', true],
    ['[fd00:ec2::254]', 'private', 'fd00:ec2:0:0:0:0:0:254', true],
    ['[fec0::1]', 'private', 'fec0:0:0:0:0:0:0:1', true],
    ['[ff02::1]', 'multicast', 'ff02:0:0:0:0:0:0:1', true],
    ['[2001:db8::1]', 'reserved', '2001:db8:0:0:0:0:0:1', true],
    ['[2001::1]', 'reserved', '2001:0:0:0:0:0:0:1', true],
    ['[100::1]', 'reserved', '100:0:0:0:0:0:0:1', true],
    ['[2606:4700:4700::1111]', 'public', '2606:4700:4700:0:0:0:0:1111', true],
    ['[2a00:1450:4001:80b::200e]', 'public', '2a00:1450:4001:80b:0:0:0:200e', true],
    // names
    ['wallet.example', 'public', 'wallet.example', true],
    ['getalby.com', 'public', 'getalby.com', true],
    ['WALLET.Example.', 'public', 'wallet.example', true],
    ['1.example', 'public', '1.example', true],
    ['localhost', 'loopback', 'localhost', true],
    ['a.localhost', 'loopback', 'a.localhost', true],
    ['metadata', 'private', 'metadata', true],
    ['metadata.google.internal', 'private', 'metadata.google.internal', true],
    ['printer.local', 'private', 'printer.local', true],
    ['router.home.arpa', 'private', 'router.home.arpa', true],
  ]
  for (const [host, cls, address, canonical] of table) {
    it(`${host} is ${cls}`, () => {
      expect(classifyHost(host)).toMatchObject({ class: cls, address, canonical })
      expect(isPublicHost(host)).toBe(cls === 'public')
    })
  }

  it('refuses what is not a host', () => {
    for (const h of [
      '',
      '[]',
      '256.0.0.1',
      '1.2.3.4.5',
      '0x1ffffffff',
      '4294967296',
      '127.0.0.256',
      '08.0.0.1',
      'example.1',
      '[::1::2]',
      '[1:2:3:4:5:6:7:8:9]',
      '[::ffff:127.0.0.01]',
      '[gggg::1]',
      'a b.example',
      '-a.example',
      'a..example',
      '[::1]:80',
    ]) {
      expect(classifyHost(h).class, h).toBe('invalid')
      expect(isPublicHost(h), h).toBe(false)
    }
  })

  it('agrees with the WHATWG URL parser on every numeric IPv4 spelling', () => {
    for (const h of [
      '0x7f000001',
      '2130706433',
      '0177.0.0.1',
      '127.1',
      '0x7f.1',
      '2852039166',
      '0251.0376.0251.0376',
      '0',
      '1.2.3',
    ]) {
      expect(classifyHost(h).address, h).toBe(new URL(`http://${h}/`).hostname)
    }
  })
})

describe('parsers', () => {
  it('parseIPv4 answers undefined for names and null for numeric hosts out of range', () => {
    expect(parseIPv4('wallet.example')).toBeUndefined()
    expect(parseIPv4('256.1.1.1')).toBeNull()
    expect(parseIPv4('1.2.3.4')).toBe(0x01020304)
  })
  it('parseIPv6 expands :: and an embedded IPv4', () => {
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0])
    expect(parseIPv6('::1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0x102, 0x304])
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304])
    expect(parseIPv6('1:2:3:4:5:6:7:1.2.3.4')).toBeUndefined()
  })
})
