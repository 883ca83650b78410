/**
 * NIP-77 negentropy syncing, relay side: the embedded relay answers NEG-OPEN / NEG-MSG / NEG-CLOSE from
 * its own store, so a client (our indexer, strfry's `sync`, any NIP-77 client) learns which ids it lacks
 * in a few round trips instead of paging every event.
 *
 * nostr-tools (`nip77`) implements the Negentropy protocol V1 for the initiator only: its `reconcile`
 * never answers an IdList with our own ids, which is what the other side of the protocol must do. The
 * responder below reuses its storage, fingerprints, bound encoding and range splitting and adds the
 * responder's half, following the reference implementation (hoytech/negentropy, js/Negentropy.js);
 * `negentropy.test.ts` checks both halves against that reference.
 */
import type Database from 'better-sqlite3'
import { nip77 } from 'nostr-tools'
import { matchFilter, type Filter } from 'nostr-tools/filter'

/** The embedded relay speaks NIP-77 (its NIP-11 document lists 77 while this is true). */
export const NEGENTROPY_SUPPORTED = true

export const PROTOCOL_VERSION = 0x61
const ID_SIZE = 32
const FINGERPRINT_SIZE = 16
const Mode = { Skip: 0, Fingerprint: 1, IdList: 2 } as const
/** Largest message we send (strfry's default `frameSizeLimit` is of this order). */
export const FRAME_SIZE_LIMIT = 60_000
/** A NEG-OPEN whose filter matches more events than this is refused with `blocked:` (NIP-77). */
export const MAX_RECORDS = 1_000_000
/** Open negentropy sessions per connection; opening one more closes the oldest. */
export const MAX_SESSIONS = 8

type Bound = { timestamp: number; id: Uint8Array }

/** A reader over a message, with the shape nostr-tools' decoders expect (length, shift, shiftN). */
class Reader {
  private pos = 0
  constructor(private readonly buf: Uint8Array) {}
  get length(): number {
    return this.buf.length - this.pos
  }
  shift(): number {
    if (this.length < 1) throw new Error('parse ends prematurely')
    return this.buf[this.pos++]!
  }
  shiftN(n: number): Uint8Array {
    if (this.length < n) throw new Error('parse ends prematurely')
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
}

/** A growing output; `extend` takes bytes or one of nostr-tools' buffers (anything with `unwrap`). */
class Writer {
  private readonly chunks: Uint8Array[] = []
  length = 0
  extend(b: Uint8Array | number[] | { unwrap(): Uint8Array }): void {
    const bytes = b instanceof Uint8Array ? b : Array.isArray(b) ? Uint8Array.from(b) : b.unwrap()
    this.chunks.push(bytes)
    this.length += bytes.length
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks)
  }
  hex(): string {
    return Buffer.concat(this.chunks).toString('hex')
  }
}

function decodeVarInt(r: Reader): number {
  let res = 0
  for (;;) {
    const byte = r.shift()
    res = res * 128 + (byte & 127)
    if ((byte & 128) === 0) return res
  }
}

