/**
 * Exit codes the CLI promises scripts (README and `zapcade --help`):
 * 0 ok · 1 usage or local input · 2 the service refused · 3 the service or a relay is unreachable ·
 * 4 a verification failed (a download's sha256 against the signed asset event).
 */
import { WrongPasswordError } from '../signers/ncryptsec.ts'
import { ZapcadeApiError, ZapcadeNetworkError, ZapcadeResponseError } from '../api/errors.ts'

export const EXIT = { ok: 0, usage: 1, service: 2, network: 3, verification: 4 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Wrong or missing arguments, a bad manifest, a missing file: the user can fix it locally. */
export class UsageError extends Error {
  readonly hint: string | undefined
  constructor(message: string, hint?: string) {
    super(message)
    this.name = 'UsageError'
    this.hint = hint
  }
}

/** Bytes that do not match what was signed. */
export class VerificationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'VerificationError'
  }
}

/** A relay, a wallet or another non-market party did not answer. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnreachableError'
  }
}

/** A refusal from a party other than the market (a wallet's pay_invoice error, an upload rejected). */
export class RefusedError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'RefusedError'
    this.code = code
  }
}

export interface Failure {
  exit: ExitCode
  code: string
  /** One line, never a stack trace. */
  message: string
  hint?: string
}

/** Classify any thrown value into an exit code and one line for people. */
export function failureOf(e: unknown): Failure {
  if (e instanceof ZapcadeApiError)
    return { exit: EXIT.service, code: e.code, message: oneLine(e.detail) }
  if (e instanceof ZapcadeResponseError)
    return { exit: EXIT.service, code: 'INVALID_RESPONSE', message: oneLine(e.message) }
  if (e instanceof ZapcadeNetworkError || e instanceof UnreachableError)
    return { exit: EXIT.network, code: 'UNREACHABLE', message: oneLine(e.message) }
  if (e instanceof VerificationError)
    return { exit: EXIT.verification, code: 'VERIFICATION_FAILED', message: oneLine(e.message) }
  if (e instanceof RefusedError)
    return { exit: EXIT.service, code: e.code, message: oneLine(e.message) }
  if (e instanceof UsageError) {
    const f: Failure = { exit: EXIT.usage, code: 'USAGE', message: oneLine(e.message) }
    if (e.hint) f.hint = e.hint
    return f
  }
  if (e instanceof WrongPasswordError)
    return { exit: EXIT.usage, code: 'WRONG_PASSWORD', message: e.message }
  const errno = (e as { code?: unknown } | null)?.code
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    return {
      exit: EXIT.usage,
      code: errno,
      message: oneLine(e instanceof Error ? e.message : String(e)),
    }
  }
  return {
    exit: EXIT.usage,
    code: 'ERROR',
    message: oneLine(e instanceof Error ? e.message : String(e)),
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim()
}
