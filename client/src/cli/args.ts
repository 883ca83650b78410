/**
 * Arguments: node:util parseArgs for the syntax (strict: unknown flags are errors), zod for the meaning.
 * Every command declares its options, positionals and help text in one CommandSpec.
 */
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { z } from 'zod'
import { UsageError } from './exit.ts'

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>

/** Flags every command accepts. */
export const GLOBAL_OPTIONS = {
  api: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig

export interface GlobalArgs {
  api: string | undefined
  json: boolean
  help: boolean
}

export interface ParsedArgs<T> {
  global: GlobalArgs
  args: T
}

/** Parse argv (after the command words) against a command's options and zod schema. */
export function parseCommandArgs<S extends z.ZodType>(
  argv: string[],
  options: OptionsConfig,
  schema: S,
  usage: string,
): ParsedArgs<z.infer<S>> | { global: GlobalArgs; help: true } {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    })
  } catch (e) {
    throw new UsageError(
      e instanceof Error ? e.message.replace(/\. To specify a positional.*$/s, '') : String(e),
      usage,
    )
  }
  const v = parsed.values as Record<string, unknown>
  const global: GlobalArgs = {
    api: v.api as string | undefined,
    json: v.json === true,
    help: v.help === true,
  }
  if (global.help) return { global, help: true }
  const rest: Record<string, unknown> = { ...v, positionals: parsed.positionals }
  delete rest.api
  delete rest.json
  delete rest.help
  const r = schema.safeParse(rest)
  if (!r.success) throw new UsageError(describeIssues(r.error), usage)
  return { global, args: r.data }
}

/** zod issues as one line a person can act on: `--price-sats: expected a whole number`. */
export function describeIssues(err: z.ZodError, prefix = '--'): string {
  return err.issues
    .map((i) => {
      const path = i.path.map(String)
      const name =
        path[0] === 'positionals'
          ? `argument ${Number(path[1] ?? 0) + 1}`
          : path.length
            ? `${prefix}${prefix === '--' ? path.join('.').replace(/_/g, '-') : path.join('.')}`
            : 'arguments'
      return `${name}: ${i.message}`
    })
    .join('; ')
}

/** A string flag holding a whole non-negative number (parseArgs has no number type). */
export const intFlag = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'expected a whole number')
  .transform((s) => Number(s))

/** A comma-separated list flag: "a, b,c" → ["a","b","c"]. */
export const listFlag = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
)
