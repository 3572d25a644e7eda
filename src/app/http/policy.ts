/**
 * The one middleware chain every route runs under: Host allow-list, `X-Forwarded-*` only from a trusted proxy,
 * Origin policy (browser routes same-origin, webhooks no Origin at all), the playground access token, content
 * type (415), body size (413), well-formed JSON (400) and a deadline (504). A route declares its needs in a
 * {@link RoutePolicy}; it never re-implements a check.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { timeout } from 'hono/timeout';
import type { RoutePolicy } from '../../channels/channel.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const ACCESS_COOKIE = 'baton_access';

export interface HttpPolicyOptions {
  /** Host names (lower case, IPv6 in brackets, no port) requests may be addressed to; absent: any host. */
  allowedHosts?: readonly string[];
  /** Behind a reverse proxy or API Gateway that sets `X-Forwarded-*`: accept those headers (not otherwise). */
  trustProxy: boolean;
  /** Browser routes need this token (`?token=`, then a cookie; or `Authorization: Bearer`) when it is set. */
  accessToken?: string;
}

/** A JSON error answer, the same shape from every check and every channel. */
export function refuse(c: Context, status: number, message: string): Response {
  c.header('cache-control', 'no-store');
  return c.json({ error: message }, status as 400);
}

/** The host name a request is addressed to, from `Host` (`example.com:3000` → `example.com`). */
export function hostnameOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Checks for every request, before routing. */
export function requestChecks(options: HttpPolicyOptions): MiddlewareHandler {
  const allowed = options.allowedHosts ? new Set(options.allowedHosts) : undefined;
  return async (c, next) => {
    if (allowed) {
      const host = hostnameOf(c.req.header('host'));
      // Probes (load balancers, Kubernetes) address the health check by IP; it tells nothing secret.
      if ((!host || !allowed.has(host)) && c.req.path !== '/healthz') {
        return refuse(
          c,
          403,
          `Requests must be addressed to ${[...allowed].join(', ')}, not "${c.req.header('host') ?? ''}" ` +
            '(set BATON_ALLOWED_HOSTS to the names clients use).',
        );
      }
    }
    if (!options.trustProxy && forwardedHeader(c)) {
      return refuse(
        c,
        403,
        `${forwardedHeader(c)} came from a proxy Baton does not trust: set BATON_TRUST_PROXY=on if it runs behind one.`,
      );
    }
    await next();
  };
}

function forwardedHeader(c: Context): string | undefined {
  const names = Object.keys(c.req.header());
  return names.find((n) => n === 'forwarded' || n.startsWith('x-forwarded-'));
}

/** The chain of one route, from its policy. */
export function routeChecks(policy: RoutePolicy, options: HttpPolicyOptions): MiddlewareHandler[] {
  const chain: MiddlewareHandler[] = [originCheck(policy)];
  if (policy.refuseForwarded) {
    chain.push(async (c, next) => {
      const name = forwardedHeader(c);
      if (name) {
        return refuse(c, 403, `${name}: this endpoint answers only direct requests on this machine.`);
      }
      await next();
    });
  }
  if (policy.audience === 'browser' && options.accessToken) chain.push(accessCheck(options.accessToken));
  chain.push(bodyChecks(policy));
  const ms = policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (ms !== false) {
    chain.push(
      timeout(
        ms,
        () =>
          new HTTPException(504, {
            res: Response.json({ error: `No answer within ${ms} ms.` }, { status: 504 }),
          }),
      ),
    );
  }
  return chain;
}

function originCheck(policy: RoutePolicy): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (policy.audience === 'webhook' && origin !== undefined) {
      // Platforms' servers never send Origin; a browser always does on a cross-site POST.
      return refuse(c, 403, 'This endpoint takes requests from chat platforms only, not from web pages.');
    }
    if (policy.audience === 'browser') {
      const sameHost = origin === undefined || hostOfOrigin(origin) === c.req.header('host')?.toLowerCase();
      const crossSite =
        c.req.header('sec-fetch-site') === 'cross-site' && c.req.header('sec-fetch-mode') !== 'navigate';
      if (!sameHost || crossSite) {
        return refuse(c, 403, 'Cross-site requests are not allowed: open the page from this server.');
      }
    }
    await next();
  };
}

function hostOfOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function accessCheck(token: string): MiddlewareHandler {
  const expected = Buffer.from(token);
  const matches = (value: string | undefined) => {
    if (!value) return false;
    const given = Buffer.from(value);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return async (c, next) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    const fromQuery = c.req.query('token');
    if (matches(fromQuery)) {
      // The link from the banner: remember it for the page's own requests (same site only, not for scripts).
      setCookie(c, ACCESS_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    } else if (!matches(bearer) && !matches(getCookie(c, ACCESS_COOKIE))) {
      return refuse(
        c,
        401,
        'The playground needs its access token: open the link printed when Baton started (/?token=…).',
      );
    }
    await next();
  };
}

function bodyChecks(policy: RoutePolicy): MiddlewareHandler {
  const accepts = policy.accepts ?? ['application/json'];
  const maxSize = policy.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limit = bodyLimit({
    maxSize,
    onError: (c) => refuse(c, 413, `The request body is larger than ${maxSize} bytes.`),
  });
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(accepts as readonly string[]).includes(type)) {
      return refuse(
        c,
        415,
        `Send ${accepts.join(' or ')} (content-type: ${accepts[0]}), not "${type || 'no content type'}".`,
      );
    }
    return limit(c, async () => {
      // Read once here (under the limit); handlers get it again from Hono's cache, raw text included.
      const text = await c.req.text();
      if (type === 'application/json') {
        try {
          JSON.parse(text);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          c.res = refuse(c, 400, `The request body is not valid JSON (${why}).`);
          return;
        }
      }
      await next();
    });
  };
}
