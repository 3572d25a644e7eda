/**
 * API Gateway HTTP API (v2) / Function URL events → the app's own HTTP routes, through a `node:http` server on
 * loopback inside the Lambda (what AWS's Lambda Web Adapter does): the channels' Bolt receiver and botbuilder
 * adapter run unchanged, with their signature and JWT checks, on the exact bytes Slack and Teams sent.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../../channels/logger.js';
import { type HttpServer, startHttpServer } from '../http-server.js';
import type { Router } from '../router.js';

/** Set by fetch itself, or refused by it. */
const SKIPPED_REQUEST_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

export interface LoopbackBridge {
  forward(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  close(): Promise<void>;
}

export async function startLoopbackBridge(router: Router, logger: Logger): Promise<LoopbackBridge> {
  const server: HttpServer = await startHttpServer({ router, host: '127.0.0.1', port: 0, logger });
  const origin = `http://127.0.0.1:${server.port}`;
  return {
    async forward(event) {
      const method = event.requestContext.http.method.toUpperCase();
      const headers = new Headers();
      for (const [name, value] of Object.entries(event.headers ?? {})) {
        if (value !== undefined && !SKIPPED_REQUEST_HEADERS.has(name.toLowerCase())) headers.set(name, value);
      }
      if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
      const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined;
      const body = hasBody
        ? event.isBase64Encoded
          ? Buffer.from(event.body ?? '', 'base64')
          : (event.body ?? '')
        : undefined;
      const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
      const res = await fetch(`${origin}${event.rawPath}${query}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
      });
      const outHeaders: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        if (name !== 'set-cookie' && name !== 'content-length' && name !== 'connection')
          outHeaders[name] = value;
      });
      const cookies = res.headers.getSetCookie();
      return {
        statusCode: res.status,
        headers: outHeaders,
        body: await res.text(),
        ...(cookies.length ? { cookies } : {}),
      };
    },
    close: () => server.close(),
  };
}
