/**
 * The NIP-01 event and the tag helpers every parser uses. Parsers take an event whose id and signature
 * were already verified (the indexer verifies first, then parses) and never throw: they answer a reason.
 */
import { z } from 'zod'
import { fail, ok, type Parsed } from '../result.ts'

/** The seven NIP-01 fields; nothing else is kept (docs/architecture.md "Event profile", indexer rules). */
export interface NostrEvent {
  id: string
  pubkey: string
  created_at: number
  kind: number
  tags: string[][]
  content: string
  sig: string
}

/** An event before signing (what `build*` functions return; sign it with finalizeEvent or a signer). */
export interface UnsignedEvent {
  kind: number
  created_at: number
  tags: string[][]
  content: string
}

/** Limits as strfry's defaults (reliability catalogue A2): bigger events are dropped, not parsed. */
export const EVENT_LIMITS = {
  maxContentBytes: 64 * 1024,
  maxTags: 2000,
  maxTagValueBytes: 1024,
  maxTagValues: 16,
} as const

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)

/** zod shape of a NIP-01 event; strips unknown fields. */
export const nostrEventSchema = z.object({
  id: hex64,
  pubkey: hex64,
  created_at: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 40),
  kind: z.number().int().min(0).max(65535),
  tags: z.array(z.array(z.string())),
  content: z.string(),
  sig: z.string().regex(/^[0-9a-f]{128}$/),
})

const utf8 = new TextEncoder()

/** Events dated further ahead than this are refused by the indexer, the API and the relay (one could pin a listing). */
export const MAX_FUTURE_SEC = 600

export type EventLimits = { [K in keyof typeof EVENT_LIMITS]: number }

/** Check shape and size of an untrusted value; keep only the seven fields. */
export function parseEventShape(
  input: unknown,
  limits: EventLimits = EVENT_LIMITS,
): Parsed<NostrEvent> {
  const r = nostrEventSchema.safeParse(input)
  if (!r.success) {
    const issue = r.error.issues[0]
    return fail(`event: malformed ${issue ? issue.path.join('.') || 'event' : 'event'}`)
  }
  const ev = r.data
  if (ev.tags.length > limits.maxTags) return fail(`event: more than ${limits.maxTags} tags`)
  if (utf8.encode(ev.content).length > limits.maxContentBytes)
    return fail('event: content over 64 KiB')
  for (const tag of ev.tags) {
    if (tag.length === 0) return fail('event: empty tag')
    if (tag.length > limits.maxTagValues) return fail('event: tag with too many values')
    for (const v of tag)
      if (v.length > limits.maxTagValueBytes) return fail('event: tag value over 1 KiB')
  }
  return ok(ev)
}

/** Every tag named `name`. */
export function tagsNamed(ev: Pick<NostrEvent, 'tags'>, name: string): string[][] {
  return ev.tags.filter((t) => t[0] === name)
}

/** Every first value of tags named `name`. */
export function tagValues(ev: Pick<NostrEvent, 'tags'>, name: string): string[] {
  return tagsNamed(ev, name)
    .map((t) => t[1])
    .filter((v): v is string => typeof v === 'string')
}

/**
 * The one value of a singular tag. Absent → undefined (or a failure when required);
 * present twice → a failure ("duplicate singular tags rejected").
 */
export function singleTag(
  ev: Pick<NostrEvent, 'tags'>,
  name: string,
  required: boolean,
): Parsed<string | undefined> {
  const found = tagsNamed(ev, name)
  if (found.length > 1) return fail(`${name}: duplicate tag`)
  const tag = found[0]
  if (!tag) return required ? fail(`${name}: missing`) : ok(undefined)
  const value = tag[1]
  if (value === undefined) return fail(`${name}: tag has no value`)
  return ok(value)
}

/** Same as singleTag with required = true, narrowing to string. */
export function requiredTag(ev: Pick<NostrEvent, 'tags'>, name: string): Parsed<string> {
  const r = singleTag(ev, name, true)
  return r.ok ? ok(r.value as string) : r
}

/** Now in unix seconds from an injected clock in ms. */
export const toSec = (ms: number): number => Math.floor(ms / 1000)
