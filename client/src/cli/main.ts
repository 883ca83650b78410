/**
 * `zapcade`: the developer and buyer CLI. Finds the command words, parses the rest (parseArgs + zod),
 * runs it, and turns any failure into one line and a meaningful exit code (exit.ts). Never a stack trace.
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Command } from './command.ts'
import { helpOf } from './command.ts'
import { parseCommandArgs } from './args.ts'
import { createContext, type Io } from './context.ts'
import { EXIT, failureOf, UsageError } from './exit.ts'
import { keyImport, keyNew, keyShow, whoami } from './commands/key.ts'
import { gameInit, gamePublish } from './commands/game.ts'
import { releasePublish } from './commands/release.ts'
import { buy, claim, download, library, search } from './commands/buyer.ts'
import { owns } from './commands/owns.ts'
import { keysCommands } from './commands/keys.ts'
import { gift } from './commands/gift.ts'
import { saleCreate } from './commands/sale.ts'
import { codeCreate } from './commands/code.ts'
import { refundCommands } from './commands/refund.ts'
import { developerAddress, payoutSet, payouts, sales } from './commands/developer.ts'
import { events } from './commands/events.ts'
import { adminAlerts, adminLedgerCheck, adminStatus, myGames } from './commands/admin.ts'

export const COMMANDS: Command[] = [
  keyNew,
  keyImport,
  keyShow,
  whoami,
  gameInit,
  gamePublish,
  releasePublish,
  myGames,
  events,
  payoutSet,
  developerAddress,
  sales,
  payouts,
  search,
  buy,
  claim,
  library,
  download,
  owns,
  ...keysCommands,
  gift,
  saleCreate,
  codeCreate,
  ...refundCommands,
  adminStatus,
  adminLedgerCheck,
  adminAlerts,
] as Command[]

export const MAIN_HELP = `zapcade — publish, buy and download games on a Zapcade market (Nostr + Lightning)

Usage: zapcade <command> [options]      zapcade <command> --help

Your key
${list(['key', 'whoami'])}
Developers
${list(['game', 'release', 'games', 'events', 'payout', 'developer', 'sales', 'payouts', 'sale', 'code'])}
Buyers
${list(['search', 'buy', 'claim', 'library', 'download', 'owns', 'refund', 'keys', 'gift'])}
Market admins
${list(['admin'])}
Global options: --api <url> (default $ZAPCADE_API or http://127.0.0.1:8787), --json, -h/--help
Keys: ZAPCADE_NSEC, ZAPCADE_KEY_FILE, ZAPCADE_BUNKER (NIP-46), or the NIP-49 key in $ZAPCADE_CONFIG_DIR (password from
ZAPCADE_PASSWORD or a prompt). Wallet: ZAPCADE_NWC.
Exit codes: 0 ok, 1 usage or local input, 2 the service refused, 3 unreachable, 4 verification failed.
`

function list(heads: string[]): string {
  return COMMANDS.filter((c) => heads.includes(c.path[0]!))
    .map((c) => `  ${c.path.join(' ').padEnd(16)} ${c.summary}`)
    .join('\n')
}

/** The command named by the leading words of argv, and the rest. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const two = COMMANDS.find(
    (c) => c.path.length === 2 && c.path[0] === argv[0] && c.path[1] === argv[1],
  )
  if (two) return { command: two, rest: argv.slice(2) }
  const one = COMMANDS.find((c) => c.path.length === 1 && c.path[0] === argv[0])
  return one ? { command: one, rest: argv.slice(1) } : undefined
}

/** Run the CLI; resolves to the exit code. */
export async function runCli(argv: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const wantsJson = argv.includes('--json')
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(MAIN_HELP)
    return argv.length === 0 ? EXIT.usage : EXIT.ok
  }
  let close: (() => Promise<void>) | undefined
  try {
    const found = findCommand(argv)
    if (!found) {
      const group = COMMANDS.filter((c) => c.path[0] === argv[0])
      if (group.length > 0) {
        const sub =
          argv[1] && !argv[1].startsWith('-')
            ? `unknown command: ${argv[0]} ${argv[1]}`
            : `${argv[0]} needs a subcommand`
        if (argv.includes('--help') || argv.includes('-h')) {
          io.stdout.write(
            group.map((c) => `  zapcade ${c.path.join(' ').padEnd(16)} ${c.summary}`).join('\n') +
              '\n',
          )
          return EXIT.ok
        }
        throw new UsageError(sub, group.map((c) => `  ${c.usage}`).join('\n'))
      }
      throw new UsageError(
        `unknown command: ${argv[0]}`,
        'Run `zapcade --help` for the list of commands.',
      )
    }
    const { command, rest } = found
    const parsed = parseCommandArgs(
      rest,
      command.options,
      command.schema,
      `Usage: ${command.usage}\nRun \`zapcade ${command.path.join(' ')} --help\` for details.`,
    )
    if ('help' in parsed) {
      io.stdout.write(helpOf(command))
      return EXIT.ok
    }
    const ctx = createContext(io, env, parsed.global)
    close = ctx.close
    await command.run(parsed.args, ctx)
    return EXIT.ok
  } catch (e) {
    const f = failureOf(e)
    io.stderr.write(`zapcade: ${f.message}\n`)
    if (f.hint) io.stderr.write(`${f.hint}\n`)
    if (wantsJson)
      io.stdout.write(
        JSON.stringify({ error: { code: f.code, detail: f.message, exit: f.exit } }) + '\n',
      )
    if (env.ZAPCADE_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`)
    return f.exit
  } finally {
    await close?.().catch(() => {})
  }
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    )
  } catch {
    return false
  }
})()

/** Run with this process's argv and streams, then exit with the command's code. */
export function runMain(): void {
  const io: Io = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  }
  // Open sockets (relay pools, keep-alive) must not keep a finished command alive.
  void runCli(process.argv.slice(2), io, process.env).then((code) => {
    process.exitCode = code
    setTimeout(() => process.exit(code), 50).unref()
  })
}

if (invokedDirectly) runMain()
