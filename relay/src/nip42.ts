/**
 * NIP-42 client authentication for the market relay. The relay sends `["AUTH", <challenge>]` when a
 * connection opens; a client may answer `["AUTH", <kind-22242 event>]` at any time and gets an OK. The
 * checks are the NIP's list: kind 22242, `created_at` within 10 minutes of now, the `challenge` tag
 * equal to this connection's challenge, the `relay` tag naming this relay's host (the NIP allows
 * comparing the domain only), and a valid id and signature (shared's event-sig). An auth event is never
 * stored nor broadcast.
 */
import { randomBytes } from 'node:crypto'
import { computeEventId, verifyEventSignature } from '@zapcade/shared/crypto/event-sig'
import type { Event } from '@nostr-relay/common'

export const AUTH_KIND = 22242
export const AUTH_WINDOW_SEC = 600

/** A fresh challenge for one connection (unguessable, so a signed answer cannot be prepared ahead). */
export function newChallenge(): string {
  return randomBytes(16).toString('hex')
}

const tagValue = (ev: Event, name: string) => ev.tags.find((t) => t[0] === name)?.[1]

/** The host (name and port) of a relay URL, or undefined when it does not parse. */
export function relayHost(url: string): string | undefined {
  try {
    const u = new URL(url)
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(u.protocol)) return undefined
    return u.host.toLowerCase()
  } catch {
    return undefined
  }
}

/**
 * Why `ev` does not authenticate this connection (an OK-false reason with its NIP-01 prefix), or
 * undefined when it does. `hosts` are the `host[:port]` values this relay answers to: the upgrade
 * request's Host header and the configured public URL's host.
 */
export function authEventReason(
  ev: Event,
  challenge: string,
  hosts: readonly string[],
  nowSec: number,
): string | undefined {
  if (ev.kind !== AUTH_KIND) return `invalid: an AUTH event must be of kind ${AUTH_KIND}`
  if (Math.abs(ev.created_at - nowSec) > AUTH_WINDOW_SEC)
    return 'invalid: created_at is not within 10 minutes of now'
  if (tagValue(ev, 'challenge') !== challenge)
    return 'invalid: the challenge tag does not match this connection'
  const host = relayHost(tagValue(ev, 'relay') ?? '')
  // Host names only (the NIP: checking the domain is enough); a proxy in front may change the port.
  const name = (h: string) => h.replace(/:\d+$/, '')
  const hostMatches = host !== undefined && hosts.some((h) => name(h) === name(host))
  if (!hostMatches) return 'invalid: the relay tag does not name this relay'
  if (computeEventId(ev) !== ev.id) return 'invalid: bad event id'
  if (!verifyEventSignature(ev)) return 'invalid: bad signature'
  return undefined
}
