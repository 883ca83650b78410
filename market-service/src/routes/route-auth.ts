/**
 * What the blob/download routes need from the app's NIP-98 layer, as functions, so they plug into
 * createApp's middleware without importing it (and a test harness can supply its own).
 */
import type { Context } from 'hono'

export interface RouteAuth {
  /** The NIP-98-verified pubkey of the caller; throws AppError AUTH_* when absent or invalid. */
  required(c: Context): Promise<string>
  /** The verified pubkey when an Authorization header is present (invalid ones still throw), else undefined. */
  optional(c: Context): Promise<string | undefined>
  /** The verified pubkey of an admin (ZAPCADE_ADMIN_PUBKEYS); throws AUTH_* or FORBIDDEN. */
  admin(c: Context): Promise<string>
}

/** The client's address as the socket saw it (@hono/node-server puts the IncomingMessage in env). */
export function socketIp(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}
