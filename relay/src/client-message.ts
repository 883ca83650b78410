/**
 * NIP-01 client messages (EVENT, REQ, CLOSE, AUTH) checked by hand instead of by @nostr-relay/validator
 * 0.0.40: its zod union cost ~15% of the relay thread's CPU in the payments benchmark (every failing
 * union branch builds issues and error maps), and it JSON.parsed each frame a second time.
 * `parseClientMessage` accepts exactly what `new Validator().validateIncomingMessage` accepts with its
 * default options and returns the same value: a fresh message whose events and filters carry only the
 * keys the library's schemas know (unknown keys are dropped, as zod's default `strip` does). Errors use
 * the library's wording (`invalid: <reason> at "<path>"`) for the first problem found, so the relay's
 * NOTICE/OK reasons stay the same, except where the library listed every failed zod union branch.
 */
import type { Event, Filter, IncomingMessage, IncomingReqMessage } from '@nostr-relay/common'

/** The library's `Validator.defaultOptions()`, which the relay used. */
export const CLIENT_MESSAGE_LIMITS = {
  maxTagValueLength: 1024,
  maxNumberOfTags: 2000,
  maxContentLength: 100 * 1024,
  maxSubscriptionIdLength: 128,
  maxFilterIdsLength: 1000,
  maxFilterAuthorsLength: 1000,
  maxFilterKindsLength: 20,
  maxFilterGenericTagsLength: 256,
  maxFilterSearchStringLength: 256,
} as const

const L = CLIENT_MESSAGE_LIMITS
const HEX = /^[0-9a-f]+$/
/** The library's filter keys in its schema's order (NIP-ND `&x` keys are off by default, so dropped). */
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const TAG_FILTER_KEYS: readonly string[] = Array.from(LETTERS, (c) => `#${c}`)

type Path = ReadonlyArray<string | number>
type Obj = Record<string, unknown>

/** An invalid client message; `message` reads like the library's (zod-validation-error) messages. */
export class ClientMessageError extends Error {
  override name = 'ClientMessageError'
}

/** zod-validation-error's path style: `index 1` for a top-level item, else `"[1].tags[0][0]"`. */
function where(path: Path): string {
  if (path.length === 0) return ''
  if (path.length === 1 && typeof path[0] === 'number') return ` at index ${path[0]}`
  const joined = path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('')
  return ` at "${joined}"`
}

function fail(reason: string, path: Path): never {
  throw new ClientMessageError(`invalid: ${reason}${where(path)}`)
}

/** Fail with the reason a check found (undefined = fine) at `path` plus up to two keys; the path is
 * only built on failure, so a valid message allocates nothing here. */
function check(reason: string | undefined, path: Path, a?: string | number, b?: number): void {
  if (reason === undefined) return
  const full = [...path]
  if (a !== undefined) full.push(a)
  if (b !== undefined) full.push(b)
  fail(reason, full)
}

/** zod's parsed-type names, for its "Expected x, received y" messages. */
function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

// Each `…Reason` answers why a value fails one of the library's schemas, or undefined if it passes.
// A missing key reads "Required" (zod's message for undefined), a wrong type the schema's own text.

function typeReason(expected: 'array' | 'object', v: unknown): string {
  return v === undefined ? 'Required' : `Expected ${expected}, received ${typeName(v)}`
}

function stringReason(v: unknown): string | undefined {
  if (typeof v === 'string') return undefined
  return v === undefined ? 'Required' : 'must be a string'
}

/** HexStringSchema.length(n): the regex is checked first, so 'zz' reads "must be a hex string". */
function hexReason(v: unknown, length: number): string | undefined {
  if (typeof v !== 'string') return stringReason(v)
  if (!HEX.test(v)) return 'must be a hex string'
  return v.length === length ? undefined : `must be ${length} characters`
}

/** TimestampInSecSchema, EventKindSchema and filter `limit` share one rule: an integer ≥ 0. */
function naturalReason(v: unknown): string | undefined {
  if (typeof v !== 'number' || Number.isNaN(v))
    return v === undefined ? 'Required' : 'must be a number'
  if (!Number.isInteger(v)) return 'must be an integer'
  return v < 0 ? 'must be greater than or equal to 0' : undefined
}

function maxStringReason(v: unknown, max: number, unit: string): string | undefined {
  const r = stringReason(v)
  if (r !== undefined) return r
  return (v as string).length > max ? `must be less than or equal to ${max} ${unit}` : undefined
}

function subscriptionIdReason(v: unknown): string | undefined {
  const r = stringReason(v)
  if (r !== undefined) return r
  const s = v as string
  if (s.length < 1) return 'must be at least 1 character'
  return s.length > L.maxSubscriptionIdLength
    ? `must be less than or equal to ${L.maxSubscriptionIdLength} characters`
    : undefined
}

function checkTags(v: unknown, parent: Path, key: string): string[][] {
  const path = [...parent, key]
  if (!Array.isArray(v)) fail(typeReason('array', v), path)
  if (v.length > L.maxNumberOfTags)
    fail(`must less than or equal to ${L.maxNumberOfTags} tags`, path)
  for (let i = 0; i < v.length; i++) {
    const tag: unknown = v[i]
    if (!Array.isArray(tag)) return fail(typeReason('array', tag), [...path, i])
    for (let j = 0; j < tag.length; j++) check(stringReason(tag[j]), path, i, j)
    // The library limits only the value of single-letter (indexable) tags, and of tags named ''.
    if (
      tag.length > 1 &&
      (tag[0] as string).length <= 1 &&
      (tag[1] as string).length > L.maxTagValueLength
    )
      fail(`tag value must be less than ${L.maxTagValueLength} chars`, [...path, i])
  }
  return v as string[][]
}

