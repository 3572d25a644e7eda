/** Serves the Hono app on `node:http` for `npm start`: keep-alive tuned for load balancers, graceful close. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';

/**
 * Above the 60 s idle timeout of AWS ALB, Azure App Gateway and most proxies, so the proxy (not Node, whose
 * default is 5 s) closes idle connections: otherwise a request can race the close and get a 502.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Node requires the headers timeout to be longer than keep-alive's. */
export const HEADERS_TIMEOUT_MS = 66_000;

export interface NodeServer {
  readonly port: number;
  /** Stops listening and closes idle connections; requests on open ones get the app's 503. */
  stopAccepting(): void;
  /** Ends every connection (event streams included) and resolves when the server is closed. */
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its variables.
export async function startNodeServer(app: Hono<any>, host: string, port: number): Promise<NodeServer> {
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS },
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `PORT=${port} is already in use on ${host}: stop the other server or set PORT to a free port.`,
            )
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? new Error(
                `HOST=${host} is not an address of this machine: use 127.0.0.1, or 0.0.0.0 for all interfaces.`,
              )
            : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    stopAccepting() {
      server.close();
      server.closeIdleConnections();
    },
    async close() {
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
