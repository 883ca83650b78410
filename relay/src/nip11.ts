/**
 * NIP-11 relay information document and the relay port's plain HTTP answers.
 *
 * Shape and field meanings from the NIP text: nostr-protocol/nips, 11.md at commit
 * 07eaf64197676100355da6e1c434fa904a6b1789 ("Relay Information Document": name, description, pubkey,
 * contact, supported_nips, software (a URL), version; `limitation` with max_message_length,
 * max_subscriptions, max_filters, max_limit, max_subid_length, max_event_tags, max_content_length,
 * auth_required, payment_required, restricted_writes, created_at_lower_limit, created_at_upper_limit;
 * "Relays MUST accept CORS requests by sending Access-Control-Allow-Origin, Access-Control-Allow-Headers,
 * and Access-Control-Allow-Methods headers"). Every limit listed is one `market-relay.ts` enforces.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { EVENT_LIMITS, MAX_FUTURE_SEC } from '@zapcade/shared/events/event'
import { CLIENT_MESSAGE_LIMITS } from './client-message.ts'

/** What the relay enforces; the NIP-11 `limitation` object is built from it. */
export interface RelayLimits {
  /** Largest WebSocket frame read, bytes (ws `maxPayload`). */
  maxMessageLength: number
  /** Open subscriptions per connection; one more REQ gets `CLOSED "error: too many subscriptions …"`. */
  maxSubscriptions: number
  /** Filters in one REQ. */
  maxFilters: number
  /** A filter's `limit` is clamped to this (at most 1,000, the store's own ceiling); without `limit` a
   * filter gets the store's default of 100. */
  maxLimit: number
  maxSubidLength: number
  maxEventTags: number
  /** Content size; counted in UTF-8 bytes (so no more characters than this either). */
  maxContentLength: number
  /** Refuse events older than now minus this many seconds; undefined = no lower bound (backdated
   * releases and imports must be accepted whatever their age). */
  createdAtLowerLimit?: number
  /** Refuse events dated more than this many seconds ahead (the indexer's own bound is 10 minutes). */
  createdAtUpperLimit: number
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxMessageLength: 512 * 1024,
  maxSubscriptions: 20,
  maxFilters: 50,
  maxLimit: 1000,
  maxSubidLength: CLIENT_MESSAGE_LIMITS.maxSubscriptionIdLength,
  maxEventTags: EVENT_LIMITS.maxTags,
  maxContentLength: EVENT_LIMITS.maxContentBytes,
  createdAtUpperLimit: MAX_FUTURE_SEC,
}

export interface RelayInfoOptions {
  name?: string
  description?: string
  /** Administrative contact pubkey (64-char hex). */
  pubkey?: string
  /** Alternative contact URI (`mailto:…`, `https://…`). */
  contact?: string
  icon?: string
  /** URL of the relay software's homepage. */
  software?: string
  version?: string
}

/**
 * NIPs this relay implements (relay-side ones only, as NIP-11 asks): 1 (with the limits above), 9
 * (deletion, see nip09.ts), 11, 42 (AUTH). A module adding a relay feature pushes its number.
 */
export const SUPPORTED_NIPS: number[] = [1, 9, 11, 42]

/** The library the relay is built on; its homepage is the software URL we can honestly give. */
const ENGINE = { software: 'https://github.com/CodyTseng/nostr-relay', version: '0.0.40' }

export interface RelayInformation {
  name: string
  description: string
  pubkey?: string
  contact?: string
  icon?: string
  supported_nips: number[]
  software: string
  version: string
  limitation: Record<string, number | boolean>
}

export function relayInformation(
  info: RelayInfoOptions,
  limits: RelayLimits,
  flags: { authRequired: boolean },
): RelayInformation {
  const doc: RelayInformation = {
    name: info.name ?? 'Zapcade market relay',
    description:
      info.description ??
      'The relay of a Zapcade game market: games, releases and build files (NIP-82 and kind 32267), ' +
        'deletions, profiles, and the market wallet traffic (NIP-47).',
    supported_nips: [...SUPPORTED_NIPS].sort((a, b) => a - b),
    software: info.software ?? ENGINE.software,
    version: info.version ?? `zapcade 0.1.0 (nostr-relay ${ENGINE.version})`,
    limitation: {
      max_message_length: limits.maxMessageLength,
      max_subscriptions: limits.maxSubscriptions,
      max_filters: limits.maxFilters,
      max_limit: limits.maxLimit,
      max_subid_length: limits.maxSubidLength,
      max_event_tags: limits.maxEventTags,
      max_content_length: limits.maxContentLength,
      auth_required: flags.authRequired,
      payment_required: false,
      restricted_writes: false,
      ...(limits.createdAtLowerLimit !== undefined
        ? { created_at_lower_limit: limits.createdAtLowerLimit }
        : {}),
      created_at_upper_limit: limits.createdAtUpperLimit,
    },
  }
  if (info.pubkey) doc.pubkey = info.pubkey
  if (info.contact) doc.contact = info.contact
  if (info.icon) doc.icon = info.icon
  return doc
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Accept, Content-Type',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
}

/** Whether an Accept header asks for the NIP-11 document. */
export function wantsRelayInfo(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => part.trim().split(';')[0]!.trim().toLowerCase() === 'application/nostr+json')
}

/**
 * Plain HTTP on the relay's port (a WebSocket upgrade never reaches this): the NIP-11 document for
 * `Accept: application/nostr+json`, 204 to a CORS preflight, a short text for anything else.
 */
export function answerHttp(req: IncomingMessage, res: ServerResponse, doc: RelayInformation): void {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...CORS, 'Access-Control-Max-Age': '86400' }).end()
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, {
      ...CORS,
      Allow: 'GET, HEAD, OPTIONS',
      'Content-Type': 'text/plain; charset=utf-8',
    })
    res.end('Method not allowed.\n')
    return
  }
  const body = wantsRelayInfo(req.headers.accept)
    ? { type: 'application/nostr+json', text: JSON.stringify(doc) }
    : {
        type: 'text/plain; charset=utf-8',
        text:
          `${doc.name}: a Nostr relay. Connect with a Nostr client over WebSocket at this address; ` +
          'send "Accept: application/nostr+json" for its NIP-11 information document.\n',
      }
  res.writeHead(200, {
    ...CORS,
    'Content-Type': body.type,
    'Content-Length': Buffer.byteLength(body.text),
    Vary: 'Accept',
  })
  res.end(req.method === 'HEAD' ? undefined : body.text)
}
