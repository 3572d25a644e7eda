/**
 * The playground's Server-Sent Events over the real Node server: a cap on open pages (429 past it, a place freed
 * when a page leaves), and a page that stops reading is dropped instead of buffering every event for it.
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeServer, startNodeServer } from '../../../src/app/http/node-server.js';
import { EventStreams, MAX_PENDING_FRAMES } from '../../../src/channels/playground/event-stream.js';

let server: NodeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(streams: EventStreams): Promise<string> {
  const app = new Hono();
  app.get('/events', (c) => streams.open(c));
  server = await startNodeServer(app, '127.0.0.1', 0);
  return `http://127.0.0.1:${server.port}/events`;
}

async function firstChunk(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return new TextDecoder().decode(value);
}

describe('playground event streams', () => {
  it('answers 429 past the cap and takes a new page once one leaves', async () => {
    const streams = new EventStreams(2);
    const url = await serve(streams);
    const pages = [new AbortController(), new AbortController()];
    const open = await Promise.all(pages.map((p) => fetch(url, { signal: p.signal })));
    for (const res of open) {
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(await firstChunk(res)).toContain('retry: 1000');
    }
    const third = await fetch(url);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(((await third.json()) as { error: string }).error).toContain('Too many open playground pages (2)');
    pages[0]!.abort();
    await expect.poll(() => streams.size).toBe(1);
    const fourth = await fetch(url);
    expect(fourth.status).toBe(200);
    streams.broadcast({ type: 'turn_start', threadId: 't1' });
    expect(await firstChunk(fourth)).toContain('retry: 1000');
    streams.closeAll();
    pages[1]!.abort();
  });

  it('drops a page that stops reading rather than buffering without bound', async () => {
    const streams = new EventStreams(4);
    const url = await serve(streams);
    const reading = new AbortController();
    const stalled = new AbortController();
    const live = await fetch(url, { signal: reading.signal });
    await fetch(url, { signal: stalled.signal }); // its body is never read
    await expect.poll(() => streams.size).toBe(2);
    // Read the live page continuously, as a browser does.
    let received = 0;
    const reader = live.body!.getReader();
    const pump = (async () => {
      try {
        while (true) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.length;
        }
      } catch {}
    })();
    const text = 'x'.repeat(64 * 1024);
    for (let i = 0; i < MAX_PENDING_FRAMES * 2; i++) {
      streams.broadcast({ type: 'mark', threadId: 't1', mark: { kind: 'notice', level: 'warning', text } });
      if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => streams.size, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => received, { timeout: 10_000 }).toBeGreaterThan(MAX_PENDING_FRAMES * 64 * 1024);
    streams.closeAll();
    reading.abort();
    stalled.abort();
    await pump;
  });
});
