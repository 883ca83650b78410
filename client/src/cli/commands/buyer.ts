/** Buyer commands: `search`, `buy`, `library`, `download`. */
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import QRCode from 'qrcode'
import { z } from 'zod'
import { parseGameRef, type GameAddress } from '@zapcade/shared/ids'
import { formatSats, msat, satsToMsat } from '@zapcade/shared/money'
import { nwcPayInvoice, NwcError } from '../../api/nwc.ts'
import type { ZapcadeClient } from '../../api/client.ts'
import { intFlag } from '../args.ts'
import { defineCommand } from '../command.ts'
import { installWebSocket, type CliContext } from '../context.ts'
import { RefusedError, UnreachableError, UsageError, VerificationError } from '../exit.ts'
import { byteBar, spinner } from '../progress.ts'
import { fetchSignedAsset } from '../signed-asset.ts'
import { downloadVerified } from '../download-file.ts'

const REF_HELP = '<game> is <pubkey or npub>/<slug> or an naddr1… share link.'

function refArg(s: string | undefined): GameAddress {
  const a = s === undefined ? undefined : parseGameRef(s)
  if (!a) throw new UsageError(`not a game reference: ${s ?? '(missing)'}`, REF_HELP)
  return a
}

const price = (m: number) => (m === 0 ? 'free' : formatSats(msat(m)))

export const search = defineCommand({
  path: ['search'],
  summary: 'Search the catalog.',
  usage: 'zapcade search <words…> [--tag <genre>] [--platform <id>] [--limit <n>]',
  help: `Options:
  --tag <genre>      only games with this genre
  --platform <id>    only games for this platform: a NIP-82 id (linux-x86_64) or a family
                     (linux, windows, macos, android) matching all of its ids
  --limit <n>        at most n results (default 24)

Example:
  zapcade search space shooter --platform linux`,
  options: { tag: { type: 'string' }, platform: { type: 'string' }, limit: { type: 'string' } },
  schema: z.object({
    tag: z.string().optional(),
    platform: z.string().optional(),
    limit: intFlag.optional(),
    positionals: z.array(z.string()),
  }),
  async run(a, ctx) {
    const words = a.positionals.join(' ').trim()
    const q: Record<string, string | number> = {}
    if (a.tag) q.tag = a.tag
    if (a.platform) q.platform = a.platform
    if (a.limit) q.limit = a.limit
    const page = words
      ? await ctx.client().games.search(words, q)
      : await ctx.client().games.list(q)
    if (page.items.length === 0) ctx.say('No games found.')
    for (const g of page.items) {
      ctx.say(
        `${g.title}  ·  ${price(g.price_msat)}${g.status === 'FEATURED' ? '  ·  featured' : ''}`,
      )
      ctx.say(`  ${g.pubkey}/${g.slug}${g.summary ? `  ${g.summary}` : ''}`)
    }
    ctx.emit(page)
  },
})

/** Follow a purchase until it is PAID (or EXPIRED/FAILED), with a spinner. */
async function waitPaid(
  ctx: CliContext,
  client: ZapcadeClient,
  id: string,
  receiptCode: string | undefined,
  expiresAtSec: number,
) {
  const spin = spinner(ctx, 'Waiting for the payment…')
  try {
    for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
      const p = await client.purchases.get(id, { receiptCode })
      if (p.status === 'PAID') return p
      if (p.status === 'EXPIRED' || p.status === 'FAILED')
        throw new RefusedError(
          `PURCHASE_${p.status}`,
          `the purchase ${p.status === 'EXPIRED' ? 'expired before it was paid' : 'failed'}`,
        )
      // Past the expiry the market may still settle a late payment; give it a minute, then stop asking.
      if (Date.now() / 1000 > expiresAtSec + 60)
        throw new RefusedError('PURCHASE_EXPIRED', 'the invoice expired before it was paid')
      spin.text(
        `Waiting for the payment… (invoice expires in ${Math.max(0, Math.round(expiresAtSec - Date.now() / 1000))} s)`,
      )
      await new Promise((r) => setTimeout(r, delay))
    }
  } finally {
    spin.stop()
  }
}

