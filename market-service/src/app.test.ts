/** The app shell over real HTTP: problem+json, body limit, health, metrics, NIP-05, OpenAPI coverage. */
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { AdminGameStatusResponse } from '@zapcade/shared/api/admin'
import { MeResponse } from '@zapcade/shared/api/me'
import { MarketInfoResponse } from '@zapcade/shared/api/catalog'
import { DeveloperGamesResponse, DeveloperProfileResponse } from '@zapcade/shared/api/developer'
import { PublishEventResponse } from '@zapcade/shared/api/events'
import { NostrJsonResponse } from '@zapcade/shared/api/info'
import { ProblemResponse } from '@zapcade/shared/api/problem'
import { buildGame } from '@zapcade/shared/events/game'
import { addGame, addUser } from './adapters/sqlite/testing/blob-seed.ts'
import { HealthResponse } from './routes/health.ts'
import { eventually, newKey, sign, startHarness, type Harness } from './testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

describe('errors', () => {
  it('answers unknown routes with a NOT_FOUND problem carrying the request id', async () => {
    h = await startHarness()
    const res = await h.call('/api/v1/nothing-here', {
      headers: { 'x-request-id': 'req-12345678' },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.headers.get('x-request-id')).toBe('req-12345678')
    expect(ProblemResponse.parse(await res.json())).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      request_id: 'req-12345678',
      title: 'Not found',
    })
  })

  it('turns an unexpected error into a 500 INTERNAL that names the request id and leaks nothing', async () => {
    const boom = () =>
      new Hono().get('/api/v1/boom', () => {
        throw new Error('secret: db password is hunter2')
      })
    h = await startHarness({ overrides: { features: [boom] } })
    const res = await h.call('/api/v1/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('hunter2')
    const p = ProblemResponse.parse(JSON.parse(text))
    expect(p.code).toBe('INTERNAL')
    expect(p.detail).toContain(res.headers.get('x-request-id')!)
  })

  it('refuses a body over the limit with 413 BODY_TOO_LARGE before parsing it', async () => {
    h = await startHarness({ env: { ZAPCADE_MAX_BODY_BYTES: '2048' } })
    const res = await h.call('/api/v1/events', {
      method: 'POST',
      body: JSON.stringify({ content: 'x'.repeat(4096) }),
    })
    expect(res.status).toBe(413)
    expect((await res.json()).code).toBe('BODY_TOO_LARGE')
  })

  it('refuses a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    h = await startHarness()
    const res = await h.call('/api/v1/events', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    })
    expect(res.status).toBe(415)
    expect((await res.json()).code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('answers malformed JSON with VALIDATION_FAILED', async () => {
    h = await startHarness()
    const res = await h.call('/api/v1/events', { method: 'POST', body: '{"id":' })
    expect(res.status).toBe(400)
    expect((await res.json()).code).toBe('VALIDATION_FAILED')
  })
})

describe('identity and operations', () => {
  it('serves /healthz, NIP-05 for the market name, and publishes the market kind 0 once per content', async () => {
    h = await startHarness({
      env: { ZAPCADE_LUD16_NAME: 'shop', ZAPCADE_PUBLIC_URL: 'https://market.example' },
    })
    expect(HealthResponse.parse(await (await h.call('/healthz')).json())).toEqual({ ok: true })
    const info = MarketInfoResponse.parse(await (await h.call('/api/v1/info')).json())
    const nip05 = NostrJsonResponse.parse(
      await (await h.call('/.well-known/nostr.json?name=shop')).json(),
    )
    expect(nip05.names).toEqual({ shop: info.market_pubkey })
    expect((await (await h.call('/.well-known/nostr.json?name=someone')).json()).names).toEqual({})
    const [profile] = await eventually(() =>
      h!.query({ kinds: [0], authors: [info.market_pubkey] }),
    )
    expect(JSON.parse(profile!.content)).toEqual({
      name: 'Zapcade',
      lud16: 'shop@market.example',
      nip05: 'shop@market.example',
    })
    const jobs = () =>
      h!.svc.db
        .prepare("SELECT count(*) AS n FROM outbox_jobs WHERE type = 'PUBLISH_PROFILE'")
        .get()
    expect(jobs()).toEqual({ n: 1 })
    // Same content on restart: no second job.
    const { enqueueMarketProfile } = await import('./server.ts')
    enqueueMarketProfile(h.svc.db, h.svc.config, 0)
    expect(jobs()).toEqual({ n: 1 })
  })

  it('exposes request counts and latencies by route, indexer counters and the outbox backlog', async () => {
    h = await startHarness()
    h.svc.db
      .prepare("INSERT INTO indexer_counters (name, value) VALUES ('rejected:parse:price', 7)")
      .run()
    await h.call('/healthz')
    await h.call('/healthz')
    const text = await (await h.call('/metrics')).text()
    expect(text).toContain(
      'zapcade_http_requests_total{method="GET",route="/healthz",status="200"} 2',
    )
    expect(text).toMatch(
      /zapcade_http_request_duration_seconds_count\{method="GET",route="\/healthz"\} 2/,
    )
    expect(text).toContain('zapcade_indexer_events_total{name="rejected:parse:price"} 7')
    expect(text).toMatch(/zapcade_outbox_jobs\{status="PENDING"\} \d+/)
  })
})

describe('OpenAPI document', () => {
  it('documents every mounted route', async () => {
    h = await startHarness()
    const doc = (await (await h.call('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    const missing = h.svc.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`)
      .filter((k) => {
        const [m, p] = k.split(' ') as [string, string]
        return doc.paths[p]?.[m] === undefined
      })
    expect(missing).toEqual([])
  })

  it('answers each route with a status the document declares and a body its schema accepts', async () => {
    h = await startHarness()
    const doc = (await (await h.call('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    const dev = newKey()
    addGame(h.svc.db, addUser(h.svc.db, dev.pubkey), 'alpha')
    const game = sign(
      dev,
      buildGame({ slug: 'beta', title: 'Beta', createdAtSec: Math.floor(Date.now() / 1000) }),
    )
    const cases: [
      string,
      string,
      string,
      RequestInit & { auth?: ReturnType<typeof newKey> },
      z.ZodType,
    ][] = [
      ['get', '/healthz', '/healthz', {}, HealthResponse],
      ['get', '/.well-known/nostr.json', '/.well-known/nostr.json', {}, NostrJsonResponse],
      [
        'post',
        '/api/v1/events',
        '/api/v1/events',
        { method: 'POST', body: JSON.stringify(game) },
        PublishEventResponse,
      ],
      ['post', '/api/v1/events', '/api/v1/events', { method: 'POST', body: '{}' }, ProblemResponse],
      [
        'put',
        '/api/v1/developer/profile',
        '/api/v1/developer/profile',
        {
          method: 'PUT',
          body: JSON.stringify({ payout_ln_address: 'dev@127.0.0.1:9' }),
          auth: dev,
        },
        DeveloperProfileResponse,
      ],
      [
        'get',
        '/api/v1/developer/games',
        '/api/v1/developer/games',
        { auth: dev },
        DeveloperGamesResponse,
      ],
      ['get', '/api/v1/developer/games', '/api/v1/developer/games', {}, ProblemResponse],
      [
        'post',
        '/api/v1/admin/games/{pubkey}/{slug}/status',
        `/api/v1/admin/games/${dev.pubkey}/alpha/status`,
        { method: 'POST', body: '{"status":"FEATURED"}', auth: h.admin },
        AdminGameStatusResponse,
      ],
      [
        'post',
        '/api/v1/admin/games/{pubkey}/{slug}/status',
        `/api/v1/admin/games/${dev.pubkey}/alpha/status`,
        { method: 'POST', body: '{"status":"FEATURED"}', auth: dev },
        ProblemResponse,
      ],
      ['get', '/api/v1/info', '/api/v1/info', {}, MarketInfoResponse],
      ['get', '/api/v1/me', '/api/v1/me', { auth: dev }, MeResponse],
      ['get', '/api/v1/me', '/api/v1/me', {}, ProblemResponse],
    ]
    for (const [method, template, path, init, schema] of cases) {
      const res = await h.call(path, init)
      const op = doc.paths[template]?.[method]
      expect(op, `${method} ${template} documented`).toBeDefined()
      expect(Object.keys(op!.responses), `${method} ${path} → ${res.status} declared`).toContain(
        String(res.status),
      )
      const parsed = schema.safeParse(await res.json())
      expect(parsed.success, `${method} ${path} body matches its schema`).toBe(true)
    }
  })
})
