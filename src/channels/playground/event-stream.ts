/**
 * Server-Sent Events to every open playground page (one stream per page, every thread's events on it) through
 * Hono's streaming helper. Writes wait for the socket (backpressure); a page that stops reading is dropped rather
 * than buffered without bound, and past `maxClients` open streams a new page gets 429.
 */
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { StreamEvent } from './view-types.js';

const KEEPALIVE_MS = 15_000;
export const DEFAULT_MAX_CLIENTS = 32;
/** Frames written but not yet taken by a page's socket before it is dropped (it reconnects and reloads). */
export const MAX_PENDING_FRAMES = 256;

interface Client {
  stream: SSEStreamingApi;
  pending: number;
  end: () => void;
}

export class EventStreams {
  private readonly clients = new Set<Client>();
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly maxClients = DEFAULT_MAX_CLIENTS) {}

  get size(): number {
    return this.clients.size;
  }

  /** The response for one page: events until the page goes away or {@link closeAll}. */
  open(c: Context): Response {
    if (this.closed) return c.json({ error: 'The server is shutting down.' }, 503);
    if (this.clients.size >= this.maxClients) {
      c.header('retry-after', '5');
      return c.json(
        { error: `Too many open playground pages (${this.maxClients}); close one and reload.` },
        429,
      );
    }
    c.header('x-accel-buffering', 'no');
    c.header('cache-control', 'no-cache, no-transform');
    return streamSSE(c, async (stream) => {
      let end: () => void = () => {};
      const ended = new Promise<void>((resolve) => {
        end = resolve;
      });
      const client: Client = { stream, pending: 0, end };
      this.clients.add(client);
      stream.onAbort(() => this.drop(client));
      this.startKeepalive();
      // Tells EventSource to retry after a second if the server restarts.
      await this.write(client, 'retry: 1000\n: connected\n\n');
      await ended;
    });
  }

  broadcast(event: StreamEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of this.clients) void this.write(client, frame);
  }

  closeAll(): void {
    this.closed = true;
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = undefined;
    for (const client of [...this.clients]) this.drop(client);
  }

  private async write(client: Client, frame: string): Promise<void> {
    if (client.pending >= MAX_PENDING_FRAMES) {
      this.drop(client);
      return;
    }
    client.pending++;
    try {
      await client.stream.write(frame);
    } catch {
      this.drop(client);
    } finally {
      client.pending--;
    }
  }

  private drop(client: Client): void {
    if (!this.clients.delete(client)) return;
    client.end();
    void client.stream.close().catch(() => {});
    if (this.clients.size === 0 && this.keepalive) {
      clearInterval(this.keepalive);
      this.keepalive = undefined;
    }
  }

  private startKeepalive(): void {
    if (this.keepalive) return;
    this.keepalive = setInterval(() => {
      for (const client of this.clients) void this.write(client, ': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }
}