export const buy = defineCommand({
  path: ['buy'],
  summary:
    'Buy a game over Lightning: shows the amount and the invoice (QR), pays with NWC when given, waits until paid.',
  usage: 'zapcade buy <game> [--amount-sats <n>] [--nwc <uri>] [--guest] [--no-wait]',
  help: `${REF_HELP}
With a key (see \`zapcade key\`) the game goes to your library. Without one (or with --guest) you buy as a
guest and get a receipt code: keep it, it is the only way to download or later claim the purchase.

Options:
  --amount-sats <n>   pay more than the price (pay what you want)
  --nwc <uri>         pay from this wallet (nostr+walletconnect://…); default $ZAPCADE_NWC
  --guest             buy without your key even when one is configured
  --no-wait           print the invoice and exit without waiting for the payment`,
  options: {
    'amount-sats': { type: 'string' },
    nwc: { type: 'string' },
    guest: { type: 'boolean' },
    'no-wait': { type: 'boolean' },
  },
  schema: z.object({
    'amount-sats': intFlag.optional(),
    nwc: z.string().optional(),
    guest: z.boolean().default(false),
    'no-wait': z.boolean().default(false),
    positionals: z.array(z.string()).length(1, 'give exactly one game'),
  }),
  async run(a, ctx) {
    const ref = refArg(a.positionals[0])
    const nwc = a.nwc ?? ctx.env.ZAPCADE_NWC
    const signer = a.guest ? undefined : await ctx.optionalSigner()
    const client = ctx.client(signer)
    const game = await client.games.get(ref)
    if (game.price_msat === 0)
      throw new UsageError(
        `${game.title} is free`,
        `Download it with \`zapcade download ${ref.pubkey}/${ref.slug}\`.`,
      )
    const body: { game: string; amount_msat?: number } = { game: `${ref.pubkey}/${ref.slug}` }
    if (a['amount-sats'] !== undefined) body.amount_msat = satsToMsat(a['amount-sats'])
    const p = await client.purchases.create(body, { guest: signer === undefined })
    ctx.say(
      `${game.title}: pay ${formatSats(msat(p.amount_msat))}${p.amount_msat > game.price_msat ? ` (price ${price(game.price_msat)})` : ''}`,
    )
    ctx.say(`Invoice (expires ${new Date(p.expires_at * 1000).toISOString()}):`)
    ctx.say(p.bolt11)
    // The QR is for a person at a terminal; piped output gets the plain invoice only.
    if (!ctx.json && !nwc && ctx.io.stdout.isTTY)
      ctx.say(
        await QRCode.toString(`lightning:${p.bolt11}`.toUpperCase(), {
          type: 'terminal',
          small: true,
          errorCorrectionLevel: 'L',
        }),
      )
    if (p.receipt_code) {
      ctx.note('')
      ctx.note(`Receipt code: ${p.receipt_code}`)
      ctx.note(
        'KEEP THIS CODE. You bought as a guest: it is the only way to download the game or claim it into',
      )
      ctx.note('a key later (`zapcade claim`). The market shows it once and cannot recover it.')
    }
    let preimage: string | undefined
    if (nwc) {
      installWebSocket()
      const spin = spinner(ctx, 'Paying with your wallet (NWC)…')
      try {
        preimage = (await nwcPayInvoice(nwc, p.bolt11)).preimage
      } catch (e) {
        if (e instanceof NwcError) {
          if (e.code === 'TIMEOUT' || e.code === 'UNREACHABLE')
            throw new UnreachableError(e.message)
          if (e.code === 'BAD_URI') throw new UsageError(`--nwc: ${e.message}`)
          throw new RefusedError(e.code, e.message)
        }
        throw e
      } finally {
        spin.stop()
      }
      ctx.note('Wallet paid the invoice.')
    }
    const out: Record<string, unknown> = {
      purchase: p,
      game: { pubkey: ref.pubkey, slug: ref.slug, title: game.title },
    }
    if (preimage) out.preimage = preimage
    if (a['no-wait']) {
      ctx.emit({ ...out, status: p.status })
      return
    }
    const done = await waitPaid(ctx, client, p.id, p.receipt_code, p.expires_at)
    ctx.say(`Paid. ${game.title} is yours${signer ? ' (in your library)' : ''}.`)
    ctx.say(
      `Download: zapcade download ${ref.pubkey}/${ref.slug}${p.receipt_code ? ` --receipt ${p.receipt_code}` : ''}`,
    )
    ctx.emit({ ...out, status: done.status, entitlement_id: done.entitlement_id })
  },
})

