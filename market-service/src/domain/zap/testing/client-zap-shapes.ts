/**
 * Zap requests (NIP-57 kind 9734) and LNURL callback query strings shaped exactly as real Nostr clients build
 * them, written from each client's public source. Each builder signs a fresh request with `finalizeEvent` and
 * returns the query string the client appends to the LNURL `callback` (after `?`), in the client's parameter
 * order, JSON key order and percent-encoding. See CLIENT-SHAPES.md next to this file for the summary table.
 *
 * Shared facts the server must live with (all confirmed in the sources quoted below):
 * - the `nostr` value is hashed as received: clients serialise keys in different orders (Damus's order even
 *   changes per app launch), so the server must never re-serialise the event;
 * - three query encodings are in use: RFC 3986 "query item" (Damus, `+` stays literal), form encoding
 *   (Amethyst, NDK, noStrudel: space becomes `+`, a literal `+` becomes `%2B`) and `encodeURIComponent`
 *   (Primal, nostr-tools users); the NIP-57 text itself shows `encodeURI` (leaves `&`, `+`, `#` raw);
 * - `amount` tag: absent in Damus; `p`: the note author in Damus, Primal and nostr-tools (no split support).
 */
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure'
import type { NostrEvent } from '@zapcade/shared/events/event'

/** The event being zapped, as the client holds it. */
export interface ZapTargetEvent {
  id: string
  pubkey: string
  kind: number
  tags: string[][]
}

export interface ClientZapInput {
  /** The zapper's secret key (anonymous zaps ignore it and sign with a throwaway key, as the clients do). */
  sk: Uint8Array
  /** Who the client zaps: the split recipient for split-aware clients, the profile for profile zaps. */
  recipientPubkey: string
  /** The zapped event; undefined for a profile zap. */
  target: { event: ZapTargetEvent } | undefined
  amountMsat: number
  /** Relays the receipt should reach (e.g. the test relays); each client adds or trims relays its own way. */
  relays: string[]
  /** The zap comment (the request's `content`). */
  comment: string
  /** The recipient's LNURL as bech32 (`lnurl1...`). */
  lnurl: string
  /** The LNURL `callback` URL; NDK writes it into the `lnurl` tag. Defaults to `lnurl` when absent. */
  callbackUrl?: string
  /** `created_at` to sign with; defaults to now. */
  createdAt?: number
}

export interface ClientZap {
  event: NostrEvent
  /** What the client puts after `?` on the callback URL. */
  callbackQuery: string
  /** The exact `nostr` value before percent-encoding (the string the invoice description must hash). */
  nostrJson: string
}

type EventKey = keyof NostrEvent

const nowSec = (): number => Math.floor(Date.now() / 1000)

function sign(input: ClientZapInput, tags: string[][], sk: Uint8Array = input.sk): NostrEvent {
  const e = finalizeEvent(
    { kind: 9734, created_at: input.createdAt ?? nowSec(), content: input.comment, tags },
    sk,
  )
  return {
    id: e.id,
    pubkey: e.pubkey,
    created_at: e.created_at,
    kind: e.kind,
    tags: e.tags,
    content: e.content,
    sig: e.sig,
  }
}

/** JSON of the event with its keys in the given order (clients differ; the id does not depend on it). */
function jsonInOrder(event: NostrEvent, order: EventKey[]): string {
  const o: Record<string, unknown> = {}
  for (const k of order) o[k] = event[k]
  return JSON.stringify(o)
}

const hex = (b: number): string => '%' + b.toString(16).toUpperCase().padStart(2, '0')

/** Percent-encode every UTF-8 byte whose ASCII character is not in `keep`. */
function percentEncode(s: string, keep: RegExp): string {
  let out = ''
  for (const ch of s) {
    if (keep.test(ch)) out += ch
    else for (const b of new TextEncoder().encode(ch)) out += hex(b)
  }
  return out
}

/**
 * Foundation's `URLComponents.queryItems` setter (swift-foundation URLParser.swift, `queryItemAllowed =
 * queryAllowed.subtracting("=&")`, mask 0x47fffffe87ffffff8fffff9200000000): keeps
 * `!$'()*+,-./0-9:;?@A-Z_a-z~`, so a `+` in the JSON stays a literal `+`.
 */
