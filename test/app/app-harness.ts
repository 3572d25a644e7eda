/** Starts the real app in-process on a random loopback port with a temp data dir, and reads its SSE stream. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppOptions, type RunningApp, startApp } from '../../src/app/app.js';
import { parseConfig } from '../../src/app/config.js';

export async function tempDataDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'baton-app-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function startTestApp(
  dataDir: string,
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<RunningApp> {
  const config = parseConfig({ LOG_LEVEL: 'silent', ...env, BATON_DATA_DIR: dataDir, HOST: '127.0.0.1' });
  return startApp({ ...config, PORT: 0 }, { printBanner: false, demoDelayMs: 0, ...options });
}

export async function api<T = Record<string, unknown>>(
  app: RunningApp,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.url}/api/playground${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export interface StreamEventLike {
  type: string;
  threadId?: string;
  [key: string]: unknown;
}

/** Collects the playground's Server-Sent Events; `waitFor` resolves on the first matching event. */
export async function openEventStream(app: RunningApp) {
  const controller = new AbortController();
  const res = await fetch(`${app.url}/api/playground/events`, { signal: controller.signal });
  const events: StreamEventLike[] = [];
  const waiters: { test: (e: StreamEventLike) => boolean; resolve: (e: StreamEventLike) => void }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) {
            const event = JSON.parse(data) as StreamEventLike;
            events.push(event);
            for (const w of [...waiters]) {
              if (w.test(event)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve(event);
              }
            }
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted or the server closed the stream
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    /** The first matching event at or after index `after` (default: any), waiting if needed. */
    waitFor(test: (e: StreamEventLike) => boolean, after = 0, timeoutMs = 10_000): Promise<StreamEventLike> {
      const seen = events.slice(after).find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching event; got: ${events.map((e) => e.type).join(', ')}`)),
          timeoutMs,
        );
        waiters.push({
          test,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    /** Resolves when the server ends the stream. */
    ended: pump,
    close() {
      controller.abort();
    },
  };
}
