/**
 * The local blob store's signed URLs through the whole service over real HTTP: tokens signed with the
 * real secret (as a leaked secret or a bug could mint them) but naming a missing or traversing object
 * answer 4xx problem+json, never 500; an uploader that hangs up mid-body is a client abort (a warning
 * and status 499 in the metrics), not a server error.
 */
import { randomUUID } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signToken } from '../adapters/fs-blob/signed-token.ts'
import { buildObjectKey } from '../ports/blob-store.ts'
import { eventually, startHarness, type Harness } from '../testing/service-harness.ts'

const SECRET = 'blob-route-test-secret-0123456789abcdef'
const SHA = 'ab'.repeat(32)

describe('signed blob URLs over HTTP', () => {
  let h: Harness
  const lines: Record<string, unknown>[] = []
  const exp = (): number => Math.floor(Date.now() / 1000) + 600
  const getToken = (claims: Record<string, unknown>): string =>
    signToken(Buffer.from(SECRET, 'utf8'), 'get', {
      fn: 'a.zip',
      h: SHA,
      exp: exp(),
      ...claims,
    } as never)
  const putToken = (claims: Record<string, unknown>): string =>
    signToken(Buffer.from(SECRET, 'utf8'), 'put', {
      s: 10,
      h: SHA,
      ct: 'application/zip',
      exp: exp(),
      ...claims,
    } as never)

  beforeAll(async () => {
    const log = pino(
      { level: 'info' },
      {
        write: (s: string) => {
          lines.push(JSON.parse(s) as Record<string, unknown>)
        },
      },
    )
    h = await startHarness({ env: { ZAPCADE_SECRET: SECRET }, overrides: { log } })
  })
  afterAll(async () => {
    await h.stop()
  })

  async function problem(r: Response): Promise<{ status: number; code: unknown }> {
    expect(r.headers.get('content-type')).toContain('application/problem+json')
    return { status: r.status, code: ((await r.json()) as { code?: unknown }).code }
  }

  it('a well-signed download token for a missing object answers 404 NOT_FOUND', async () => {
    const token = getToken({ k: buildObjectKey(7, randomUUID()) })
    expect(await problem(await h.call(`/blobs/get/${token}`))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    })
    const head = await h.call(`/blobs/get/${token}`, { method: 'HEAD' })
    expect(head.status).toBe(404)
  })

  it('a well-signed token naming a traversing, absolute or encoded key answers 400, for GET and PUT', async () => {
    const keys = [
      '../../../etc/passwd',
      '/etc/passwd',
      'builds/1/../../../../etc/passwd',
      `builds/1/..%2F..%2F${randomUUID()}.zip`,
      'builds%2F1%2F..%2F..%2Fsecret',
      'builds\\1\\x.zip',
      `builds/1/${randomUUID()}.zip/..`,
      '.incoming/x.part',
      '',
    ]
    for (const k of keys) {
      expect(await problem(await h.call(`/blobs/get/${getToken({ k })}`)), k).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      })
      const put = await h.call(`/blobs/upload/${putToken({ k })}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/zip' },
        body: '0123456789',
      })
      expect(await problem(put), k).toEqual({ status: 400, code: 'VALIDATION_FAILED' })
    }
    expect(await readdir(join(h.dir, 'blobs')).catch(() => [])).not.toContain('etc')
  })

  it('a well-signed token with missing or mistyped claims answers 400, not 500', async () => {
    const k = buildObjectKey(7, randomUUID())
    for (const claims of [{ k: 42 }, { k, fn: null }, { k, h: 5 }, { k, h: 'not-hex' }]) {
      expect(
        await problem(await h.call(`/blobs/get/${getToken(claims)}`)),
        JSON.stringify(claims),
      ).toEqual({ status: 400, code: 'VALIDATION_FAILED' })
    }
    for (const claims of [
      { k, s: -1 },
      { k, s: '10' },
      { k, ct: 7 },
    ]) {
      const put = await h.call(`/blobs/upload/${putToken(claims)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/zip' },
        body: '0123456789',
      })
      expect(await problem(put), JSON.stringify(claims)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      })
    }
    const array = Buffer.from('[1,2]').toString('base64url')
    const { createHmac } = await import('node:crypto')
    const mac = createHmac('sha256', Buffer.from(SECRET, 'utf8'))
      .update(`get|${array}`)
      .digest('base64url')
    expect(await problem(await h.call(`/blobs/get/${array}.${mac}`))).toEqual({
      status: 403,
      code: 'URL_INVALID',
    })
  })

  it('an uploader that disconnects mid-body is logged as a client abort and counted as 499, not 5xx', async () => {
    const key = buildObjectKey(8, randomUUID())
    const size = 4 * 1024 * 1024
    const token = putToken({ k: key, s: size })
    const { hostname, port } = new URL(h.svc.url)
    const socket = connect(Number(port), hostname)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    socket.write(
      `PUT /blobs/upload/${token} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/zip\r\n` +
        `content-length: ${size}\r\nx-request-id: abort-test-0001\r\n\r\n`,
    )
    socket.write(Buffer.alloc(256 * 1024, 1))
    // Hang up only once the service is writing the partial upload: the abort happens mid-body.
    const incoming = join(h.dir, 'blobs', '.incoming')
    await eventually(async () => {
      const parts = await readdir(incoming).catch(() => [])
      const sizes = await Promise.all(
        parts.map(async (p) => (await stat(join(incoming, p)).catch(() => undefined))?.size ?? 0),
      )
      return sizes.some((s) => s > 0)
    })
    socket.destroy()

    const line = await eventually(async () =>
      lines.find(
        (l) =>
          l['request_id'] === 'abort-test-0001' &&
          l['msg'] !== undefined &&
          l['client_abort'] === true,
      ),
    )
    expect(line).toMatchObject({ level: 40, status: 499, client_abort: true, method: 'PUT' })
    expect(
      lines.filter((l) => l['request_id'] === 'abort-test-0001' && (l['level'] as number) >= 50),
    ).toEqual([])
    await eventually(async () => (await readdir(incoming)).length === 0)
    expect(await readdir(incoming)).toEqual([])

    const metrics = await (await h.call('/metrics')).text()
    const uploads = metrics
      .split('\n')
      .filter((l) => l.startsWith('zapcade_http_requests_total{method="PUT"'))
    expect(uploads.some((l) => l.includes('status="499"'))).toBe(true)
    expect(uploads.filter((l) => /status="5\d\d"/.test(l))).toEqual([])
    expect(
      metrics
        .split('\n')
        .filter((l) => l.startsWith('zapcade_http_requests_total') && /status="5\d\d"/.test(l)),
    ).toEqual([])
  })
})
