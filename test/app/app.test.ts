/** The app started in-process as `npm start` would, with the offline demo model and the embedded DynamoDB. */

import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningApp, startApp } from '../../src/app/app.js';
import { parseConfig } from '../../src/app/config.js';
import { startEmbeddedDynamo } from '../../src/store/dynamodb/index.js';
import { startScriptedOpenAIServer } from '../../src/testing/index.js';
import { api, openEventStream, startTestApp, tempDataDir } from './app-harness.js';

interface Snapshot {
  title: string;
  status: string;
  running: boolean;
  items: {
    kind: string;
    text?: string;
    agent?: string;
    to?: string;
    from?: string;
    reason?: string;
    approved?: boolean;
    tool?: string;
  }[];
  pending: {
    kind: string;
    requestId: string;
    tool?: string;
    args?: Record<string, unknown>;
    agent: string;
  }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function boot(env: Record<string, string> = {}, options: Parameters<typeof startTestApp>[2] = {}) {
  const dir = await tempDataDir();
  cleanups.push(dir.remove);
  const app = await startTestApp(dir.path, env, options);
  cleanups.push(() => app.close());
  return { app, dir: dir.path };
}

async function newThread(app: RunningApp): Promise<string> {
  const created = await api<{ thread: { id: string } }>(app, 'POST', '/threads', {});
  expect(created.status).toBe(201);
  return created.body.thread.id;
}

describe('the app', () => {
  it('answers /healthz and prints a banner saying what is on, what is off and how to turn it on', async () => {
    let banner = '';
    const { app } = await boot({}, { printBanner: (text) => (banner += text) });
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      store: 'embedded',
      model: 'demo',
      bot: 'customer_support_handoff',
      channels: ['playground'],
    });
    expect(banner).toContain(`Baton is running at ${app.url}`);
    expect(banner).toContain('SCRIPTED — no AI is connected. Set OPENAI_API_KEY');
    expect(banner).toContain('Slack: off — set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
    // Without an app id Teams is off unless unauthenticated use is asked for, and the banner says how.
    expect(banner).toContain('Teams: off — set MicrosoftAppId');
    expect(banner).toContain('BATON_TEAMS_AUTH=off');
    expect(banner).toContain('Answers requests addressed to: localhost, 127.0.0.1, [::1]');
    expect((await fetch(`${app.url}/api/messages`, { method: 'POST' })).status).toBe(404);
    expect(banner).toContain('embedded DynamoDB (dynalite)');
    expect((await fetch(`${app.url}/nope`)).status).toBe(404);
    const page = await fetch(`${app.url}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>Baton playground</title>');
  });

  it('fails to start with an actionable error, and leaves nothing running behind it', async () => {
    const dir = await tempDataDir();
    cleanups.push(dir.remove);
    await expect(startTestApp(dir.path, { BATON_BOT: './missing-bot.ts' })).rejects.toThrow(
      /BATON_BOT=\.\/missing-bot\.ts: no file at/,
    );
    // The embedded DynamoDB was stopped: its data folder can be opened again at once.
    const app = await startTestApp(dir.path);
    cleanups.push(() => app.close());
    await expect(startTestApp(dir.path)).rejects.toThrow(
      /Another Baton \(pid \d+\) is using BATON_DATA_DIR=/,
    );

    const other = await tempDataDir();
    cleanups.push(other.remove);
    const config = parseConfig({ LOG_LEVEL: 'silent', BATON_DATA_DIR: other.path, PORT: String(app.port) });
    await expect(startApp(config, { printBanner: false })).rejects.toThrow(
      `PORT=${app.port} is already in use on 127.0.0.1: stop the other server or set PORT to a free port.`,
    );
  });

  it('mounts Slack when configured, with signatures verified on /slack/events', async () => {
    let banner = '';
    const secret = `test-${Math.random().toString(36).slice(2)}`;
    const { app } = await boot(
      {
        SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
      },
      { printBanner: (text) => (banner += text) },
    );
    expect(banner).toMatch(/Slack: on/);
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as { channels: string[] };
    expect(health.channels).toContain('slack');
    const unsigned = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'url_verification', challenge: 'x' }),
    });
    expect(unsigned.status).toBe(401);
  });

  it('refuses playground API requests addressed to another host (DNS rebinding) or from another origin', async () => {
    const { app } = await boot();
    const get = (headers: Record<string, string>, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: app.port, path: '/api/playground/threads', method, headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(method === 'POST' ? '{}' : undefined);
      });
    expect(await get({ host: `127.0.0.1:${app.port}` })).toBe(200);
    expect(await get({ host: `localhost:${app.port}` })).toBe(200);
    expect(await get({ host: `rebound.example:${app.port}` })).toBe(403);
    const post = { host: `127.0.0.1:${app.port}`, 'content-type': 'application/json' };
    expect(await get({ ...post, origin: 'http://evil.example' }, 'POST')).toBe(403);
    expect(await get({ ...post, origin: `http://127.0.0.1:${app.port}` }, 'POST')).toBe(201);
  });

  it('can run without the playground (BATON_PLAYGROUND=off)', async () => {
    let banner = '';
    const { app } = await boot(
      { BATON_PLAYGROUND: 'off', BATON_TEAMS_AUTH: 'off' },
      { printBanner: (text) => (banner += text) },
    );
    expect((await fetch(`${app.url}/`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/playground/threads`)).status).toBe(404);
    expect(((await (await fetch(`${app.url}/healthz`)).json()) as { channels: string[] }).channels).toEqual([
      'teams',
    ]);
    // Asked for explicitly, and said in plain words.
    expect(banner).toContain('Teams: on — POST /api/messages, authentication OFF');
    expect(banner).toContain('BATON_TEAMS_AUTH=off: POST /api/messages has NO authentication');
    expect(banner).toContain('Playground: off — set BATON_PLAYGROUND=on');
  });

  it('runs a refund conversation over the JSON API and the event stream, approval included', async () => {
    const { app } = await boot();
    const stream = await openEventStream(app);
    expect(stream.contentType).toContain('text/event-stream');
    const id = await newThread(app);

    const accepted = await api(app, 'POST', `/threads/${id}/messages`, {
      text: 'My order 1234 arrived damaged, I need a refund.',
    });
    expect(accepted.status).toBe(202);
    await stream.waitFor((e) => e.type === 'turn_end' && e.threadId === id);
    const types = stream.events.filter((e) => e.threadId === id).map((e) => e.type);
    expect(types[0]).toBe('user_message');
    expect(types).toContain('delta');
    // Streamed text arrives before the finished message, the handoff before the specialist speaks.
    expect(types.indexOf('mark')).toBeLessThan(types.indexOf('delta'));
    expect(types.indexOf('delta')).toBeLessThan(types.indexOf('message'));
    expect(types.at(-1)).toBe('turn_end');

    let snap = (await api<Snapshot>(app, 'GET', `/threads/${id}`)).body;
    expect(snap.title).toBe('My order 1234 arrived damaged, I need a refund.');
    expect(snap.items.find((i) => i.kind === 'handoff')).toMatchObject({
      from: 'triage_agent',
      to: 'refund_agent',
    });
    expect(snap.pending).toEqual([
      expect.objectContaining({
        kind: 'approval',
        tool: 'process_refund',
        args: { order_number: '1234' },
        agent: 'refund_agent',
      }),
    ]);
    const requestId = snap.pending[0]!.requestId;

    const mark = stream.events.length;
    expect((await api(app, 'POST', `/threads/${id}/decisions`, { requestId, approved: true })).status).toBe(
      202,
    );
    const end = await stream.waitFor((e) => e.type === 'turn_end' && e.threadId === id, mark);
    expect(end.decision).toBe('settled');
    snap = (await api<Snapshot>(app, 'GET', `/threads/${id}`)).body;
    expect(snap.items.find((i) => i.kind === 'decision')).toMatchObject({
      approved: true,
      tool: 'process_refund',
    });
    expect(snap.items.at(-1)?.text).toContain('Refund processed successfully for order 1234');
    expect(snap.pending.map((p) => p.kind)).toEqual(['user_input']);

    // A second click on the same card does nothing.
    const again = stream.events.length;
    await api(app, 'POST', `/threads/${id}/decisions`, { requestId, approved: false });
    expect((await stream.waitFor((e) => e.type === 'turn_end', again)).status).toBe('duplicate');

    const bye = stream.events.length;
    await api(app, 'POST', `/threads/${id}/messages`, { text: 'Thanks!' });
    await stream.waitFor((e) => e.type === 'turn_end' && e.threadId === id, bye);
    snap = (await api<Snapshot>(app, 'GET', `/threads/${id}`)).body;
    expect(snap.status).toBe('completed');
    expect(snap.items.at(-1)).toEqual({ kind: 'ended' });
    stream.close();
  });

  it('rejects bad requests with a reason', async () => {
    const { app } = await boot();
    const id = await newThread(app);
    expect((await api(app, 'POST', `/threads/${id}/messages`, { text: '   ' })).status).toBe(400);
    expect((await api(app, 'GET', '/threads/tzzzzzzzzzzzz')).status).toBe(404);
    const form = await fetch(`${app.url}/api/playground/threads/${id}/messages`, {
      method: 'POST',
      body: 'text=hi',
    });
    expect(form.status).toBe(415);
    const stale = await api(app, 'POST', `/threads/${id}/decisions`, {
      requestId: 'req_unknown',
      approved: true,
    });
    expect(stale.status).toBe(202);
  });

  it('finishes and commits an in-flight turn on shutdown, and the thread is there after a restart', async () => {
    const dir = await tempDataDir();
    cleanups.push(dir.remove);
    const first = await startTestApp(dir.path, {}, { demoDelayMs: 1500 });
    const stream = await openEventStream(first);
    const id = await newThread(first);
    await api(first, 'POST', `/threads/${id}/messages`, { text: 'Where is my order 1234?' });
    await stream.waitFor((e) => e.type === 'turn_start');
    await first.close();
    expect(stream.events.some((e) => e.type === 'turn_end')).toBe(false);
    expect((await fetch(`${first.url}/healthz`).catch(() => undefined))?.status).toBeUndefined();

    const second = await startTestApp(dir.path);
    cleanups.push(() => second.close());
    const threads = (await api<{ threads: { id: string }[] }>(second, 'GET', '/threads')).body.threads;
    expect(threads.map((t) => t.id)).toEqual([id]);
    const snap = (await api<Snapshot>(second, 'GET', `/threads/${id}`)).body;
    expect(snap.items.map((i) => i.kind)).toEqual(['message', 'handoff', 'message']);
    expect(snap.items.at(-1)?.text).toContain('Order 1234 is currently being processed');
    expect(snap.pending.map((p) => p.kind)).toEqual(['user_input']);
  });

  it('shows a short failure notice, not the model error, when a turn fails; the thread stays usable', async () => {
    const upstream = await startScriptedOpenAIServer({
      script: [{ fault: 'server_error', status: 400 }],
      responder: () => ({ text: 'Back again.' }),
    });
    cleanups.push(() => upstream.close());
    const { app } = await boot({ OPENAI_BASE_URL: upstream.baseURL });
    const stream = await openEventStream(app);
    const id = await newThread(app);
    await api(app, 'POST', `/threads/${id}/messages`, { text: 'hello' });
    expect((await stream.waitFor((e) => e.type === 'turn_end')).status).toBe('failed');
    let snap = (await api<Snapshot>(app, 'GET', `/threads/${id}`)).body;
    expect(snap.status).toBe('failed');
    const notice = snap.items.find((i) => i.kind === 'notice');
    expect(notice?.text).toBe(
      'Something went wrong while answering. The details are in the server log; please try again.',
    );

    const retry = stream.events.length;
    await api(app, 'POST', `/threads/${id}/messages`, { text: 'hello again' });
    await stream.waitFor((e) => e.type === 'turn_end', retry);
    snap = (await api<Snapshot>(app, 'GET', `/threads/${id}`)).body;
    expect(snap.items.at(-1)?.text).toBe('Back again.');
    stream.close();
  });

  it('uses the DynamoDB table named by DYNAMODB_TABLE at DYNAMODB_ENDPOINT (creating it there)', async () => {
    const dynamo = await startEmbeddedDynamo();
    cleanups.push(() => dynamo.close());
    // The AWS SDK's own credential chain, as a user of DynamoDB Local would set it.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    cleanups.push(async () => void vi.unstubAllEnvs());
    let banner = '';
    const { app } = await boot(
      { DYNAMODB_TABLE: 'baton-app-test', DYNAMODB_ENDPOINT: dynamo.endpoint },
      { printBanner: (text) => (banner += text) },
    );
    expect(((await (await fetch(`${app.url}/healthz`)).json()) as { store: string }).store).toBe('dynamodb');
    expect(banner).toContain('DynamoDB table "baton-app-test"');
    const stream = await openEventStream(app);
    const id = await newThread(app);
    await api(app, 'POST', `/threads/${id}/messages`, { text: 'I need help with my order' });
    await stream.waitFor((e) => e.type === 'turn_end');
    const items = await dynamo.client.send(new ScanCommand({ TableName: 'baton-app-test' }));
    expect(items.Items?.map((i) => i.pk?.S)).toContain(`playground:${id}`);
    stream.close();
  });

  it('uses a real OpenAI-compatible server when configured, and keeps the API key out of the logs', async () => {
    const upstream = await startScriptedOpenAIServer({
      apiKey: 'sk-test-do-not-log-1234',
      responder: () => ({ text: 'Hello from the real path.' }),
    });
    cleanups.push(() => upstream.close());
    let logs = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs += String(chunk);
        done();
      },
    });
    const { app } = await boot(
      { OPENAI_API_KEY: 'sk-test-do-not-log-1234', OPENAI_BASE_URL: upstream.baseURL, LOG_LEVEL: 'debug' },
      { logDestination: sink },
    );
    expect(((await (await fetch(`${app.url}/healthz`)).json()) as { model: string }).model).toBe(
      'openai-compatible',
    );
    const stream = await openEventStream(app);
    const id = await newThread(app);
    await api(app, 'POST', `/threads/${id}/messages`, { text: 'hi' });
    await stream.waitFor((e) => e.type === 'turn_end');
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer sk-test-do-not-log-1234');
    expect(logs).toContain('"OPENAI_API_KEY":"[Redacted]"');
    expect(logs).toContain(`"conversation":"playground:${id}"`);
    expect(logs).not.toContain('do-not-log');
    stream.close();
  });
});
