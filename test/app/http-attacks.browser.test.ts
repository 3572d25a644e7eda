/**
 * The running app attacked the way the security review did (issue 13.1): from pages in a real Chromium. A
 * cross-site page POSTs a Teams activity as text/plain (no CORS preflight) to the unauthenticated Teams endpoint;
 * a DNS-rebinding page, its domain resolved to 127.0.0.1, reads the playground and posts to Teams. Every attempt
 * is refused by the app's policy chain and runs no turn; the same activity sent as a local tool would send it
 * (JSON, no Origin) is served, so the refusals are the policy and not a broken endpoint.
 */
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app/app.js';
import { CHROMIUM_PATH, hasChromium, launchChromium } from '../browser.js';
import { type FakeConnector, startFakeConnector } from '../channels/teams/fake-connector.js';
import { startTestApp, tempDataDir } from './app-harness.js';

if (!hasChromium) {
  console.warn(
    `Skipping the HTTP attack browser tests: ${CHROMIUM_PATH} is missing (apt-get install -y chromium).`,
  );
}

const REBOUND = 'rebound.example';

interface RequestLine {
  msg: string;
  method?: string;
  path?: string;
  status?: number;
  requestId?: string;
}

describe.skipIf(!hasChromium)('the app attacked from web pages', () => {
  let browser: Browser;
  let app: RunningApp;
  let connector: FakeConnector;
  let removeDir: () => Promise<void>;
  const lines: RequestLine[] = [];

  beforeAll(async () => {
    // Chromium's own local-network checks would block some of these requests before they leave; older browsers and
    // other clients have none, so they are off here and the app must refuse on its own.
    browser = await launchChromium(
      [REBOUND],
      [
        '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights',
      ],
    );
    connector = await startFakeConnector();
    const dir = await tempDataDir();
    removeDir = dir.remove;
    const logDestination = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as RequestLine);
        done();
      },
    });
    app = await startTestApp(dir.path, { BATON_TEAMS_AUTH: 'off', LOG_LEVEL: 'debug' }, { logDestination });
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await browser?.close();
    await removeDir?.();
  });

  let seq = 0;
  const activity = () => ({
    type: 'message',
    id: `attack-${++seq}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:mallory', name: 'Mallory', aadObjectId: 'aad-mallory' },
    recipient: { id: '28:baton-bot', name: 'Baton' },
    conversation: { id: `a:attack-${seq}`, conversationType: 'personal', tenantId: 'tenant-x' },
    channelData: { tenant: { id: 'tenant-x' } },
    text: 'I need a refund for order 1234',
  });

  /** A page at `origin` whose HTML the test supplies (the attacker's site), other requests going out for real. */
  async function attackerPage(origin: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route(`${origin}/attack.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>cute cats</title>' }),
    );
    await page.goto(`${origin}/attack.html`);
    return page;
  }

  const requestsTo = (path: string) => lines.filter((l) => l.msg === 'request' && l.path === path);

  it('refuses a cross-site text/plain POST to /api/messages, and no turn runs', async () => {
    const page = await attackerPage('http://localhost:9'); // another site: a different host and port
    const before = requestsTo('/api/messages').length;
    const sent = await page.evaluate(
      async ({ url, body }) => {
        // `no-cors` + text/plain is a "simple" request: the browser sends it without asking first.
        await fetch(url, {
          method: 'POST',
          mode: 'no-cors',
          headers: { 'content-type': 'text/plain' },
          body,
        });
        return true;
      },
      { url: `${app.url}/api/messages`, body: JSON.stringify(activity()) },
    );
    expect(sent).toBe(true);
    await expect.poll(() => requestsTo('/api/messages').length).toBe(before + 1);
    const line = requestsTo('/api/messages').at(-1)!;
    expect(line).toMatchObject({ method: 'POST', status: 403 });
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // As JSON the page cannot read an answer (the app grants no CORS), and whatever reaches the app is refused.
    const postsBefore = requestsTo('/api/messages').length;
    const refused = await page.evaluate(
      async ({ url, body }) => {
        try {
          await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          return 'sent';
        } catch {
          return 'blocked';
        }
      },
      { url: `${app.url}/api/messages`, body: JSON.stringify(activity()) },
    );
    expect(refused).toBe('blocked');
    for (const line of requestsTo('/api/messages').slice(postsBefore))
      expect(line.status).toBeGreaterThanOrEqual(403);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls).toHaveLength(0);
    await page.context().close();
  });

  it('refuses a DNS-rebinding page: wrong Host for the playground and for Teams, and no turn runs', async () => {
    const origin = `http://${REBOUND}:${app.port}`;
    // Opening the rebound name itself: the app answers 403, not the playground.
    const context = await browser.newContext();
    const direct = await context.newPage();
    const response = await direct.goto(`${origin}/`);
    expect(response?.status()).toBe(403);
    expect(await direct.textContent('body')).toContain('BATON_ALLOWED_HOSTS');
    await context.close();

    const page = await attackerPage(origin);
    const statuses = await page.evaluate(async (body) => {
      const threads = await fetch('/api/playground/threads');
      const teams = await fetch('/api/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return [threads.status, teams.status];
    }, JSON.stringify(activity()));
    expect(statuses).toEqual([403, 403]);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls).toHaveLength(0);
    await page.context().close();
  });

  it('serves the same activity sent as a local tool sends it (JSON, no Origin), so the refusals above are policy', async () => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity()),
    });
    expect(res.status).toBe(200);
    // The bot answered through the (loopback) serviceUrl: at least the typing indicator.
    await connector.waitFor((calls) => calls.length > 0);
  });
});
