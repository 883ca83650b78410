/**
 * Is a host one the service may reach on a stranger's say-so (a payout Lightning address, a relay URL in
 * a zap request)? The classification of a literal host — an IPv4 or IPv6 address in any spelling a
 * resolver or URL parser accepts, or a name — against the special-purpose registries (IANA IPv4/IPv6
 * Special-Purpose Address Registries, RFC 6890 and successors). Pure: no DNS, no Node built-ins, so the
 * browser bundle can use it too; whoever resolves a name classifies each resolved address with it.
 *
 * IPv4 is parsed as the WHATWG URL host parser and inet_aton do: 1 to 4 parts, each decimal, `0x` hex or
 * `0`-led octal, the last part filling the remaining bytes — so `0x7f000001`, `2130706433`, `0177.0.0.1`
 * and `127.1` are all 127.0.0.1 (and `canonical` is false: the host was not written in dotted decimal).
 * IPv6 addresses that carry an IPv4 address (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are classified by the IPv4 address they lead to.
 */

/** What a host is, from the point of view of "may the service connect there". */
export type AddressClass =
  | 'public' // a global unicast address, or a name that is not a local-only name (resolve it to be sure)
  | 'loopback' // 127/8, ::1, localhost, *.localhost
  | 'private' // RFC 1918, CGNAT 100.64/10, ULA fc00::/7, site-local fec0::/10, local-only names (.local, .internal, one label)
  | 'link-local' // 169.254/16 (cloud metadata 169.254.169.254), fe80::/10
  | 'unspecified' // 0.0.0.0/8, ::
  | 'multicast' // 224/4, ff00::/8
  | 'reserved' // documentation, benchmarking, IETF protocol, 240/4, broadcast, deprecated and non-unicast IPv6
  | 'invalid' // not a host at all

export interface HostClassification {
  /** The kind of literal. */
  type: 'ipv4' | 'ipv6' | 'name'
  class: AddressClass
  /** Dotted-decimal IPv4, or the 8 IPv6 groups in lower-case hex joined by `:` (no `::`); the name, lower-cased. */
  address: string
  /** False when an IPv4 address was written in another form than dotted decimal (hex, octal, short, one number). */
  canonical: boolean
}

type V4Range = readonly [base: number, prefix: number, cls: AddressClass]

const v4 = (a: number, b: number, c: number, d: number): number =>
  ((a << 24) >>> 0) + (b << 16) + (c << 8) + d

/** Most specific first. */
const V4_RANGES: readonly V4Range[] = [
  [v4(255, 255, 255, 255), 32, 'reserved'], // limited broadcast
  [v4(192, 0, 0, 9), 32, 'public'], // PCP anycast (globally reachable per the registry)
  [v4(192, 0, 0, 10), 32, 'public'], // TURN anycast
  [v4(0, 0, 0, 0), 8, 'unspecified'], // "this network"
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'private'], // shared address space (CGNAT)
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'], // includes the cloud metadata service 169.254.169.254
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24, 'reserved'], // TEST-NET-1
  [v4(192, 31, 196, 0), 24, 'reserved'], // AS112-v4
  [v4(192, 52, 193, 0), 24, 'reserved'], // AMT
  [v4(192, 88, 99, 0), 24, 'reserved'], // deprecated 6to4 relay anycast
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(192, 175, 48, 0), 24, 'reserved'], // direct delegation AS112
  [v4(198, 18, 0, 0), 15, 'reserved'], // benchmarking
  [v4(198, 51, 100, 0), 24, 'reserved'], // TEST-NET-2
  [v4(203, 0, 113, 0), 24, 'reserved'], // TEST-NET-3
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
]

function classifyV4(n: number): AddressClass {
  for (const [base, prefix, cls] of V4_RANGES) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
    if ((n & mask) >>> 0 === base) return cls
  }
  return 'public'
}

