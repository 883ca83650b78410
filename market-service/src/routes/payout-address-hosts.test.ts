/** The payout address check over real HTTP: hosts the service must never probe are refused before any fetch. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newKey, startHarness, type Harness } from '../testing/service-harness.ts'

describe('PUT /api/v1/developer/profile refuses hosts the service must not probe', () => {
  let h: Harness
  const fetched: string[] = []
  beforeAll(async () => {
    const recordingFetch = (async (u: string | URL) => {
      fetched.push(String(u))
      return Response.json({})
    }) as typeof fetch
    h = await startHarness({ overrides: { fetch: recordingFetch } })
  })
  afterAll(async () => {
    await h.stop()
  })

  it('answers 422 LNURL_INVALID for numeric loopback spellings and link-local/metadata hosts, even in development', async () => {
    const dev = newKey()
    for (const host of [
      '0x7f000001',
      '2130706433',
      '0177.0.0.1',
      '127.1',
      '169.254.169.254',
      '2852039166',
      '0.0.0.0',
    ]) {
      const res = await h.call('/api/v1/developer/profile', {
        method: 'PUT',
        body: JSON.stringify({ payout_ln_address: `alice@${host}` }),
        auth: dev,
      })
      expect(res.status, host).toBe(422)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(await res.json()).toMatchObject({ code: 'LNURL_INVALID' })
    }
    expect(fetched).toEqual([])
    const row = h.svc.db
      .prepare(
        'SELECT count(*) AS n FROM developer_profiles p JOIN users u ON u.id = p.user_id WHERE u.pubkey = ?',
      )
      .get(dev.pubkey)
    expect(row).toEqual({ n: 0 })
  })
})
