/** Dispatches requests on the one HTTP server to the channels' routes: exact paths first, then `/*` prefixes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '../channels/channel.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export class Router {
  private readonly exact = new Map<string, Handler>();
  private readonly prefixes: { method: string; prefix: string; handler: Handler }[] = [];

  add(route: HttpRoute): void {
    if (route.path.endsWith('/*')) {
      const prefix = route.path.slice(0, -1);
      if (this.prefixes.some((p) => p.method === route.method && p.prefix === prefix)) {
        throw new Error(
          `Two channels want ${route.method} ${route.path}: each route must belong to one channel.`,
        );
      }
      this.prefixes.push({ method: route.method, prefix, handler: route.handler });
      // Longest prefix wins, so /api/playground/* beats /api/*.
      this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
      return;
    }
    const key = `${route.method} ${route.path}`;
    if (this.exact.has(key))
      throw new Error(`Two channels want ${key}: each route must belong to one channel.`);
    this.exact.set(key, route.handler);
  }

  /** The handler for this request, or whether the path exists with another method (for 405). */
  match(method: string, pathname: string): Handler | 'method_not_allowed' | undefined {
    const found =
      this.exact.get(`${method} ${pathname}`) ??
      this.prefixes.find((p) => p.method === method && pathname.startsWith(p.prefix))?.handler;
    if (found) return found;
    const otherMethod =
      [...this.exact.keys()].some((k) => k.slice(k.indexOf(' ') + 1) === pathname) ||
      this.prefixes.some((p) => pathname.startsWith(p.prefix));
    return otherMethod ? 'method_not_allowed' : undefined;
  }
}
