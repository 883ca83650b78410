/**
 * Hidden password entry on the terminal (echo off), or ZAPCADE_PASSWORD for scripts and tests.
 * Never reads a password from a non-terminal stdin silently: that would hang a script.
 */
import { UsageError } from './exit.ts'

export interface PromptIo {
  env: NodeJS.ProcessEnv
  stdin: NodeJS.ReadStream
  stderr: NodeJS.WriteStream
}

/** Read one line with echo off from a TTY. */
function readHidden(io: PromptIo, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin, stderr } = io
    stderr.write(question)
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    let text = ''
    const done = (err?: Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      stderr.write('\n')
      if (err) reject(err)
      else resolve(text)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done()
        if (ch === '\u0003') return done(new UsageError('cancelled'))
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1)
        else text += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** The password: ZAPCADE_PASSWORD, else a hidden prompt (twice when `confirm`). */
export async function askPassword(
  io: PromptIo,
  question: string,
  confirm = false,
): Promise<string> {
  const fromEnv = io.env.ZAPCADE_PASSWORD
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!io.stdin.isTTY)
    throw new UsageError('a password is needed: set ZAPCADE_PASSWORD or run in a terminal')
  const first = await readHidden(io, question)
  if (first === '') throw new UsageError('the password must not be empty')
  if (confirm && (await readHidden(io, 'Repeat the password: ')) !== first)
    throw new UsageError('the passwords differ')
  return first
}

/** Read a secret line (an nsec) from a TTY with echo off, or all of a piped stdin. */
export async function readSecretInput(io: PromptIo, question: string): Promise<string> {
  if (io.stdin.isTTY) return readHidden(io, question)
  const chunks: Buffer[] = []
  for await (const c of io.stdin)
    chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks).toString('utf8').trim()
}
