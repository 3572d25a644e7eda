/** Server-sent-event writing and the abortable waits the streaming responses are paced with. */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export function sseData(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export function startSse(res: ServerResponse): void {
  if (res.headersSent) return;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // Headers must reach the client before any chunk does, e.g. for a stall with afterChunks 0.
  res.flushHeaders();
}

/** Writes one `data:` event (a chunk object, or a literal such as `[DONE]`); a no-op once the client is gone. */
export function writeSse(res: ServerResponse, data: unknown): void {
  if (res.destroyed) return;
  startSse(res);
  res.write(sseData(data));
}

/** Waits `ms`; false when `signal` aborted first (server closing or client gone). */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Resolves when `signal` aborts; how stalls "never" answer without keeping the process alive. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
