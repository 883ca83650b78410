/**
 * The closed list of error codes the HTTP API answers with, and the one table from code to status.
 * Every failure is application/problem+json carrying one of these codes (docs/architecture.md "HTTP API rules").
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_REPLAYED: 401,
  FORBIDDEN: 403,
  NOT_ENTITLED: 403,
  NOT_FOUND: 404,
  GAME_NOT_FOUND: 404,
  PURCHASE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  IDEMPOTENCY_IN_FLIGHT: 409,
  IDEMPOTENCY_MISMATCH: 422,
  INVALID_EVENT: 422,
  GAME_NOT_PURCHASABLE: 422,
  AMOUNT_TOO_LOW: 422,
  RECEIPT_INVALID: 422,
  ALREADY_CLAIMED: 409,
  NAME_TAKEN: 409,
  PURCHASE_NOT_PAID: 409,
  NO_BUILD: 409,
  KEY_INVALID: 404,
  KEY_REDEEMED: 409,
  KEY_REVOKED: 409,
  DISCOUNT_CODE_INVALID: 422,
  DISCOUNT_CODE_USED_UP: 409,
  VERSION_PUBLISHED: 409,
  UPLOAD_INVALID: 422,
  UPLOAD_EXPIRED: 410,
  URL_EXPIRED: 410,
  URL_INVALID: 403,
  LNURL_INVALID: 422,
  RATE_LIMITED: 429,
  WALLET_UNAVAILABLE: 503,
  RELAY_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>

export type ErrorCode = keyof typeof errorStatus

/** All error codes, for documentation and tests. */
export const errorCodes = Object.keys(errorStatus) as ErrorCode[]

/** HTTP status for an error code. */
export function statusOf(code: ErrorCode): number {
  return errorStatus[code]
}

/** The one application error: a stable code, a human detail, optional extra fields for the problem body. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly extra: Record<string, unknown> | undefined

  constructor(code: ErrorCode, detail: string, extra?: Record<string, unknown>) {
    super(detail)
    this.name = 'AppError'
    this.code = code
    this.status = errorStatus[code]
    this.extra = extra
  }
}

/** Human titles for problem documents. */
export function titleOf(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split('_')
    .map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ')
}
