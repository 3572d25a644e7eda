/**
 * Bolt's receiver for the app's Hono routes (in process and on the Lambda ingress alike): the request's raw text
 * is checked by Bolt's own `verifySlackRequest`, then handed to `app.processEvent`; the answer is what the
 * listener acks. OAuth installs run through `@slack/oauth`'s `InstallProvider`, as in Bolt's `HTTPReceiver`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type App,
  AuthorizationError,
  type Logger as BoltLogger,
  type Receiver,
  type ReceiverEvent,
  ReceiverMultipleAckError,
  verifySlackRequest,
} from '@slack/bolt';
import { InstallProvider, type InstallProviderOptions, type InstallURLOptions } from '@slack/oauth';
import type { Context } from 'hono';

/** What Bolt waits for a listener's ack before giving up on an event (its own default). */
const UNACKED_TIMEOUT_MS = 3001;

export interface HonoReceiverOptions {
  signingSecret: string;
  /** Answer only after the listeners finished (a dispatching ingress: a lost hand-over is retried by Slack). */
  processBeforeResponse: boolean;
  logger: BoltLogger;
  /** OAuth installs for many workspaces. */
  oauth?: { provider: InstallProviderOptions; installUrl: InstallURLOptions };
}

export class HonoReceiver implements Receiver {
  private app: App | undefined;
  /** Present with OAuth: the App authorizes each workspace through it. */
  readonly installer: InstallProvider | undefined;

  constructor(private readonly options: HonoReceiverOptions) {
    this.installer = options.oauth ? new InstallProvider(options.oauth.provider) : undefined;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** `POST /slack/events`: events, interactivity (form-encoded `payload`), `url_verification`, `ssl_check`. */
  async handleEvent(c: Context): Promise<Response> {
    const log = this.options.logger;
    const raw = await c.req.text();
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: raw,
        headers: {
          'x-slack-signature': c.req.header('x-slack-signature') ?? '',
          'x-slack-request-timestamp': Number(c.req.header('x-slack-request-timestamp')),
        },
        logger: log,
      });
    } catch (error) {
      log.warn(`Slack request refused: ${error instanceof Error ? error.message : String(error)}`);
      return new Response(null, { status: 401 });
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, c.req.header('content-type'));
    } catch {
      return new Response(null, { status: 400 });
    }
    if (body.ssl_check === '1') return new Response(null, { status: 200 });
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });

    let acked = false;
    let stored: unknown;
    let onAck: () => void = () => {};
    const ackedPromise = new Promise<void>((resolve) => {
      onAck = resolve;
    });
    const retryNum = c.req.header('x-slack-retry-num');
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        stored = response;
        onAck();
      },
      ...(retryNum !== undefined ? { retryNum: Number.parseInt(retryNum, 10) } : {}),
      ...(c.req.header('x-slack-retry-reason')
        ? { retryReason: c.req.header('x-slack-retry-reason') as string }
        : {}),
      customProperties: {},
    };
    if (!this.app) throw new Error('The Slack receiver was not initialized by a Bolt App.');
    const processing = this.app.processEvent(event).then(
      () => ({ error: undefined }),
      (error: unknown) => ({ error }),
    );
    let timer: NodeJS.Timeout | undefined;
    const unacked = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), UNACKED_TIMEOUT_MS);
      timer.unref();
    });
    try {
      const outcome = this.options.processBeforeResponse
        ? await processing
        : await Promise.race([ackedPromise.then(() => ({ error: undefined })), processing]);
      if (outcome.error !== undefined && !(acked && !this.options.processBeforeResponse)) {
        // Not acked: Slack delivers again (an AuthorizationError means no install: 401 as Bolt answers).
        return new Response(null, { status: outcome.error instanceof AuthorizationError ? 401 : 500 });
      }
      if (
        !acked &&
        (await Promise.race([ackedPromise.then(() => 'acked' as const), unacked])) === 'timeout'
      ) {
        log.error('A Slack request was not acknowledged in time.');
        return new Response(null, { status: 404 });
      }
      return contentResponse(stored);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `GET /slack/install` and `GET /slack/oauth_redirect` through the InstallProvider. */
  async handleOAuth(c: Context, step: 'install' | 'redirect'): Promise<Response> {
    if (!this.installer || !this.options.oauth) return new Response(null, { status: 404 });
    const { req, res, response } = bufferedExchange(c);
    try {
      if (step === 'install') {
        await this.installer.handleInstallPath(req, res, {}, this.options.oauth.installUrl);
      } else {
        await this.installer.handleCallback(req, res, {});
      }
    } catch (error) {
      this.options.logger.error(
        `Slack OAuth ${step} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!res.writableEnded) res.writeHead(500).end('');
    }
    return response();
  }
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    return payload !== null ? (JSON.parse(payload) as Record<string, unknown>) : Object.fromEntries(form);
  }
  return JSON.parse(raw) as Record<string, unknown>;
}

/** An ack's body as Slack expects it: nothing, text, or JSON (e.g. a `response_action`). */
function contentResponse(body: unknown): Response {
  if (!body) return new Response(null, { status: 200 });
  if (typeof body === 'string') return new Response(body, { status: 200 });
  return Response.json(body);
}

/**
 * `InstallProvider` reads the URL and cookies of a `node:http` request and writes status, headers and a body:
 * this records the writes and turns them into a `Response`.
 */
function bufferedExchange(c: Context) {
  const headers = new Headers();
  let status = 200;
  let body = '';
  let ended = false;
  const req = {
    url: new URL(c.req.url).pathname + new URL(c.req.url).search,
    headers: { host: c.req.header('host'), cookie: c.req.header('cookie') },
    method: c.req.method,
  } as unknown as IncomingMessage;
  const res = {
    get writableEnded() {
      return ended;
    },
    getHeader: (name: string) => {
      const values = name.toLowerCase() === 'set-cookie' ? headers.getSetCookie() : headers.get(name);
      return Array.isArray(values) && values.length === 0 ? undefined : (values ?? undefined);
    },
    setHeader(name: string, value: string | string[]) {
      headers.delete(name);
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      return res;
    },
    writeHead(code: number) {
      status = code;
      return res;
    },
    end(chunk?: string) {
      if (chunk) body += chunk;
      ended = true;
      return res;
    },
  };
  return {
    req,
    res: res as unknown as ServerResponse & { writableEnded: boolean },
    response: () => new Response(status === 204 || status === 304 ? null : body, { status, headers }),
  };
}
