/** `zapcade owns <game> [--proof <file>]`: does your key own a game, and the market-signed proof of it. */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { z } from 'zod'
import { verifyOwnershipProof } from '@zapcade/shared/events/ownership-proof'
import { parseGameRef } from '@zapcade/shared/ids'
import { defineCommand } from '../command.ts'
import { RefusedError, UsageError, VerificationError } from '../exit.ts'

const day = (sec: number): string => new Date(sec * 1000).toISOString().slice(0, 10)

export const owns = defineCommand({
  path: ['owns'],
  summary:
    'Whether your key owns a game; --proof saves the market-signed ownership proof a game verifies offline.',
  usage: 'zapcade owns <game> [--proof <file>]',
  help: `<game> is <pubkey or npub>/<slug> or an naddr1… share link. Signed with your key (NIP-98).
Exits 0 when you own it (bought and not refunded or revoked, free, or your own game), 2 when not.

Options:
  --proof <file>   write the proof (a kind-3267 event signed by the market key, valid 30 days by default)
                   as JSON; it is checked against the market's pubkey before it is written.
                   Format and offline verification: docs/ownership-proof.md

Example:
  zapcade owns npub1…/lantern-depths --proof lantern-depths.proof.json`,
  options: { proof: { type: 'string' } },
  schema: z.object({
    proof: z.string().min(1).optional(),
    positionals: z.array(z.string()).length(1, 'give exactly one game'),
  }),
  async run(a, ctx) {
    const ref = parseGameRef(a.positionals[0]!)
    if (!ref)
      throw new UsageError(
        `not a game reference: ${a.positionals[0]!}`,
        '<game> is <pubkey or npub>/<slug> or an naddr1… share link.',
      )
    const signer = await ctx.signer()
    const client = ctx.client(signer)
    const owner = await signer.getPublicKey()
    const name = `${ref.pubkey}/${ref.slug}`
    const check = await client.entitlements.check(ref)
    if (!check.owned) {
      const why =
        check.revoked_at !== undefined
          ? ` (your entitlement was revoked ${day(check.revoked_at)})`
          : ''
      throw new RefusedError('NOT_ENTITLED', `not owned: ${name}${why}`)
    }
    const how =
      check.basis === 'free'
        ? 'free game'
        : check.basis === 'developer'
          ? 'your own game'
          : `entitlement ${check.entitlement_id ?? ''} since ${check.granted_at !== undefined ? day(check.granted_at) : '?'}`
    ctx.say(`Owned: ${name} (${how})`)
    if (!a.proof) return ctx.emit(check)

    const [proof, info] = await Promise.all([client.entitlements.proof(ref), client.info()])
    const v = verifyOwnershipProof(proof.event, {
      marketPubkey: info.market_pubkey,
      game: ref,
      owner,
      nowSec: Math.floor(Date.now() / 1000),
    })
    if (!v.ok)
      throw new VerificationError(`the market's ownership proof does not verify: ${v.reason}`)
    const file = resolve(ctx.io.cwd, a.proof)
    await writeFile(file, JSON.stringify(proof.event, null, 2) + '\n')
    ctx.say(
      `Proof written to ${file} (signed by the market ${info.market_pubkey}, expires ${new Date(proof.expires_at * 1000).toISOString()})`,
    )
    ctx.emit({ ...check, proof: { file, event: proof.event, expires_at: proof.expires_at } })
  },
})
