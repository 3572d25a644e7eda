/** Server-Sent Events to every open playground page: one stream per page, every thread's events on it. */
import type { ServerResponse } from 'node:http';
import type { StreamEvent } from './view-types.js';

const KEEPALIVE_MS = 15_000;

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private keepalive: NodeJS.Timeout | undefined;

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response: headers now, events until the page goes away or `closeAll()`. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Tells EventSource to retry after a second if the server restarts.
    res.write('retry: 1000\n: connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    if (!this.keepalive) {
      this.keepalive = setInterval(() => {
        for (const c of this.clients) c.write(': keepalive\n\n');
      }, KEEPALIVE_MS);
      this.keepalive.unref();
    }
  }

  broadcast(event: StreamEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of this.clients) c.write(frame);
  }

  closeAll(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = undefined;
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
