/** The shape of a CLI command: its words, help text, options and zod schema, and what it runs. */
import type { z } from 'zod'
import type { OptionsConfig } from './args.ts'
import type { CliContext } from './context.ts'

export interface Command<S extends z.ZodType = z.ZodType> {
  /** Command words, e.g. ['release', 'publish']. */
  path: string[]
  summary: string
  /** One-line synopsis. */
  usage: string
  /** Paragraphs after the synopsis: what it does, the options, an example. */
  help: string
  options: OptionsConfig
  schema: S
  run(args: z.infer<S>, ctx: CliContext): Promise<void>
}

/** Keep the schema's type through to `run` (an identity with inference). */
export function defineCommand<S extends z.ZodType>(c: Command<S>): Command<S> {
  return c
}

/** Help text of a command. */
export function helpOf(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}\n\n${c.help.trim()}\n\nGlobal options:\n  --api <url>   the market (default $ZAPCADE_API or http://127.0.0.1:8787)\n  --json        print one JSON document for scripts\n  -h, --help    this help\n`
}
