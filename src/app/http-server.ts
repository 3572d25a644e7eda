/** The one node:http server: routes requests to the channels, refuses new work while shutting down. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../channels/logger.js';
import type { Router } from './router.js';

export interface HttpServerOptions {
  router: Router;
  host: string;
  port: number;
  logger: Logger;
}

export interface HttpServer {
  readonly port: number;
  /** Stops listening and answers 503 to requests on open connections (health checks excepted). */
  stopAccepting(): void;
  /** Ends every connection (event streams included) and resolves when the server is closed. */
  close(): Promise<void>;
}

export async function startHttpServer({
  router,
  host,
  port,
  logger,
}: HttpServerOptions): Promise<HttpServer> {
  let closing = false;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    res.on('finish', () =>
      logger.debug(
        { method: req.method, path: pathname, status: res.statusCode, ms: Date.now() - started },
        'request',
      ),
    );
    if (closing && pathname !== '/healthz') {
      res.setHeader('connection', 'close');
      return sendJson(res, 503, { error: 'The server is shutting down.' });
    }
    const handler = router.match(req.method ?? 'GET', pathname);
    if (handler === undefined) return sendJson(res, 404, { error: `Nothing at ${pathname}.` });
    if (handler === 'method_not_allowed') {
      return sendJson(res, 405, { error: `${req.method} is not allowed on ${pathname}.` });
    }
    try {
      await handler(req, res);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      logger.error({ err: { name: err.name, message: err.message }, path: pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error; see the server log.' });
      else res.end();
    }
  };
  const server = createServer((req, res) => {
    void handle(req, res);
  });
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
      closing = true;
      server.close();
      server.closeIdleConnections();
    },
    async close() {
      closing = true;
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
