/**
 * Channel tests serve a channel's routes the way the app does: through the app's Hono app and policy chain on a
 * loopback `@hono/node-server`, so a channel test also proves its routes declare a policy that lets them work.
 */

import { LOOPBACK_HOSTNAMES } from '../src/app/http/hosts.js';
import { createHttpApp } from '../src/app/http/http-app.js';
import { startNodeServer } from '../src/app/http/node-server.js';
import type { HttpRoute } from '../src/channels/channel.js';
import { silentLogger } from '../src/channels/logger.js';

export interface RoutesServer {
  readonly url: string;
  close(): Promise<void>;
}

/** `routes()` is read on each request, so a test may swap the channel behind one server. */
export async function serveRoutes(routes: () => readonly HttpRoute[]): Promise<RoutesServer> {
  let mounted: readonly HttpRoute[] | undefined;
  let app: ReturnType<typeof createHttpApp> | undefined;
  const current = () => {
    const now = routes();
    if (now !== mounted || !app) {
      mounted = now;
      app = createHttpApp({
        routes: now,
        logger: silentLogger,
        allowedHosts: [...LOOPBACK_HOSTNAMES],
        trustProxy: false,
      });
    }
    return app;
  };
  const front = createHttpApp({ routes: [], logger: silentLogger, trustProxy: true });
  front.all('*', (c) => current().fetch(c.req.raw));
  const server = await startNodeServer(front, '127.0.0.1', 0);
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}
