import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { intFlag, listFlag, parseCommandArgs } from './args.ts'
import { UsageError } from './exit.ts'
import { COMMANDS } from './main.ts'
import { releasePublish } from './commands/release.ts'
import { buy } from './commands/buyer.ts'

const schema = z.object({
  'price-sats': intFlag.optional(),
  tags: listFlag.optional(),
  positionals: z.array(z.string()).max(1),
})
const options = { 'price-sats': { type: 'string' }, tags: { type: 'string' } } as const

function parse(argv: string[]) {
  return parseCommandArgs(argv, options, schema, 'usage')
}

describe('argument parsing', () => {
  it('flags are typed by zod: whole numbers and comma lists', () => {
    const r = parse(['--price-sats', '2100', '--tags', 'arcade, puzzle,,retro', 'x'])
    expect(r).toMatchObject({
      args: { 'price-sats': 2100, tags: ['arcade', 'puzzle', 'retro'], positionals: ['x'] },
      global: { json: false },
    })
  })

  it('a fractional or negative amount is a usage error naming the flag', () => {
    for (const bad of ['1.5', '-3', '1e3', 'ten']) {
      expect(() => parse([`--price-sats=${bad}`])).toThrow(/--price-sats: expected a whole number/)
    }
  })

  it('unknown flags are refused (parseArgs strict), as UsageError with the usage as hint', () => {
    let err: unknown
    try {
      parse(['--prize', '3'])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    expect((err as UsageError).message).toMatch(/--prize/)
    expect((err as UsageError).hint).toBe('usage')
  })

  it('global flags are accepted by every command and --help short-circuits validation', () => {
    expect(parse(['--json', '--api', 'http://m'])).toMatchObject({
      global: { json: true, api: 'http://m', help: false },
    })
    expect(parse(['--help', '--price-sats', 'nope'])).toMatchObject({ help: true })
  })

  it('too many positionals are named by position', () => {
    expect(() => parse(['a', 'b'])).toThrow(/arguments|argument/)
  })

  it('release publish requires a SemVer --version and a --file', () => {
    expect(() =>
      parseCommandArgs(['--file', 'b.zip'], releasePublish.options, releasePublish.schema, 'u'),
    ).toThrow(/--version: is required/)
    expect(() =>
      parseCommandArgs(
        ['--version', '1.2', '--file', 'b.zip'],
        releasePublish.options,
        releasePublish.schema,
        'u',
      ),
    ).toThrow(/SemVer/)
    const ok = parseCommandArgs(
      ['--version', '1.2.0-beta.1', '--file', 'b.zip', '--platforms', 'linux-x86_64,web'],
      releasePublish.options,
      releasePublish.schema,
      'u',
    )
    expect(ok).toMatchObject({
      args: {
        version: '1.2.0-beta.1',
        file: 'b.zip',
        platforms: ['linux-x86_64', 'web'],
        manifest: 'zapcade.json',
      },
    })
    // Platforms are NIP-82 ids; a family name is refused with the ids it stands for.
    expect(() =>
      parseCommandArgs(
        ['--version', '1.0.0', '--file', 'b.zip', '--platforms', 'linux'],
        releasePublish.options,
        releasePublish.schema,
        'u',
      ),
    ).toThrow(/unknown platform "linux" \(did you mean linux-x86_64 or linux-aarch64\?\)/)
  })

  it('buy takes exactly one game and an optional whole --amount-sats', () => {
    expect(() => parseCommandArgs([], buy.options, buy.schema, 'u')).toThrow(/one game/)
    expect(
      parseCommandArgs(['a/b', '--amount-sats', '50', '--guest'], buy.options, buy.schema, 'u'),
    ).toMatchObject({ args: { 'amount-sats': 50, guest: true, positionals: ['a/b'] } })
  })

  it('every command has a synopsis, a summary and help text', () => {
    for (const c of COMMANDS) {
      expect(c.usage.startsWith(`zapcade ${c.path.join(' ')}`)).toBe(true)
      expect(c.summary.length).toBeGreaterThan(10)
      expect(c.help.trim().length).toBeGreaterThan(10)
    }
  })
})
