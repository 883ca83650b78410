/** `--platforms a,b`: NIP-82 `f` ids only, with the id meant when a family name (`linux`, `macos`) is given. */
import { z } from 'zod'
import { PLATFORMS, isKnownPlatform, platformFamily, platformHelp } from '@zapcade/shared/platforms'
import { listFlag } from './args.ts'

/** The ids of the family a word names, e.g. `linux` → linux-x86_64, linux-aarch64, … */
function suggestion(word: string): string {
  const fam = platformFamily(word)
  const ids = fam === undefined ? [] : PLATFORMS.filter((p) => p.family === fam).map((p) => p.id)
  return ids.length > 0 ? ` (did you mean ${ids.slice(0, 2).join(' or ')}?)` : ''
}

export const platformsFlag = listFlag.pipe(
  z.array(z.string()).superRefine((ids, ctx) => {
    for (const id of ids) {
      if (!isKnownPlatform(id))
        ctx.addIssue({
          code: 'custom',
          message: `unknown platform "${id}"${suggestion(id)}; use NIP-82 ids: ${platformHelp()}`,
        })
    }
  }),
)