/** createEventSchema: the seven NIP-01 fields in the library's order; any other key is dropped. */
export function parseEvent(v: unknown, path: Path = []): Event {
  if (!isObject(v)) fail(typeReason('object', v), path)
  check(hexReason(v.id, 64), path, 'id')
  check(hexReason(v.pubkey, 64), path, 'pubkey')
  check(naturalReason(v.created_at), path, 'created_at')
  check(naturalReason(v.kind), path, 'kind')
  const tags = checkTags(v.tags, path, 'tags')
  check(maxStringReason(v.content, L.maxContentLength, 'chars'), path, 'content')
  check(hexReason(v.sig, 128), path, 'sig')
  return {
    id: v.id as string,
    pubkey: v.pubkey as string,
    created_at: v.created_at as number,
    kind: v.kind as number,
    tags,
    content: v.content as string,
    sig: v.sig as string,
  }
}

interface ListRule {
  min?: number
  max: number
  unit: string
  item: (x: unknown) => string | undefined
}

/** An array filter field: its own length bounds first (as zod does), then each item. */
function checkList(v: unknown, rule: ListRule, path: Path, key: string): unknown[] {
  if (!Array.isArray(v)) return fail(typeReason('array', v), [...path, key])
  if (rule.min !== undefined && v.length < rule.min)
    fail(`must be greater than or equal to ${rule.min} ${rule.unit}`, [...path, key])
  if (v.length > rule.max)
    fail(`must be less than or equal to ${rule.max} ${rule.unit}`, [...path, key])
  for (let i = 0; i < v.length; i++) check(rule.item(v[i]), path, key, i)
  return v
}

const hex64Reason = (x: unknown) => hexReason(x, 64)
const IDS: ListRule = { max: L.maxFilterIdsLength, unit: 'ids', item: hex64Reason }
const AUTHORS: ListRule = { max: L.maxFilterAuthorsLength, unit: 'authors', item: hex64Reason }
const KINDS: ListRule = { max: L.maxFilterKindsLength, unit: 'kinds', item: naturalReason }
const TAG_VALUES: ListRule = {
  min: 1,
  max: L.maxFilterGenericTagsLength,
  unit: 'tagValues',
  item: (x) => maxStringReason(x, L.maxTagValueLength, 'characters'),
}

/** createFilterSchema (all keys optional); any key it does not name (`&e`, `#ab`, `foo`) is dropped. */
export function parseFilter(v: unknown, path: Path = []): Filter {
  if (!isObject(v)) fail(typeReason('object', v), path)
  const out: Obj = {}
  // `!== undefined` is zod's "key present" here: JSON has no undefined values.
  if (v.ids !== undefined) out.ids = checkList(v.ids, IDS, path, 'ids')
  if (v.authors !== undefined) out.authors = checkList(v.authors, AUTHORS, path, 'authors')
  if (v.kinds !== undefined) out.kinds = checkList(v.kinds, KINDS, path, 'kinds')
  for (const key of ['since', 'until', 'limit'] as const) {
    if (v[key] === undefined) continue
    check(naturalReason(v[key]), path, key)
    out[key] = v[key]
  }
  if (v.search !== undefined) {
    check(maxStringReason(v.search, L.maxFilterSearchStringLength, 'chars'), path, 'search')
    out.search = v.search
  }
  for (const key of TAG_FILTER_KEYS) {
    if (v[key] !== undefined) out[key] = checkList(v[key], TAG_VALUES, path, key)
  }
  return out as Filter
}

/** EVENT, CLOSE and AUTH are two-item tuples (REQ has its filters after its two). */
function checkPair(msg: unknown[]): void {
  if (msg.length > 2) fail('Array must contain at most 2 element(s)', [])
}

/**
 * One decoded client frame (the value of JSON.parse) as the library's IncomingMessage, or a
 * ClientMessageError saying why the library would refuse it.
 */
export function parseClientMessage(frame: unknown): IncomingMessage {
  if (!Array.isArray(frame)) fail(typeReason('array', frame), [])
  if (frame.length < 2) fail('Array must contain at least 2 element(s)', [])
  const verb: unknown = frame[0]
  switch (verb) {
    case 'EVENT':
    case 'AUTH':
      checkPair(frame)
      return [verb, parseEvent(frame[1], [1])]
    case 'CLOSE':
      checkPair(frame)
      check(subscriptionIdReason(frame[1]), [1])
      return ['CLOSE', frame[1] as string]
    case 'REQ': {
      check(subscriptionIdReason(frame[1]), [1])
      const req: IncomingReqMessage = ['REQ', frame[1] as string]
      for (let i = 2; i < frame.length; i++) req.push(parseFilter(frame[i], [i]))
      return req
    }
    default:
      return fail('unknown message type (expected "EVENT", "REQ", "CLOSE" or "AUTH")', [0])
  }
}

/**
 * A WebSocket frame's text, as the library's `prepareData` read it: ws hands the relay a Buffer
 * (binaryType 'nodebuffer'); the other forms are decoded as UTF-8 text too.
 */
export function frameText(data: string | Buffer | ArrayBuffer | Buffer[]): string {
  if (typeof data === 'string') return data
  if (Array.isArray(data)) return Buffer.concat(data).toString()
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString()
  return data.toString()
}