export const claim = defineCommand({
  path: ['claim'],
  summary: "Move a guest purchase into your key's library with its receipt code.",
  usage: 'zapcade claim <receipt-code>',
  help: 'Signs the request with your key (NIP-98); the purchase then appears in `zapcade library`.',
  options: {},
  schema: z.object({
    positionals: z.array(z.string().min(1)).length(1, 'give exactly one receipt code'),
  }),
  async run(a, ctx) {
    const r = await ctx.client(await ctx.signer()).purchases.claim(a.positionals[0]!)
    ctx.say(`Claimed purchase ${r.purchase_id} (${r.status}) into ${r.owner_pubkey}.`)
    ctx.emit(r)
  },
})

export const library = defineCommand({
  path: ['library'],
  summary: 'List the games you own.',
  usage: 'zapcade library',
  help: 'Signed with your key (NIP-98). Guest purchases appear once claimed (`zapcade claim <code>`).',
  options: {},
  schema: z.object({ positionals: z.array(z.string()).max(0, 'takes no arguments') }),
  async run(_a, ctx) {
    const lib = await ctx.client(await ctx.signer()).library()
    if (lib.items.length === 0) ctx.say('Your library is empty.')
    for (const it of lib.items) {
      const latest = it.releases[0]
      ctx.say(`${it.game.title}${it.revoked_at !== null ? '  (revoked)' : ''}`)
      ctx.say(
        `  ${it.game.pubkey}/${it.game.slug}  ·  ${latest ? `latest ${latest.version}` : 'no release yet'}`,
      )
    }
    ctx.emit(lib)
  },
})

export const download = defineCommand({
  path: ['download'],
  summary: "Download a build and verify it against the developer's signed asset event.",
  usage: 'zapcade download <game> [--version <v>] [--out <dir>] [--receipt <code>]',
  help: `${REF_HELP}
The sha256 and size are checked against the kind-3063 event the developer signed (fetched from the
market's relays; the market's release info when no relay has it). A mismatch deletes the file and exits 4.

Options:
  --version <v>      a specific version (default: the newest)
  --out <dir>        where to save (default: the current directory)
  --receipt <code>   a guest purchase's receipt code (default: your key)`,
  options: { version: { type: 'string' }, out: { type: 'string' }, receipt: { type: 'string' } },
  schema: z.object({
    version: z.string().optional(),
    out: z.string().optional(),
    receipt: z.string().min(1).optional(),
    positionals: z.array(z.string()).length(1, 'give exactly one game'),
  }),
  async run(a, ctx) {
    const ref = refArg(a.positionals[0])
    const signer = a.receipt ? undefined : await ctx.optionalSigner()
    const client = ctx.client(signer)
    const [info, game] = await Promise.all([client.info(), client.games.get(ref)])
    const release = a.version
      ? game.releases.find((r) => r.version === a.version)
      : game.releases[0]
    if (!release)
      throw new UsageError(
        a.version
          ? `${game.title} has no release ${a.version}`
          : `${game.title} has no release yet`,
      )
    const ticket = await client.download(ref, { version: release.version, receiptCode: a.receipt })

    const signed = await fetchSignedAsset(info.relays, ref.pubkey, ref.slug, release.version)
    let expected: { sha256: string; sizeBytes: number; source: string }
    if (signed)
      expected = {
        sha256: signed.sha256,
        sizeBytes: signed.sizeBytes,
        source: `signed asset event ${signed.eventId}`,
      }
    else if (release.asset) {
      ctx.note(
        "warning: no relay returned the signed asset event; checking against the market's release info",
      )
      expected = {
        sha256: release.asset.sha256,
        sizeBytes: release.asset.size_bytes,
        source: "the market's release info",
      }
    } else
      throw new VerificationError(
        'no signed asset event and no release info to verify against; not downloading',
      )
    if (ticket.sha256 !== expected.sha256)
      throw new VerificationError(
        `the market offers sha256 ${ticket.sha256} but the developer signed ${expected.sha256}; not downloading`,
      )

    const dir = resolve(ctx.io.cwd, a.out ?? '.')
    await mkdir(dir, { recursive: true })
    const dest = join(dir, `${ref.slug}-${release.version}.zip`)
    const bar = byteBar(ctx, 'Downloading', expected.sizeBytes)
    try {
      await downloadVerified(ticket.url, dest, expected, (n) => bar.update(n))
    } finally {
      bar.stop()
    }
    ctx.say(`Saved ${dest}`)
    ctx.say(`sha256 ${expected.sha256} verified against ${expected.source}`)
    ctx.emit({
      file: dest,
      version: release.version,
      sha256: expected.sha256,
      size_bytes: expected.sizeBytes,
      verified_against: signed ? 'asset_event' : 'release_info',
      asset_event_id: signed?.eventId ?? null,
    })
  },
})
