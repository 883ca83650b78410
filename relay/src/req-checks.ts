/**
 * The relay's own rules for a REQ, on top of the message shape (client-message.ts): NIP-01 answers a
 * refused REQ with `["CLOSED", <subscription id>, "<prefix>: <reason>"]`, so these name the id when it
 * can be read, and the filters' `limit` is clamped to the advertised `max_limit` (NIP-11).
 */
import type { Filter } from '@nostr-relay/common'
import type { RelayLimits } from './nip11.ts'

/** The subscription id of a REQ frame as sent, when it is a string (CLOSED can then name it). */
export function readableSubId(frame: unknown): string | undefined {
  return Array.isArray(frame) && frame[0] === 'REQ' && typeof frame[1] === 'string'
    ? frame[1]
    : undefined
}

/** Why a REQ frame breaks the relay's limits (a CLOSED reason), checked before the filters are parsed. */
export function reqLimitReason(
  frame: unknown[],
  limits: Pick<RelayLimits, 'maxFilters' | 'maxSubidLength'>,
): string | undefined {
  const id = frame[1]
  if (typeof id === 'string' && id.length === 0) return 'invalid: empty subscription id'
  if (typeof id === 'string' && id.length > limits.maxSubidLength)
    return `invalid: subscription id longer than ${limits.maxSubidLength} characters`
  const filters = frame.length - 2
  if (filters > limits.maxFilters)
    return `invalid: ${filters} filters, at most ${limits.maxFilters} per REQ`
  return undefined
}

/** Filters with `limit` clamped to `maxLimit` (NIP-11: the relay clamps silently and says so in max_limit). */
export function clampLimits(filters: Filter[], maxLimit: number): void {
  for (const f of filters) if (f.limit !== undefined && f.limit > maxLimit) f.limit = maxLimit
}
