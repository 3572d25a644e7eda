/**
 * The one Hono app every host serves (`npm start` through `@hono/node-server`, the Lambda ingress through
 * `hono/aws-lambda`): the channels' routes, each under the same policy chain, plus request ids, a log line per
 * request, 404/405 answers, and 503 while shutting down.
 */
import { Hono } from 'hono';
import { every } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { HttpRoute } from '../../channels/channel.js';
import type { Logger } from '../../channels/logger.js';
import { type HttpPolicyOptions, refuse, requestChecks, routeChecks } from './policy.js';

export interface HttpAppOptions extends HttpPolicyOptions {
  routes: readonly HttpRoute[];
  logger: Logger;
  /** True once the host is shutting down: new requests get 503 (the health check answers for itself). */
  isClosing?: () => boolean;
}

type Env = { Variables: { requestId: string } };

export function createHttpApp(options: HttpAppOptions): Hono<Env> {
  const { logger } = options;
  const app = new Hono<Env>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = Date.now();
    await next();
    logger.debug(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Date.now() - started,
      },
      'request',
    );
  });
  app.use(async (c, next) => {
    if (options.isClosing?.() && c.req.path !== '/healthz') {
      c.header('connection', 'close');
      return refuse(c, 503, 'The server is shutting down.');
    }
    await next();
  });
  app.use(requestChecks(options));

  const methodsByPath = new Map<string, Set<string>>();
  for (const route of options.routes) {
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    if (methods.has(route.method)) {
      throw new Error(
        `Two channels want ${route.method} ${route.path}: each route must belong to one channel.`,
      );
    }
    methods.add(route.method);
    methodsByPath.set(route.path, methods);
    app.on(route.method, route.path, every(...routeChecks(route.policy, options)), (c) => route.handler(c));
  }
  // After every real route, so these only catch the other methods.
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].join(', ');
    app.all(path, (c) => {
      c.header('allow', allow);
      return refuse(c, 405, `${c.req.method} is not allowed on ${c.req.path} (allowed: ${allow}).`);
    });
  }
  app.notFound((c) => refuse(c, 404, `Nothing at ${c.req.path}.`));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    logger.error(
      { requestId: c.get('requestId'), path: c.req.path, err: { name: error.name, message: error.message } },
      'request failed',
    );
    return refuse(c, 500, `Internal error; see the server log (request ${c.get('requestId')}).`);
  });
  return app;
}