export function foundationQueryItemEncode(s: string): string {
  return percentEncode(s, /^[A-Za-z0-9!$'()*+,\-./:;?@_~]$/)
}

/** `java.net.URLEncoder.encode(s, "utf-8")`: keeps `A-Za-z0-9.-*_`, space becomes `+`. */
export function javaUrlEncode(s: string): string {
  return percentEncode(s, /^[A-Za-z0-9.\-*_ ]$/).replaceAll(' ', '+')
}

const NOSTR_TOOLS_ORDER: EventKey[] = [
  'kind',
  'created_at',
  'content',
  'tags',
  'pubkey',
  'id',
  'sig',
]

/**
 * Damus (iOS), damus-io/damus @ 9d287c7cc7f6835b5d7b57a7bea348cc385dee9a.
 * damus/Core/Nostr/NostrEvent+.swift `make_zap_request_event` / `zap_target_to_tags`:
 *   case .note(let note_target): return [["e", note_target.note_id.hex()], ["p", note_target.author.hex()]]
 *   var relay_tag = ["relays"]; relay_tag.append(contentsOf: relays.map { $0.url.absoluteString })
 *   case .anon: tags.append(["anon"]); kp = generate_new_keypair()
 * No `amount`, `a`, `k` or `lnurl` tag; `p` is the note's author (no zap-split support).
 * damus/Features/Zaps/Views/NoteZapButton.swift `send_zap`:
 *   let relays = Array(await damus_state.nostrNetwork.ourRelayDescriptors.prefix(10))
 * damus/Features/Zaps/Models/Zap.swift `fetch_zap_invoice`:
 *   var query = [URLQueryItem(name: "amount", value: "\(msats)")]
 *   query.append(URLQueryItem(name: "nostr", value: json))
 *   if zap_type != .priv, let comment, let limit = payreq.commentAllowed, limit != 0 { ... "comment" ... }
 *   base_url.queryItems = query            // replaces any query the callback URL already had
 * damus/Core/Nostr/NostrEvent.swift `encode_json`: JSONEncoder with `.withoutEscapingSlashes`; nostrdb/NdbNote.swift
 * `encode(to:)` writes id, sig, pubkey, created_at, kind, content, tags, but swift-foundation's JSONEncoder keeps
 * objects in a Swift `[String: JSONEncoderValue]` dictionary (JSONEncoder.swift `case object(...)`), whose order
 * is seeded per process: the key order changes between app launches. This fixture uses one such order.
 * The comment is sent twice (content and LUD-12 `comment`) when the pay request allows comments; a quick zap
 * sends no comment (`comment: nil`), pass `comment: ''` for that.
 */
export function damusZap(input: ClientZapInput, opts: { anon?: boolean } = {}): ClientZap {
  const tags: string[][] = input.target
    ? [
        ['e', input.target.event.id],
        ['p', input.target.event.pubkey],
      ]
    : [['p', input.recipientPubkey]]
  tags.push(['relays', ...input.relays.slice(0, 10)])
  if (opts.anon) tags.push(['anon'])
  const event = sign(input, tags, opts.anon ? generateSecretKey() : input.sk)
  const nostrJson = jsonInOrder(event, [
    'kind',
    'content',
    'tags',
    'sig',
    'id',
    'pubkey',
    'created_at',
  ])
  const q = [`amount=${input.amountMsat}`, `nostr=${foundationQueryItemEncode(nostrJson)}`]
  if (input.comment !== '') q.push(`comment=${foundationQueryItemEncode(input.comment)}`)
  return { event, nostrJson, callbackQuery: q.join('&') }
}

/** Damus's anonymous zap: `["anon"]` with no value, signed by a fresh throwaway key (NostrEvent+.swift). */
export function damusAnonZap(input: ClientZapInput): ClientZap {
  return damusZap(input, { anon: true })
}

/** Amethyst's relay URLs: quartz RelayUrlNormalizer always ends a host-only URL with `/`. */
function amethystRelay(url: string): string {
  return /^wss?:\/\/[^/]+$/i.test(url) ? `${url}/` : url
}

/**
 * Amethyst (Android), vitorpamplona/amethyst @ 10149d7150bc4ee93d3da5e3708802a99e9e1ff9.
 * quartz/src/commonMain/kotlin/com/vitorpamplona/quartz/nip57Zaps/LnZapRequestEvent.kt `create(zappedEvent, ...)`:
 *   arrayOf("e", zappedEvent.id), arrayOf("p", toUserPubHex ?: zappedEvent.pubKey),
 *   arrayOf("relays") + relays.map { it.url }, KindTag.assemble(zappedEvent.kind),
 *   if (zappedEvent is AddressableEvent) tags + listOf(ATag.assemble(zappedEvent.address(), null))
 *   ... arrayOf("amount", amountMillisats.toString()) ... arrayOf("lnurl", lnurl)
 * amethyst/.../service/ZapPaymentHandler.kt: zap-split aware (`noteEvent?.zapSplitSetup()`, `toUser = next.user`,
 *   `splitAmount = calculateZapValue(...)` rounded to whole sats, `LnurlForm.toUrl(next.lnAddress)?.let(
 *   LnurlForm::urlToBech32)` = lowercase bech32 of the split recipient's LNURL-pay URL); relays are NIP-65 inbox
 *   relays, `NormalizedRelayUrl` (`wss://nostr.mom/`, trailing slash).
 * amethyst/.../service/lnurl/LightningAddressResolver.kt `fetchLightningInvoice`:
 *   val encodedMessage = URLEncoder.encode(message, "utf-8")
 *   var url = "$lnCallback${urlBinder}amount=$milliSats&comment=$encodedMessage"
 *   url += "&nostr=$encodedNostrRequest"    // URLEncoder.encode(nostrRequest.toJson(), "utf-8")
 * quartz/src/jvmAndroid/.../nip01Core/jackson/EventSerializer.kt: id, pubkey, created_at, kind, tags, content, sig.
 * `comment=` is always sent, even empty. `p` is `recipientPubkey` (the split's user, else the author).
 */
export function amethystZap(input: ClientZapInput, opts: { anon?: boolean } = {}): ClientZap {
  const relays = input.relays.map(amethystRelay)
  let tags: string[][]
  if (input.target) {
    const t = input.target.event
    tags = [
      ['e', t.id],
      ['p', input.recipientPubkey],
      ['relays', ...relays],
      ['k', String(t.kind)],
    ]
    const d = t.tags.find((x) => x[0] === 'd')?.[1]
    if (t.kind >= 30000 && t.kind < 40000 && d !== undefined)
      tags.push(['a', `${t.kind}:${t.pubkey}:${d}`])
  } else {
    tags = [
      ['p', input.recipientPubkey],
      ['relays', ...relays],
    ]
  }
  if (input.amountMsat > 0) tags.push(['amount', String(input.amountMsat)])
  if (input.lnurl !== '') tags.push(['lnurl', input.lnurl.toLowerCase()])
  if (opts.anon) tags.push(['anon'])
  const event = sign(input, tags, opts.anon ? generateSecretKey() : input.sk)
  const nostrJson = jsonInOrder(event, [
    'id',
    'pubkey',
    'created_at',
    'kind',
    'tags',
    'content',
    'sig',
  ])
  const callbackQuery = `amount=${input.amountMsat}&comment=${javaUrlEncode(input.comment)}&nostr=${javaUrlEncode(nostrJson)}`
  return { event, nostrJson, callbackQuery }
}

/**
 * Primal's connected relays as its web app holds them: nostr-tools `normalizeURL` (trailing `/`) of every
 * relay it is connected to. The duplicates are not produced by the source at the commit below (the
 * `RELAY_OPENED` handler skips an exact match); they stand for the duplicates seen in real Primal requests.
 */
export const PRIMAL_CONNECTED_RELAYS: readonly string[] = [
  'wss://relay.primal.net/',
  'wss://relay.damus.io/',
  'wss://nos.lol/',
  'wss://nostr.wine/',
  'wss://relay.nostr.band/',
  'wss://relay.snort.social/',
  'wss://nostr.mom/',
  'wss://purplepag.es/',
  'wss://relay.nostr.bg/',
  'wss://nostr.bitcoiner.social/',
  'wss://nostr-pub.wellorder.net/',
  'wss://offchain.pub/',
  'wss://relay.current.fyi/',
  'wss://nostr.oxtr.dev/',
  'wss://eden.nostr.land/',
  'wss://nostr.land/',
  'wss://relay.nostrplebs.com/',
  'wss://atlas.nostr.land/',
  'wss://relay.mostr.pub/',
  'wss://nostr.fmt.wiz.biz/',
  'wss://premium.primal.net/',
  'wss://relay.nostr.net/',
  'wss://relay.damus.io/',
  'wss://nos.lol/',
]

/**
 * Primal web, PrimalHQ/primal-web-app @ 0d78b2e1a89782cdc838ef3fe7eaa75c3a285024, src/lib/zap.ts `zapNote`:
 *   let payload = { pubkey: note.pubkey, event: note.msg, amount: sats, relays };   // sats = amount * 1000
 *   const zapReq = nip57.makeZapRequest(payload);                                   // nostr-tools 2.17.0
 *   const event = encodeURIComponent(JSON.stringify(signedEvent));
 *   await fetch(`${callback}?amount=${sats}&nostr=${event}`)
 * Called with `accountStore.activeRelays` (NoteFooter.tsx): every relay the app is connected to, pushed by
 * relayWorker.ts `relayPool.ensureRelay(url).then(r => postMessage({ type: 'RELAY_OPENED', relay: r.url }))`,
 * i.e. nostr-tools-normalised URLs with a trailing slash; none at all (`["relays"]`) when proxying through Primal.
 * `p` is the note's author (`'pubkey' in params`), no zap-split support, no `lnurl` tag or parameter.
 */
export function primalZap(input: ClientZapInput): ClientZap {
  const t = input.target?.event
  const tags = nostrToolsTags(
    t?.pubkey ?? input.recipientPubkey,
    input.amountMsat,
    [...input.relays, ...PRIMAL_CONNECTED_RELAYS],
    t,
  )
  const event = sign(input, tags)
  const nostrJson = jsonInOrder(event, NOSTR_TOOLS_ORDER)
  return {
    event,
    nostrJson,
    callbackQuery: `amount=${input.amountMsat}&nostr=${encodeURIComponent(nostrJson)}`,
  }
}

/** noStrudel's cache relay URL: hzrd149/nostr-idb src/relay/cache-relay.ts `CacheRelay.url`. */
export const NOSTR_IDB_CACHE_RELAY = 'nostr-idb://cache-relay'

/**
 * noStrudel, hzrd149/nostrudel @ 1261b4f0de6fc9fd059edc2271347a2b91401a97,
 * src/components/event-zap-modal/index.tsx `getPayRequestForPubkey`:
 *   tags: [["p", pubkey], ["relays", ...mergeRelaySets(userInbox, eventRelays, outbox, additional)],
 *          ["amount", String(amount)]]
 *   if (isReplaceable(event.kind) && event.tags.some(isDTag)) zapRequest.tags.push(["a", address])
 *   else zapRequest.tags.push(["e", event.id]);
 *   callback.searchParams.append("amount", String(amount)); callback.searchParams.append("nostr", JSON.stringify(signed))
 * Zap-split aware (`getZapSplits(event)`, amount rounded to whole sats per split). An addressable event gets
 * `a` only, no `e`. `eventRelays` come from src/services/relay-hints.ts `getEventRelayHints`, whose filter only
 * drops `://localhost` and `://192.168`; noStrudel's IndexedDB cache relay was a relay named
 * `nostr-idb://cache-relay` (hzrd149/nostr-idb @ e09e98cbb19ca3cfac2aa80ab72e2eddd90aec79,
 * src/relay/cache-relay.ts: `public get url(): string { return "nostr-idb://cache-relay" }`), so an event
 * seen from the cache carries that URL into the relays tag. (At the commit above the cache no longer
 * records a seen relay; the shape comes from the 2024-2025 versions.)
 */
export function noStrudelZap(input: ClientZapInput): ClientZap {
  const tags: string[][] = [
    ['p', input.recipientPubkey],
    ['relays', ...new Set([...input.relays, NOSTR_IDB_CACHE_RELAY])],
    ['amount', String(input.amountMsat)],
  ]
  const t = input.target?.event
  const d = t?.tags.find((x) => x[0] === 'd')?.[1]
  if (t && t.kind >= 30000 && t.kind < 40000 && d !== undefined)
    tags.push(['a', `${t.kind}:${t.pubkey}:${d}`])
  else if (t) tags.push(['e', t.id])
  const event = sign(input, tags)
  const nostrJson = jsonInOrder(event, NOSTR_TOOLS_ORDER)
  const q = new URLSearchParams()
  q.append('amount', String(input.amountMsat))
  q.append('nostr', nostrJson)
  return { event, nostrJson, callbackQuery: q.toString() }
}

/**
 * NDK (`NDKZapper`), nostr-dev-kit/ndk @ e51b54c7b45addaa672ea281f5516877bde0bdb5.
 * core/src/zapper/nip57.ts `generateZapRequest`:
 *   event.tags = [["relays", ...relays.slice(0, 4)], ["amount", amount.toString()], ["lnurl", zapEndpoint],
 *                 ["p", pubkey]];            // zapEndpoint = data.callback: the callback URL, not bech32
 *   const nonPTags = target.referenceTags().filter((tag) => tag[0] !== "p"); ... ["k", target.kind.toString()]
 *   event.tags = event.tags.filter((tag) => tag[0] !== "p"); event.tags.push(["p", pubkey]);   // p goes last
 * core/src/events/index.ts `referenceTags`: addressable -> [["a", address], ["e", id, relayUrl ?? "", marker ?? "",
 *   pubkey]] (5-element `e`); else [["e", id, "", "", pubkey]]. `rawEvent()` key order: created_at, content, tags,
 *   kind, pubkey, id, sig.
 * core/src/zapper/index.ts `getLnInvoice`: url.searchParams.append("amount", ...); url.searchParams.append("nostr",
 *   JSON.stringify(zapRequest.rawEvent())) (form encoding, existing callback query kept). `getZapSplits` splits by
 *   `zap` tags but reads the weight from `tag[2]` (the relay slot in NIP-57), so a NIP-57 `zap` tag with a relay
 *   gives `NaN` amounts; `p` here is `recipientPubkey`. Relays: `pool.permanentAndConnectedRelays()` (NDK
 *   normalises with a trailing `/`).
 */
export function ndkZap(input: ClientZapInput): ClientZap {
  const tags: string[][] = [
    ['relays', ...input.relays.slice(0, 4)],
    ['amount', String(input.amountMsat)],
    ['lnurl', input.callbackUrl ?? input.lnurl],
  ]
  const t = input.target?.event
  if (t) {
    const d = t.tags.find((x) => x[0] === 'd')?.[1]
    if (t.kind >= 30000 && t.kind < 40000) tags.push(['a', `${t.kind}:${t.pubkey}:${d ?? ''}`])
    tags.push(['e', t.id, '', '', t.pubkey], ['k', String(t.kind)])
  }
  tags.push(['p', input.recipientPubkey])
  const event = sign(input, tags)
  const nostrJson = jsonInOrder(event, [
    'created_at',
    'content',
    'tags',
    'kind',
    'pubkey',
    'id',
    'sig',
  ])
  const q = new URLSearchParams()
  q.append('amount', String(input.amountMsat))
  q.append('nostr', nostrJson)
  return { event, nostrJson, callbackQuery: q.toString() }
}

/** nostr-tools nip57.ts `makeZapRequest` tags (same code in the installed 2.25.2 and nbd-wtf/nostr-tools HEAD). */
function nostrToolsTags(
  p: string,
  amount: number,
  relays: string[],
  t: ZapTargetEvent | undefined,
): string[][] {
  const tags = [
    ['p', p],
    ['amount', String(amount)],
    ['relays', ...relays],
  ]
  if (t) {
    tags.push(['e', t.id])
    const d = t.tags.find((x) => x[0] === 'd' && x[1])?.[1]
    if (t.kind >= 30000 && t.kind < 40000 && d !== undefined)
      tags.push(['a', `${t.kind}:${t.pubkey}:${d}`])
    tags.push(['k', String(t.kind)])
  }
  return tags
}

/**
 * nostr-tools `makeZapRequest({ event })`, nbd-wtf/nostr-tools @ 70eabad612205faa00604965168d0235303da135, nip57.ts:
 *   ['p', 'pubkey' in params ? params.pubkey : params.event.pubkey], ['amount', params.amount.toString()],
 *   ['relays', ...params.relays]; then ['e', params.event.id], for an addressable kind
 *   ['a', `${kind}:${pubkey}:${d[1]}`], and ['k', params.event.kind.toString()]
 * With `{ event }` on a game listing `p` is the developer (the listing's author). nostr-tools has no callback
 * builder; the query follows NIP-57 Appendix B (`amount`, `nostr`, `lnurl`) with `encodeURIComponent`, as apps
 * built on it commonly do.
 */
export function nostrToolsZap(input: ClientZapInput): ClientZap {
  const t = input.target?.event
  const event = sign(
    input,
    nostrToolsTags(t?.pubkey ?? input.recipientPubkey, input.amountMsat, input.relays, t),
  )
  const nostrJson = jsonInOrder(event, NOSTR_TOOLS_ORDER)
  const callbackQuery = `amount=${input.amountMsat}&nostr=${encodeURIComponent(nostrJson)}&lnurl=${input.lnurl}`
  return { event, nostrJson, callbackQuery }
}

/**
 * The NIP-57 text's own example, nostr-protocol/nips @ db5fe3de8c5d1443b634c9bbf66ecb004f337057, 57.md Appendix B:
 *   const event = encodeURI(JSON.stringify(await signEvent({ ... tags: [["relays", ...relays],
 *     ["amount", amount.toString()], ["lnurl", lnurl], ["p", recipientPubkey]] })))
 *   fetchJson(`${callback}?amount=${amount}&nostr=${event}&lnurl=${lnurl}`)
 * Apps copied it (e.g. older Coracle). `encodeURI` leaves `&`, `+`, `=`, `#`, `,`, `/`, `:` raw, so a comment
 * holding `&` or `#` cannot survive it; keep those out of comments used with this shape. The `lnurl` is written
 * in UPPERCASE bech32, the form LUD-01 recommends for QR codes and many profiles' `lud06` carry; no client
 * source read here uppercases it itself.
 */
export function nip57SpecZap(input: ClientZapInput): ClientZap {
  const lnurl = input.lnurl.toUpperCase()
  const tags: string[][] = [
    ['relays', ...input.relays],
    ['amount', String(input.amountMsat)],
    ['lnurl', lnurl],
    ['p', input.recipientPubkey],
  ]
  if (input.target) tags.push(['e', input.target.event.id])
  const event = sign(input, tags)
  const nostrJson = jsonInOrder(event, [
    'kind',
    'content',
    'pubkey',
    'created_at',
    'tags',
    'id',
    'sig',
  ])
  return {
    event,
    nostrJson,
    callbackQuery: `amount=${input.amountMsat}&nostr=${encodeURI(nostrJson)}&lnurl=${lnurl}`,
  }
}

export type ClientName =
  | 'damus'
  | 'damusAnon'
  | 'amethyst'
  | 'primal'
  | 'noStrudel'
  | 'ndk'
  | 'nostrTools'
  | 'nip57Spec'

/** Every builder by name, for suites that drive all shapes. */
export const CLIENT_ZAPS: Record<ClientName, (input: ClientZapInput) => ClientZap> = {
  damus: (i) => damusZap(i),
  damusAnon: damusAnonZap,
  amethyst: (i) => amethystZap(i),
  primal: primalZap,
  noStrudel: noStrudelZap,
  ndk: ndkZap,
  nostrTools: nostrToolsZap,
  nip57Spec: nip57SpecZap,
}

/** Clients whose `nostr` value turns spaces into `+` (a server reading `+` literally sees a different string). */
export const PLUS_FOR_SPACE_CLIENTS: readonly ClientName[] = ['amethyst', 'noStrudel', 'ndk']

/** Clients that leave a `+` of the JSON raw (a server reading `+` as a space sees a different string). */
export const LITERAL_PLUS_CLIENTS: readonly ClientName[] = ['damus', 'damusAnon', 'nip57Spec']