function encodeVarInt(n: number): Uint8Array {
  if (n === 0) return Uint8Array.of(0)
  const o: number[] = []
  while (n > 0) {
    o.push(n % 128)
    n = Math.floor(n / 128)
  }
  o.reverse()
  for (let i = 0; i < o.length - 1; i++) o[i]! |= 128
  return Uint8Array.from(o)
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

const HEX = /^(?:[0-9a-f]{2})+$/

/** Hex message → bytes; throws `invalid:` on anything else. */
export function messageBytes(hex: unknown): Uint8Array {
  if (typeof hex !== 'string' || !HEX.test(hex))
    throw new Error('invalid: negentropy message must be lowercase hex')
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

/** A sealed set of (created_at, id) items. */
export function storageOf(
  items: Iterable<{ created_at: number; id: string }>,
): nip77.NegentropyStorageVector {
  const s = new nip77.NegentropyStorageVector()
  const seen = new Set<string>()
  for (const it of items) {
    if (seen.has(it.id)) continue
    seen.add(it.id)
    s.insert(it.created_at, it.id)
  }
  s.seal()
  return s
}

/**
 * The responder (non-initiator) of Negentropy protocol V1 over a sealed storage. Each `respond` takes
 * the initiator's message and answers ours (never null: the initiator decides when it is done).
 */
export class NegentropyResponder {
  private readonly neg: nip77.Negentropy

  constructor(
    private readonly storage: nip77.NegentropyStorageVector,
    frameSizeLimit = FRAME_SIZE_LIMIT,
  ) {
    this.neg = new nip77.Negentropy(storage, frameSizeLimit)
  }

  respond(queryHex: string): string {
    const neg = this.neg
    const storage = this.storage
    const query = new Reader(messageBytes(queryHex))
    neg.lastTimestampIn = neg.lastTimestampOut = 0
    const full = new Writer()
    full.extend([PROTOCOL_VERSION])
    const version = query.shift()
    if (version < 0x60 || version > 0x6f)
      throw new Error('invalid: negentropy protocol version byte')
    // An unknown (newer) version: answer ours alone, and the initiator may retry with it.
    if (version !== PROTOCOL_VERSION) return full.hex()

    const storageSize = storage.size()
    let prevBound: Bound = { timestamp: 0, id: new Uint8Array(0) }
    let prevIndex = 0
    let skip = false
    while (query.length !== 0) {
      let o = new Writer()
      const doSkip = (): void => {
        if (!skip) return
        skip = false
        o.extend(neg.encodeBound(prevBound))
        o.extend(encodeVarInt(Mode.Skip))
      }
      const currBound = neg.decodeBound(query as never) as Bound
      const mode = decodeVarInt(query)
      const lower = prevIndex
      let upper = storage.findLowerBound(prevIndex, storageSize, currBound)
      if (mode === Mode.Skip) {
        skip = true
      } else if (mode === Mode.Fingerprint) {
        const theirs = query.shiftN(FINGERPRINT_SIZE)
        if (!equalBytes(theirs, storage.fingerprint(lower, upper))) {
          doSkip()
          neg.splitRange(lower, upper, currBound, o as never)
        } else skip = true
      } else if (mode === Mode.IdList) {
        const numIds = decodeVarInt(query)
        query.shiftN(numIds * ID_SIZE) // the initiator works out the difference from our full list
        doSkip()
        const ids = new Writer()
        let count = 0
        let endBound: Bound = currBound
        storage.iterate(lower, upper, (item, index) => {
          if (neg.exceededFrameSizeLimit(full.length + ids.length)) {
            endBound = item
            upper = index // the rest of the range gets a fingerprint below
            return false
          }
          ids.extend(item.id)
          count++
          return true
        })
        o.extend(neg.encodeBound(endBound))
        o.extend(encodeVarInt(Mode.IdList))
        o.extend(encodeVarInt(count))
        o.extend(ids.bytes())
        full.extend(o.bytes())
        o = new Writer()
      } else {
        throw new Error('invalid: unexpected negentropy mode')
      }
      if (neg.exceededFrameSizeLimit(full.length + o.length)) {
        // Frame full: stop here and send one fingerprint for everything not yet covered.
        full.extend(neg.encodeBound({ timestamp: Number.MAX_VALUE, id: new Uint8Array(0) }))
        full.extend(encodeVarInt(Mode.Fingerprint))
        full.extend(storage.fingerprint(upper, storageSize))
        break
      }
      full.extend(o.bytes())
      prevIndex = upper
      prevBound = currBound
    }
    return full.hex()
  }
}

const KIND_OK = (k: unknown): k is number =>
  Number.isInteger(k) && (k as number) >= 0 && (k as number) <= 65535

/**
 * The (created_at, id) of every stored event matching `filter` (its `limit` is ignored: NIP-77 syncs the
 * whole set). Kinds and time bounds narrow the SQL scan; the rest of the filter is matched as NIP-01 does.
 * Throws `blocked:` past `maxRecords`.
 */
export function relayItems(
  db: Database.Database,
  filter: Filter,
  maxRecords = MAX_RECORDS,
): { created_at: number; id: string }[] {
  const where: string[] = []
  const params: number[] = []
  if (filter.kinds) {
    if (!filter.kinds.every(KIND_OK)) throw new Error('invalid: kinds must be integers')
    where.push(`kind IN (${filter.kinds.map(() => '?').join(',') || 'NULL'})`)
    params.push(...filter.kinds)
  }
  for (const [bound, op] of [
    [filter.since, '>='],
    [filter.until, '<='],
  ] as const) {
    if (typeof bound !== 'number') continue
    where.push(`created_at ${op} ?`)
    params.push(bound)
  }
  const needsTags = Object.keys(filter).some((k) => k.startsWith('#'))
  const match: Filter = { ...filter }
  delete match.limit
  const rows = db
    .prepare(
      `SELECT id, pubkey, kind, created_at${needsTags ? ', tags' : ''} FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
    )
    .iterate(...params) as IterableIterator<{
    id: string
    pubkey: string
    kind: number
    created_at: number
    tags?: string
  }>
  const out: { created_at: number; id: string }[] = []
  for (const r of rows) {
    const ev = {
      id: r.id,
      pubkey: r.pubkey,
      kind: r.kind,
      created_at: r.created_at,
      tags: r.tags ? (JSON.parse(r.tags) as string[][]) : [],
    }
    if (!matchFilter(match, ev as never)) continue
    out.push({ created_at: r.created_at, id: r.id })
    if (out.length > maxRecords) {
      rows.return?.()
      throw new Error('blocked: this query matches too many events to sync')
    }
  }
  return out
}

export interface NegentropyHandler {
  /** Handle a NEG-* frame from `conn` (true), or leave any other frame to the relay (false). */
  handle(conn: object, frame: unknown, send: (msg: unknown[]) => void): boolean
}

/** NEG-OPEN / NEG-MSG / NEG-CLOSE over the relay's store, one session per (connection, subscription id). */
export function createNegentropyHandler(
  db: Database.Database,
  opts: { maxRecords?: number } = {},
): NegentropyHandler {
  const sessions = new WeakMap<object, Map<string, NegentropyResponder>>()
  return {
    handle(conn, frame, send) {
      if (!Array.isArray(frame) || typeof frame[0] !== 'string' || !frame[0].startsWith('NEG-'))
        return false
      const [type, subId] = frame as [string, unknown]
      if (typeof subId !== 'string' || subId.length === 0 || subId.length > 64) {
        send(['NOTICE', `invalid: ${type} needs a subscription id of 1 to 64 characters`])
        return true
      }
      let mine = sessions.get(conn)
      if (!mine) sessions.set(conn, (mine = new Map()))
      try {
        if (type === 'NEG-CLOSE') {
          mine.delete(subId)
        } else if (type === 'NEG-OPEN') {
          mine.delete(subId) // NIP-77: an open with a used id replaces that session
          const filter = frame[2]
          if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
            throw new Error('invalid: NEG-OPEN needs a filter object')
          const msg = frame[3]
          messageBytes(msg)
          const responder = new NegentropyResponder(
            storageOf(relayItems(db, filter as Filter, opts.maxRecords)),
          )
          const reply = responder.respond(msg as string)
          if (mine.size >= MAX_SESSIONS) mine.delete(mine.keys().next().value as string)
          mine.set(subId, responder)
          send(['NEG-MSG', subId, reply])
        } else if (type === 'NEG-MSG') {
          const responder = mine.get(subId)
          if (!responder) throw new Error('closed: no open negentropy session with this id')
          send(['NEG-MSG', subId, responder.respond(frame[2] as string)])
        } else {
          send(['NOTICE', `invalid: unknown message type ${type}`])
        }
      } catch (e) {
        mine.delete(subId)
        const text = e instanceof Error ? e.message : String(e)
        send([
          'NEG-ERR',
          subId,
          /^(blocked|closed|invalid|error): /.test(text) ? text : `invalid: ${text}`,
        ])
      }
      return true
    },
  }
}
