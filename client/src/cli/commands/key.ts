/** `zapcade key new|import|show`: the user's key, kept NIP-49 encrypted in the config directory. */
import { z } from 'zod'
import { toNpub } from '@zapcade/shared/ids'
import { decryptSecretKey, encryptSecretKey, isNcryptsec } from '../../signers/ncryptsec.ts'
import { newSecretKey, parseSecretKey, pubkeyOf, toNsec } from '../../signers/secret-key.ts'
import { defineCommand } from '../command.ts'
import { UsageError } from '../exit.ts'
import { keyFiles, readStoredKey, saveKey } from '../key-store.ts'
import { askPassword, readSecretInput } from '../prompt.ts'
import type { CliContext } from '../context.ts'

const noPositionals = z.array(z.string()).max(0, 'takes no arguments')

async function refuseOverwrite(ctx: CliContext, force: boolean): Promise<void> {
  const files = keyFiles(ctx.configDir)
  if (!force && (await readStoredKey(files))) {
    throw new UsageError(
      `a key already exists in ${files.dir}`,
      'Pass --force to replace it (back it up first with `zapcade key show --ncryptsec`).',
    )
  }
}

async function store(
  ctx: CliContext,
  sk: Uint8Array,
  ncryptsec: string | undefined,
): Promise<void> {
  const pubkey = pubkeyOf(sk)
  const enc =
    ncryptsec ?? encryptSecretKey(sk, await askPassword(ctx.io, 'New password for the key: ', true))
  await saveKey(keyFiles(ctx.configDir), enc, pubkey)
  ctx.say(`Key stored encrypted (NIP-49) in ${keyFiles(ctx.configDir).ncryptsec}`)
  ctx.say(`npub:   ${toNpub(pubkey)}`)
  ctx.say(`pubkey: ${pubkey}`)
  ctx.emit({ pubkey, npub: toNpub(pubkey), file: keyFiles(ctx.configDir).ncryptsec })
}

export const keyNew = defineCommand({
  path: ['key', 'new'],
  summary: 'Make a new Nostr key and keep it encrypted (NIP-49) in the config directory.',
  usage: 'zapcade key new [--force]',
  help: `The password comes from ZAPCADE_PASSWORD or a hidden prompt (asked twice).
The key is written to $ZAPCADE_CONFIG_DIR (else $XDG_CONFIG_HOME/zapcade, else ~/.config/zapcade) as
key.ncryptsec with mode 0600; the market never sees it.

Options:
  --force   replace an existing key`,
  options: { force: { type: 'boolean' } },
  schema: z.object({ force: z.boolean().default(false), positionals: noPositionals }),
  async run(a, ctx) {
    await refuseOverwrite(ctx, a.force)
    await store(ctx, newSecretKey(), undefined)
  },
})

export const keyImport = defineCommand({
  path: ['key', 'import'],
  summary:
    'Import an existing key (nsec, hex or ncryptsec) and keep it encrypted in the config directory.',
  usage: 'zapcade key import [--force] < key.txt',
  help: `Reads the key from stdin (piped) or a hidden prompt, never from the command line (it would stay in
your shell history). An ncryptsec is stored as it is after checking that the password opens it.

Options:
  --force   replace an existing key

Example:
  zapcade key import < ~/secrets/nsec.txt`,
  options: { force: { type: 'boolean' } },
  schema: z.object({ force: z.boolean().default(false), positionals: noPositionals }),
  async run(a, ctx) {
    await refuseOverwrite(ctx, a.force)
    const text = (await readSecretInput(ctx.io, 'nsec, hex or ncryptsec: ')).trim()
    if (isNcryptsec(text)) {
      const sk = decryptSecretKey(text, await askPassword(ctx.io, 'Password of this ncryptsec: '))
      return store(ctx, sk, text)
    }
    const sk = parseSecretKey(text)
    if (!sk) throw new UsageError('that is not an nsec1…, 64-hex or ncryptsec1… key')
    await store(ctx, sk, undefined)
  },
})

export const keyShow = defineCommand({
  path: ['key', 'show'],
  summary: "Show the stored key's public key (npub); optionally export it.",
  usage: 'zapcade key show [--ncryptsec | --nsec]',
  help: `Without options no password is needed.

Options:
  --ncryptsec   also print the encrypted key (a backup another NIP-49 client can open)
  --nsec        also print the secret key in clear (asks for the password; keep it off screens)`,
  options: { ncryptsec: { type: 'boolean' }, nsec: { type: 'boolean' } },
  schema: z.object({
    ncryptsec: z.boolean().default(false),
    nsec: z.boolean().default(false),
    positionals: noPositionals,
  }),
  async run(a, ctx) {
    const files = keyFiles(ctx.configDir)
    const stored = await readStoredKey(files)
    if (!stored)
      throw new UsageError(
        `no key in ${files.dir}`,
        'Run `zapcade key new` or `zapcade key import`.',
      )
    let pubkey = stored.pubkey
    let nsec: string | undefined
    if (a.nsec || !pubkey) {
      const sk = decryptSecretKey(
        stored.ncryptsec,
        await askPassword(ctx.io, 'Password for the key: '),
      )
      pubkey = pubkeyOf(sk)
      if (a.nsec) nsec = toNsec(sk)
    }
    ctx.say(`npub:   ${toNpub(pubkey)}`)
    ctx.say(`pubkey: ${pubkey}`)
    if (a.ncryptsec) ctx.say(`ncryptsec: ${stored.ncryptsec}`)
    if (nsec) ctx.say(`nsec: ${nsec}`)
    const out: Record<string, string> = { pubkey, npub: toNpub(pubkey), file: files.ncryptsec }
    if (a.ncryptsec) out.ncryptsec = stored.ncryptsec
    if (nsec) out.nsec = nsec
    ctx.emit(out)
  },
})

export const whoami = defineCommand({
  path: ['whoami'],
  summary:
    'Show which key the CLI would sign with, where it comes from, and (--market) what the market knows of it.',
  usage: 'zapcade whoami [--market]',
  help: `Order: ZAPCADE_NSEC, ZAPCADE_KEY_FILE (nsec, hex or ncryptsec), ZAPCADE_BUNKER (NIP-46 bunker URI),
then the stored NIP-49 key (password from ZAPCADE_PASSWORD or a prompt).

Options:
  --market   also ask the market (GET /api/v1/me, signed): admin or not, payout address, game count`,
  options: { market: { type: 'boolean' } },
  schema: z.object({ market: z.boolean().default(false), positionals: noPositionals }),
  async run(a, ctx) {
    const signer = await ctx.signer()
    const pubkey = await signer.getPublicKey()
    const source = ctx.signerSource() ?? 'unknown'
    ctx.say(`npub:   ${toNpub(pubkey)}`)
    ctx.say(`pubkey: ${pubkey}`)
    ctx.say(`from:   ${source}`)
    if (!a.market) return ctx.emit({ pubkey, npub: toNpub(pubkey), source })
    const me = await ctx.client(signer).me()
    ctx.say(`admin:  ${me.is_admin ? 'yes' : 'no'} (at ${ctx.apiUrl})`)
    ctx.say(
      `payout: ${me.developer.payout_ln_address ?? 'not set (zapcade payout set <name@domain>)'}`,
    )
    ctx.say(`games:  ${me.developer.games_count}`)
    ctx.emit({
      pubkey,
      npub: toNpub(pubkey),
      source,
      is_admin: me.is_admin,
      developer: me.developer,
    })
  },
})
