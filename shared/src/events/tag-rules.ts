/**
 * Small rules the event parsers of our profile share: kind, size limits, hex and coordinate tags.
 * Every function answers a Parsed with a reason that starts with the field (the indexer counts
 * rejections as `rejected:parse:<field>`).
 */
import { SLUG_RE, SLUG_RULE, isHex64 } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { EVENT_LIMITS, requiredTag, singleTag, type EventLimits, type NostrEvent } from './event.ts'
import { isVersion } from './semver.ts'

const utf8 = new TextEncoder()

/** UTF-8 length, without encoding when the string is surely short enough (≤ 3 bytes per UTF-16 unit). */
function fitsBytes(s: string, max: number): boolean {
  return s.length * 3 <= max || utf8.encode(s).length <= max
}

/** The kind is `kind` and the event is within EVENT_LIMITS (parsers may see events that skipped parseEventShape). */
export function checkKindAndLimits(
  ev: NostrEvent,
  kind: number,
  limits: EventLimits = EVENT_LIMITS,
): Parsed<true> {
  if (ev.kind !== kind) return fail(`kind: expected ${kind}, got ${ev.kind}`)
  if (!fitsBytes(ev.content, limits.maxContentBytes)) return fail('content: over 64 KiB')
  if (ev.tags.length > limits.maxTags) return fail(`tags: more than ${limits.maxTags} tags`)
  for (const t of ev.tags) {
    if (t.length === 0) return fail('tags: empty tag')
    if (t.length > limits.maxTagValues)
      return fail(`${t[0]}: tag with more than ${limits.maxTagValues} values`)
    for (const v of t)
      if (!fitsBytes(v, limits.maxTagValueBytes)) return fail(`${t[0]}: tag value over 1 KiB`)
  }
  return ok(true)
}

/** An optional singular tag whose value must be 64 lowercase hex; `what` names it in the reason. */
export function optionalHexTag(
  ev: NostrEvent,
  name: string,
  what: string,
): Parsed<string | undefined> {
  const t = singleTag(ev, name, false)
  if (!t.ok) return fail(`${name}: at most one ${name} tag`)
  if (t.value !== undefined && !isHex64(t.value))
    return fail(`${name}: ${what} must be 64 lowercase hex`)
  return t
}

/** A required singular tag whose value must be 64 lowercase hex. */
export function requiredHexTag(ev: NostrEvent, name: string, what: string): Parsed<string> {
  const t = singleTag(ev, name, true)
  if (!t.ok) return t
  if (!isHex64(t.value)) return fail(`${name}: ${what} must be 64 lowercase hex`)
  return ok(t.value as string)
}

/** A version as publishers write it: SemVer or a loose version that coerces (`1.0`, `v1.2.3`). */
export function checkVersion(field: string, value: string): Parsed<string> {
  if (!isVersion(value))
    return fail(
      `${field}: not a version (SemVer such as 1.2.3, or 1.0, v1.2.3), at most 64 characters`,
    )
  return ok(value)
}

/** A game's address (`d`, `i`): SLUG_RE, case kept. */
export function checkSlug(field: string, value: string): Parsed<string> {
  if (!SLUG_RE.test(value)) return fail(`${field}: slug must match ${SLUG_RULE}`)
  return ok(value)
}

/** The required `i` (game slug) and `version` tags of NIP-82 releases and build assets, checked in that order. */
export function requiredSlugAndVersion(ev: NostrEvent): Parsed<{ slug: string; version: string }> {
  const i = requiredTag(ev, 'i')
  if (!i.ok) return i
  const slug = checkSlug('i', i.value)
  if (!slug.ok) return slug
  const version = requiredTag(ev, 'version')
  if (!version.ok) return version
  const v = checkVersion('version', version.value)
  if (!v.ok) return v
  return ok({ slug: i.value, version: version.value })
}