const dotted = (n: number): string =>
  [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')

/** One IPv4 part: decimal, 0x hex or 0-led octal (WHATWG "IPv4 number parser"); undefined when not a number. */
function v4Part(s: string): number | undefined {
  if (s === '') return undefined
  let digits = s,
    radix = 10
  if (/^0x/i.test(s)) {
    digits = s.slice(2)
    radix = 16
  } else if (s.length > 1 && s.startsWith('0')) {
    digits = s.slice(1)
    radix = 8
  }
  if (digits === '') return 0 // "0x" is zero, as the URL parser has it
  const re = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/
  if (!re.test(digits)) return undefined
  const n = parseInt(digits, radix)
  return Number.isSafeInteger(n) ? n : Infinity
}

/**
 * Parse an IPv4 host in any form a URL parser or inet_aton accepts. Answers the 32-bit number,
 * `undefined` when the host is not numeric (a name), or `null` when it is numeric but out of range.
 */
export function parseIPv4(host: string): number | undefined | null {
  const parts = host.split('.')
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop() // one trailing dot is allowed
  // A host whose last label is a number is an address (WHATWG "ends in a number"): "1.example" is a name.
  if (parts.length === 0 || v4Part(parts[parts.length - 1]!) === undefined) return undefined
  if (parts.length > 4) return null
  const nums = parts.map(v4Part)
  if (nums.some((n) => n === undefined)) return null
  const ns = nums as number[]
  const last = ns[ns.length - 1]!
  if (ns.slice(0, -1).some((n) => n > 255) || last >= 256 ** (5 - ns.length)) return null
  let value = last
  ns.slice(0, -1).forEach((n, i) => {
    value += n * 256 ** (3 - i)
  })
  return value >>> 0
}

/** Parse an IPv6 address (no brackets, no zone) into 8 groups; undefined when it is not one. */
export function parseIPv6(s: string): number[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(s) || s.length > 45) return undefined
  let tail: number[] = []
  let head = s
  const lastColon = s.lastIndexOf(':')
  if (s.includes('.')) {
    // An embedded dotted-decimal IPv4 in the last 32 bits (strictly dotted decimal here).
    const v4s = s.slice(lastColon + 1)
    if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(v4s)) return undefined
    const b = v4s.split('.').map(Number)
    if (b.some((x) => x > 255) || v4s.split('.').some((x) => x.length > 1 && x.startsWith('0')))
      return undefined
    tail = [(b[0]! << 8) + b[1]!, (b[2]! << 8) + b[3]!]
    head = s.slice(0, lastColon + 1)
    if (!head.endsWith('::') && head.endsWith(':')) head = head.slice(0, -1)
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const groups = (h: string): number[] | undefined => {
    if (h === '') return []
    const gs = h.split(':')
    if (gs.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined
    return gs.map((g) => parseInt(g, 16))
  }
  const left = groups(halves[0]!)
  const right = halves.length === 2 ? groups(halves[1]!) : []
  if (!left || !right) return undefined
  const known = left.length + right.length + tail.length
  if (halves.length === 2) {
    if (known > 7) return undefined
    return [...left, ...new Array<number>(8 - known).fill(0), ...right, ...tail]
  }
  return known === 8 ? [...left, ...tail] : undefined
}

const embeddedV4 = (hi: number, lo: number): number => ((hi << 16) >>> 0) + lo

function classifyV6(g: number[]): AddressClass {
  const [a, b] = [g[0]!, g[1]!]
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0)
  if (zeroUpTo(8)) return 'unspecified'
  if (zeroUpTo(7) && g[7] === 1) return 'loopback'
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyV4(embeddedV4(g[6]!, g[7]!)) // IPv4-mapped
  if (zeroUpTo(6)) return 'reserved' // deprecated IPv4-compatible
  if (a === 0x64 && b === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return classifyV4(embeddedV4(g[6]!, g[7]!)) // NAT64
  if (a === 0x64 && b === 0xff9b && g[2] === 1) return 'private' // local-use NAT64 64:ff9b:1::/48
  if (a === 0x2002) return classifyV4(embeddedV4(b, g[2]!)) // 6to4
  if ((a & 0xfe00) === 0xfc00) return 'private' // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80) return 'link-local'
  if ((a & 0xffc0) === 0xfec0) return 'private' // deprecated site-local
  if ((a & 0xff00) === 0xff00) return 'multicast'
  if (a === 0x2001 && b === 0x0db8) return 'reserved' // documentation
  if (a === 0x2001 && b < 0x0200) return 'reserved' // IETF protocol assignments (Teredo, ORCHID, ...)
  if (a === 0x3fff && b < 0x1000) return 'reserved' // documentation 3fff::/20
  if ((a & 0xe000) !== 0x2000) return 'reserved' // outside global unicast 2000::/3 (includes 100::/64 discard)
  return 'public'
}

/** Names that never lead to the public internet. */
const LOCAL_SUFFIXES = [
  '.local',
  '.internal',
  '.home.arpa',
  '.localdomain',
  '.lan',
  '.intranet',
  '.corp',
  '.private',
]
/** A DNS label (underscores allowed: some hosts have them); no leading or trailing hyphen. */
const LABEL_RE = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

function classifyName(name: string): AddressClass {
  if (name.length > 253 || !name.split('.').every((l) => LABEL_RE.test(l))) return 'invalid'
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback'
  if (!name.includes('.')) return 'private' // a single label only resolves through a local search list
  if (LOCAL_SUFFIXES.some((s) => name.endsWith(s))) return 'private'
  return 'public'
}

/**
 * Classify a literal host: `127.0.0.1`, `[::1]` or `::1`, `0x7f000001`, `wallet.example` (no port, no
 * scheme; a trailing dot and upper case are accepted). A name's class is the one its spelling gives
 * (localhost, local-only suffixes); a public-looking name still has to be resolved and each of its
 * addresses classified before connecting.
 */
export function classifyHost(host: string): HostClassification {
  let h = host.trim().toLowerCase()
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  const invalid: HostClassification = {
    type: 'name',
    class: 'invalid',
    address: h,
    canonical: false,
  }
  if (h === '' || h.length > 255) return invalid
  if (h.includes(':')) {
    // A zone id (fe80::1%eth0) names an interface: only meaningful on a local link.
    const zone = h.indexOf('%')
    const groups = parseIPv6(zone >= 0 ? h.slice(0, zone) : h)
    if (!groups) return invalid
    const cls = zone >= 0 ? 'link-local' : classifyV6(groups)
    return {
      type: 'ipv6',
      class: cls,
      address: groups.map((x) => x.toString(16)).join(':'),
      canonical: true,
    }
  }
  const n = parseIPv4(h)
  if (n === null) return { ...invalid, type: 'ipv4' }
  if (n !== undefined) {
    const address = dotted(n)
    return {
      type: 'ipv4',
      class: classifyV4(n),
      address,
      canonical: h.replace(/\.$/, '') === address,
    }
  }
  const name = h.replace(/\.$/, '')
  return { type: 'name', class: classifyName(name), address: name, canonical: true }
}

/**
 * True when a literal host may be contacted from the public internet's point of view: a global unicast
 * address, or a name that is not a local-only name. Names still need resolving (see classifyHost).
 */
export function isPublicHost(host: string): boolean {
  return classifyHost(host).class === 'public'
}
