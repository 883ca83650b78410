/**
 * Profile, kind 0 (NIP-01 metadata, NIP-24 extra fields): JSON content with `name`, `display_name`,
 * `picture`, `about`, `lud16` (NIP-57 / LUD-16), `nip05`. Real profiles are messy, so a bad field is
 * dropped and noted in `ignored` instead of refusing the profile; only content that is not a JSON
 * object is refused.
 */
import { Kind } from '../kinds.ts'
import { type EventId, type Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import type { NostrEvent, UnsignedEvent } from './event.ts'
import { isHttpUrl } from './game.ts'
import { checkKindAndLimits } from './tag-rules.ts'

export const PROFILE_KIND = Kind.Profile
const MAX_FIELD = 512
const MAX_ABOUT = 4096

/**
 * Loose `name@host` check for lud16 and nip05 (LUD-16 names are `a-z0-9-_.`; we also allow `+` and
 * upper case, and a port so the devnet's `name@127.0.0.1:8787` works).
 */
export const LN_ADDRESS_RE = /^[a-z0-9._+-]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?$/i

export interface Profile {
  eventId: EventId
  pubkey: Pubkey
  name: string | undefined
  /** `display_name` (NIP-24), else the deprecated `displayName`. */
  displayName: string | undefined
  picture: string | undefined
  about: string | undefined
  lud16: string | undefined
  nip05: string | undefined
  /** Fields present but dropped, each with its reason (e.g. `lud16: not name@domain`). */
  ignored: string[]
  createdAtSec: number
}

/** Parse a verified kind-0 event; a bad field is dropped into `ignored`, bad JSON is refused. */
export function parseProfile(ev: NostrEvent): Parsed<Profile> {
  const base = checkKindAndLimits(ev, PROFILE_KIND)
  if (!base.ok) return base
  let meta: unknown
  try {
    meta = JSON.parse(ev.content)
  } catch {
    return fail('content: not JSON')
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    return fail('content: not a JSON object')
  const m = meta as Record<string, unknown>
  const ignored: string[] = []

  const text = (
    key: string,
    max = MAX_FIELD,
    check?: (s: string) => string | undefined,
  ): string | undefined => {
    const v = m[key]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string') return void ignored.push(`${key}: not a string`)
    const s = v.trim()
    if (s.length === 0) return undefined
    if (s.length > max) return void ignored.push(`${key}: longer than ${max} characters`)
    const problem = check?.(s)
    if (problem) return void ignored.push(`${key}: ${problem}`)
    return s
  }
  const url = (s: string) => (isHttpUrl(s) ? undefined : 'not an http(s) URL')
  const address = (s: string) => (LN_ADDRESS_RE.test(s) ? undefined : 'not name@domain')

  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    name: text('name'),
    displayName: text('display_name') ?? text('displayName'),
    picture: text('picture', MAX_FIELD, url),
    about: text('about', MAX_ABOUT),
    lud16: text('lud16', MAX_FIELD, address),
    nip05: text('nip05', MAX_FIELD, address),
    ignored,
    createdAtSec: ev.created_at,
  })
}

export interface ProfileInput {
  name?: string | undefined
  displayName?: string | undefined
  picture?: string | undefined
  about?: string | undefined
  lud16?: string | undefined
  nip05?: string | undefined
  createdAtSec: number
}

/** Make the unsigned kind-0 event (e.g. the market's profile carrying its `lud16` for zaps). */
export function buildProfile(p: ProfileInput): UnsignedEvent {
  const meta: Record<string, string> = {}
  if (p.name !== undefined) meta['name'] = p.name
  if (p.displayName !== undefined) meta['display_name'] = p.displayName
  if (p.picture !== undefined) meta['picture'] = p.picture
  if (p.about !== undefined) meta['about'] = p.about
  if (p.lud16 !== undefined) meta['lud16'] = p.lud16
  if (p.nip05 !== undefined) meta['nip05'] = p.nip05
  return { kind: PROFILE_KIND, created_at: p.createdAtSec, tags: [], content: JSON.stringify(meta) }
}
