/**
 * The app's one Hono app and its policy chain, driven with real requests through `app.request` (Hono's own
 * fetch): routing (404, 405 with Allow, HEAD, duplicate routes), and every check a route's policy turns on.
 */
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/app/http/http-app.js';
import type { HttpRoute } from '../../src/channels/channel.js';
import { silentLogger } from '../../src/channels/logger.js';

const HOST = 'localhost:3000';
const echo: HttpRoute = {
  method: 'POST',
  path: '/hook',
  policy: { audience: 'webhook', maxBodyBytes: 64 },
  handler: async (c) => c.json({ got: await c.req.json() }),
};
const form: HttpRoute = {
  method: 'POST',
  path: '/form',
  policy: { audience: 'webhook', accepts: ['application/json', 'application/x-www-form-urlencoded'] },
  handler: async (c) => c.text(await c.req.text()),
};
const page: HttpRoute = {
  method: 'GET',
  path: '/page/:id',
  policy: { audience: 'browser' },
  handler: (c) => c.text(`page ${c.req.param('id')}`),
};
const browserPost: HttpRoute = {
  method: 'POST',
  path: '/page/:id',
  policy: { audience: 'browser' },
  handler: (c) => c.json({ ok: true }, 201),
};
const slow: HttpRoute = {
  method: 'GET',
  path: '/slow',
  policy: { audience: 'public', timeoutMs: 20 },
  handler: async (c) => {
    await new Promise((r) => setTimeout(r, 200));
    return c.text('late');
  },
};

function app(extra: Partial<Parameters<typeof createHttpApp>[0]> = {}) {
  return createHttpApp({
    routes: [echo, form, page, browserPost, slow],
    logger: silentLogger,
    allowedHosts: ['localhost', '127.0.0.1'],
    trustProxy: false,
    ...extra,
  });
}

const json = (body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { host: HOST, 'content-type': 'application/json', ...headers },
  body,
});

describe('the HTTP app', () => {
  it('routes exact and parameter paths; other methods get 405 with Allow; unknown paths 404; HEAD works', async () => {
    const a = app();
    expect(await (await a.request('/page/7', { headers: { host: HOST } })).text()).toBe('page 7');
    const put = await a.request('/hook', { method: 'PUT', headers: { host: HOST } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    const del = await a.request('/page/7', { method: 'DELETE', headers: { host: HOST } });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST, HEAD');
    const missing = await a.request('/missing', { headers: { host: HOST } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Nothing at /missing.' });
    const head = await a.request('/page/7', { method: 'HEAD', headers: { host: HOST } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses two channels claiming the same route', () => {
    expect(() => createHttpApp({ routes: [echo, echo], logger: silentLogger, trustProxy: false })).toThrow(
      /Two channels want POST \/hook/,
    );
  });

  it('gives every answer a request id, the caller’s own when it sent one', async () => {
    const a = app();
    const fresh = await a.request('/page/1', { headers: { host: HOST } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await a.request('/page/1', { headers: { host: HOST, 'x-request-id': 'trace-42' } });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
  });

  it('refuses a Host outside the allow-list (DNS rebinding), except for the health probe', async () => {
    const a = createHttpApp({
      routes: [page, { ...slow, path: '/healthz', timeoutMs: undefined } as HttpRoute],
      logger: silentLogger,
      allowedHosts: ['localhost'],
      trustProxy: false,
    });
    const rebound = await a.request('/page/1', { headers: { host: 'attacker.example:3000' } });
    expect(rebound.status).toBe(403);
    expect(((await rebound.json()) as { error: string }).error).toContain('BATON_ALLOWED_HOSTS');
    expect((await a.request('/page/1', { headers: { host: 'localhost:3000' } })).status).toBe(200);
  });

  it('refuses X-Forwarded-* unless the proxy is trusted, and always where a route says so', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9' };
    const refused = await app().request('/hook', json('{}', forwarded));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toContain('BATON_TRUST_PROXY=on');
    expect((await app({ trustProxy: true }).request('/hook', json('{}', forwarded))).status).toBe(200);
    const strict = createHttpApp({
      routes: [{ ...echo, policy: { ...echo.policy, refuseForwarded: true } }],
      logger: silentLogger,
      trustProxy: true,
    });
    expect((await strict.request('/hook', json('{}', forwarded))).status).toBe(403);
  });

  it('refuses any Origin on a webhook, and a foreign Origin on a browser route', async () => {
    const a = app();
    expect((await a.request('/hook', json('{}', { origin: 'http://localhost:3000' }))).status).toBe(403);
    expect((await a.request('/page/1', json('{}', { origin: 'http://evil.example' }))).status).toBe(403);
    expect((await a.request('/page/1', json('{}', { origin: `http://${HOST}` }))).status).toBe(201);
    // A cross-site fetch without Origin is still recognised by the browser's Sec-Fetch-Site; a navigation is fine.
    const crossSite = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' };
    expect((await a.request('/page/1', json('{}', crossSite))).status).toBe(403);
    const nav = { host: HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' };
    expect((await a.request('/page/1', { headers: nav })).status).toBe(200);
  });

  it('answers 415 to other content types, 413 past the limit, 400 with a clear error for malformed JSON', async () => {
    const a = app();
    const plain = await a.request('/hook', json('{}', { 'content-type': 'text/plain' }));
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: string }).error).toBe(
      'Send application/json (content-type: application/json), not "text/plain".',
    );
    expect(
      (await a.request('/hook', json('{}', { 'content-type': 'application/x-www-form-urlencoded' }))).status,
    ).toBe(415);
    const big = await a.request('/hook', json(JSON.stringify({ pad: 'x'.repeat(100) })));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'The request body is larger than 64 bytes.' });
    const broken = await a.request('/hook', json('{"a":'));
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: string }).error).toMatch(
      /^The request body is not valid JSON \(/,
    );
    // What passes reaches the handler intact, raw text included.
    expect(await (await a.request('/hook', json('{"a":1}'))).json()).toEqual({ got: { a: 1 } });
    const formBody = await a.request('/form', {
      method: 'POST',
      headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'payload=%7B%7D',
    });
    expect(await formBody.text()).toBe('payload=%7B%7D');
  });

  it('answers 504 when a handler misses its deadline, and 503 while shutting down', async () => {
    const late = await app().request('/slow', { headers: { host: HOST } });
    expect(late.status).toBe(504);
    const closing = app({ isClosing: () => true });
    const res = await closing.request('/page/1', { headers: { host: HOST } });
    expect(res.status).toBe(503);
    expect(res.headers.get('connection')).toBe('close');
  });

  it('asks browser routes for the access token when one is set, and remembers it in a cookie', async () => {
    const a = app({ accessToken: 'a'.repeat(32) });
    const without = await a.request('/page/1', { headers: { host: HOST } });
    expect(without.status).toBe(401);
    expect(((await without.json()) as { error: string }).error).toContain('/?token=');
    const wrong = await a.request(`/page/1?token=${'b'.repeat(32)}`, { headers: { host: HOST } });
    expect(wrong.status).toBe(401);
    const first = await a.request(`/page/1?token=${'a'.repeat(32)}`, { headers: { host: HOST } });
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const again = await a.request('/page/2', { headers: { host: HOST, cookie: cookie.split(';')[0]! } });
    expect(again.status).toBe(200);
    // Webhooks authenticate themselves: the token is not asked of them.
    expect((await a.request('/hook', json('{}'))).status).toBe(200);
  });
});
