/** The problem+json body every failure carries (RFC 9457 + our stable `code`), docs/architecture.md "HTTP API rules". */
import { z } from 'zod'
import { errorCodes, type ErrorCode } from '../errors.ts'

export const ProblemResponse = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
    request_id: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose()
export type ProblemResponse = z.infer<typeof ProblemResponse>
