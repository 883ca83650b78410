/**
 * `zapcade keys mint|revoke|redeem|claim`: download keys (docs/keys-gifts-sales.md). A developer mints
 * single-use keys for a game (printed one a line, or written as CSV) and revokes unredeemed ones;
 * anyone redeems a key into their key (or as a guest, keeping the receipt code it prints).
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { z } from 'zod'
import { MAX_KEYS_PER_MINT } from '@zapcade/shared/api/keys'
import { commerceApi } from '../../api/commerce.ts'
import type { Signer } from '../../signers/signer.ts'
import { intFlag } from '../args.ts'
import { defineCommand } from '../command.ts'
import type { CliContext } from '../context.ts'

export function commerce(ctx: CliContext, signer: Signer | undefined) {
  return commerceApi({
    baseUrl: ctx.apiUrl,
    signer,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: () => Date.now(),
  })
}

export const keysMint = defineCommand({
  path: ['keys', 'mint'],
  summary: 'Mint single-use download keys for your game (shown once; --csv writes them to a file).',
  usage: 'zapcade keys mint <slug> [--count <n>] [--csv <file>]',
  help: `Mints 1 to ${MAX_KEYS_PER_MINT.toLocaleString('en-US')} keys for your game <slug> (signed with your key).
The market keeps only their hashes: save them now. Each key is redeemed once (\`zapcade keys redeem\`),
and can be revoked until then. Keys move no money.

Options:
  --count <n>    how many (default 1)
  --csv <file>   write them as CSV (a "key" header line, one key a line) instead of printing them`,
  options: { count: { type: 'string' }, csv: { type: 'string' } },
  schema: z.object({
    count: intFlag.optional(),
    csv: z.string().min(1).optional(),
    positionals: z.array(z.string()).length(1, 'give the game slug'),
  }),
  async run(a, ctx) {
    const r = await commerce(ctx, await ctx.signer()).keys.mint(a.positionals[0]!, a.count ?? 1)
    if (a.csv) {
      const path = resolve(a.csv)
      await writeFile(path, `key\n${r.keys.join('\n')}\n`, { mode: 0o600 })
      ctx.say(`${r.keys.length} keys for ${r.game.slug} written to ${path}`)
    } else {
      for (const k of r.keys) ctx.say(k)
    }
    ctx.emit(r)
  },
})

export const keysRevoke = defineCommand({
  path: ['keys', 'revoke'],
  summary: 'Revoke an unredeemed download key of one of your games.',
  usage: 'zapcade keys revoke <key>',
  help: 'A redeemed key cannot be revoked (the service answers KEY_REDEEMED).',
  options: {},
  schema: z.object({ positionals: z.array(z.string()).length(1, 'give one key') }),
  async run(a, ctx) {
    const r = await commerce(ctx, await ctx.signer()).keys.revoke(a.positionals[0]!)
    ctx.say(`Revoked (${new Date(r.revoked_at * 1000).toISOString()}).`)
    ctx.emit(r)
  },
})

export const keysRedeem = defineCommand({
  path: ['keys', 'redeem'],
  summary:
    'Redeem a download key into your library (or as a guest with --guest: keep the receipt code).',
  usage: 'zapcade keys redeem <key> [--guest]',
  help: `Signed with your key, the game goes to your library. With --guest nothing is signed: the market
answers a receipt code, the only way to claim the game later (\`zapcade keys claim <code>\`).`,
  options: { guest: { type: 'boolean' } },
  schema: z.object({
    guest: z.boolean().optional(),
    positionals: z.array(z.string()).length(1, 'give one key'),
  }),
  async run(a, ctx) {
    const signer = a.guest ? undefined : await ctx.signer()
    const r = await commerce(ctx, signer).keys.redeem(a.positionals[0]!)
    ctx.say(`Redeemed: ${r.game.title} (${r.game.pubkey}/${r.game.slug}).`)
    if (r.receipt_code) {
      ctx.note(`Receipt code: ${r.receipt_code}`)
      ctx.note('KEEP THIS CODE: claim the game into a key later with `zapcade keys claim <code>`.')
    }
    ctx.emit(r)
  },
})

export const keysClaim = defineCommand({
  path: ['keys', 'claim'],
  summary: "Move a guest's key redemption into your key with its receipt code.",
  usage: 'zapcade keys claim <receipt-code>',
  help: 'The receipt code printed by `zapcade keys redeem --guest`.',
  options: {},
  schema: z.object({ positionals: z.array(z.string()).length(1, 'give one receipt code') }),
  async run(a, ctx) {
    const r = await commerce(ctx, await ctx.signer()).keys.claim(a.positionals[0]!)
    ctx.say(`Claimed: ${r.game.title} is in your library.`)
    ctx.emit(r)
  },
})

export const keysCommands = [keysMint, keysRevoke, keysRedeem, keysClaim]
