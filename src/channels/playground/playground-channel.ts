/**
 * The playground: a chat channel in the browser, over the same ConversationDriver as Slack and Teams. Pages
 * post messages and approval clicks to a JSON API under /api/playground/*, and watch every thread's events on
 * one Server-Sent Events stream; thread history comes from the checkpoint store.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { BatonError } from '../../errors.js';
import type { ChatChannel, HttpRoute } from '../channel.js';
import type { ChannelUser, ConversationDriver, Inbound, TurnResult } from '../conversation-driver.js';
import { type Logger, silentLogger } from '../logger.js';
import { EventHub } from './event-hub.js';
import { PAGE_HTML, PAGE_SCRIPT, PAGE_STYLE } from './page/index.js';
import { personaViews } from './persona-view.js';
import { FAILURE_NOTICE, PlaygroundTurn } from './playground-turn.js';
import { THREAD_ID_PATTERN, ThreadIndex } from './thread-index.js';
import { buildSnapshot, conversationKeyOf } from './thread-view.js';
import type { StreamEvent } from './view-types.js';

export const PLAYGROUND_API = '/api/playground';
const MAX_BODY_BYTES = 64 * 1024;
const MAX_TEXT = 4000;

export interface PlaygroundChannelOptions {
  driver: ConversationDriver;
  /** The thread list is kept in `<dataDir>/playground-threads.json`. */
  dataDir: string;
  logger?: Logger;
  /** The person typing in the browser; they start every thread, so they may approve its tools by default. */
  user?: ChannelUser;
  /** A line shown at the top of the page (e.g. that the model is scripted and how to connect a real one). */
  notice?: string;
  /** Shown in the page header. */
  about?: { model?: string; store?: string };
  /**
   * Host names the API answers to (from the Host and Origin headers). Set on loopback so a web page that
   * rebinds its own domain to 127.0.0.1 cannot read transcripts or click Approve.
   */
  allowedHostnames?: readonly string[];
}

const MessageBody = z.object({
  text: z
    .string()
    .trim()
    .min(1, 'type a message')
    .max(MAX_TEXT, `messages are at most ${MAX_TEXT} characters`),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});
const DecisionBody = z.object({ requestId: z.string().min(1).max(200), approved: z.boolean() });

class HttpError extends BatonError {
  readonly code = 'BATON_HTTP';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class PlaygroundChannel implements ChatChannel {
  readonly name = 'playground';
  readonly routes: readonly HttpRoute[];
  private readonly hub = new EventHub();
  private readonly tasks = new Set<Promise<void>>();
  private readonly running = new Map<string, number>();
  private readonly user: ChannelUser;
  private readonly logger: Logger;
  private closing = false;

  private constructor(
    private readonly options: PlaygroundChannelOptions,
    private readonly index: ThreadIndex,
  ) {
    this.user = options.user ?? { id: 'playground-user', name: 'You' };
    this.logger = (options.logger ?? silentLogger).child({ channel: 'playground' });
    const text = (type: string, body: string) => (_req: IncomingMessage, res: ServerResponse) =>
      send(res, 200, type, body);
    this.routes = [
      { method: 'GET', path: '/', handler: text('text/html; charset=utf-8', PAGE_HTML) },
      {
        method: 'GET',
        path: '/playground/app.js',
        handler: text('text/javascript; charset=utf-8', PAGE_SCRIPT),
      },
      { method: 'GET', path: '/playground/app.css', handler: text('text/css; charset=utf-8', PAGE_STYLE) },
      { method: 'GET', path: `${PLAYGROUND_API}/*`, handler: (req, res) => this.api(req, res) },
      { method: 'POST', path: `${PLAYGROUND_API}/*`, handler: (req, res) => this.api(req, res) },
    ];
  }

  static async create(options: PlaygroundChannelOptions): Promise<PlaygroundChannel> {
    const index = await ThreadIndex.open(join(options.dataDir, 'playground-threads.json'));
    return new PlaygroundChannel(options, index);
  }

  describe(): string {
    return 'Playground: on — open / in a browser';
  }

  /** Stops taking messages, closes the event streams, and waits for this channel's turns to be recorded. */
  async stop(): Promise<void> {
    this.closing = true;
    this.hub.closeAll();
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
    await this.index.flush();
  }

  private assertAllowedHost(req: IncomingMessage): void {
    const allowed = this.options.allowedHostnames;
    if (!allowed) return;
    const hostnameOf = (value: string) => {
      try {
        return new URL(value.includes('://') ? value : `http://${value}`).hostname;
      } catch {
        return undefined;
      }
    };
    const host = hostnameOf(req.headers.host ?? '');
    const origin = req.headers.origin;
    if (
      !host ||
      !allowed.includes(host) ||
      (origin !== undefined && !allowed.includes(hostnameOf(origin) ?? ''))
    ) {
      throw new HttpError(403, `The playground answers only requests addressed to ${allowed.join(', ')}.`);
    }
  }

  private async api(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      if (error instanceof HttpError) {
        json(res, error.status, { error: error.message });
        return;
      }
      this.logger.error({ err: errorFields(error), url: req.url }, 'playground request failed');
      json(res, 500, { error: 'The server could not handle this request; see its log.' });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.assertAllowedHost(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.slice(PLAYGROUND_API.length);
    const parts = path.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (method === 'POST') assertJsonRequest(req);
    if (this.closing && method === 'POST') throw new HttpError(503, 'The server is shutting down.');

    if (method === 'GET' && path === '/info') return this.info(res);
    if (method === 'GET' && path === '/events') return this.hub.attach(res);
    if (parts[0] === 'threads' && parts.length === 1) {
      if (method === 'GET') return json(res, 200, { threads: this.index.list() });
      const thread = await this.index.create();
      this.hub.broadcast({ type: 'thread', thread });
      return json(res, 201, { thread });
    }
    if (parts[0] === 'threads' && parts[1] !== undefined) {
      const thread = this.index.get(parts[1]);
      if (!THREAD_ID_PATTERN.test(parts[1]) || !thread) throw new HttpError(404, 'No such thread.');
      if (method === 'GET' && parts.length === 2) {
        return json(
          res,
          200,
          await buildSnapshot(this.options.driver.workflow, thread, this.running.has(thread.id)),
        );
      }
      if (method === 'POST' && parts[2] === 'messages' && parts.length === 3) {
        const body = parse(MessageBody, await readJson(req));
        return this.postMessage(res, thread.id, body.text, body.clientId);
      }
      if (method === 'POST' && parts[2] === 'decisions' && parts.length === 3) {
        const body = parse(DecisionBody, await readJson(req));
        return this.postDecision(res, thread.id, body.requestId, body.approved);
      }
    }
    throw new HttpError(404, `No playground API at ${method} ${PLAYGROUND_API}${path}.`);
  }

  private info(res: ServerResponse): void {
    const workflow = this.options.driver.workflow;
    json(res, 200, {
      bot: workflow.name,
      startAgent: workflow.definition.startAgent,
      personas: personaViews(workflow.agents),
      user: this.user,
      ...(this.options.notice ? { notice: this.options.notice } : {}),
      about: this.options.about ?? {},
    });
  }

  private async postMessage(
    res: ServerResponse,
    threadId: string,
    text: string,
    clientId?: string,
  ): Promise<void> {
    const inbound: Inbound = {
      type: 'message',
      conversationKey: conversationKeyOf(threadId),
      user: this.user,
      contents: [{ type: 'text', text }],
      ...(clientId ? { eventId: `playground-msg-${clientId}` } : {}),
    };
    const thread = await this.index.update(threadId, { title: titleOf(text) });
    if (thread) this.hub.broadcast({ type: 'thread', thread });
    this.hub.broadcast({ type: 'user_message', threadId, text, author: this.user.name ?? this.user.id });
    this.startTurn(threadId, inbound);
    json(res, 202, { accepted: true });
  }

  private postDecision(res: ServerResponse, threadId: string, requestId: string, approved: boolean): void {
    const inbound: Inbound = {
      type: 'decision',
      conversationKey: conversationKeyOf(threadId),
      user: this.user,
      requestId,
      approved,
      // One decision per request: a double click (or Approve then Reject) is processed once.
      eventId: `playground-decision-${requestId}`,
    };
    this.startTurn(threadId, inbound, { requestId, approved });
    json(res, 202, { accepted: true });
  }

  /** Runs the turn after the HTTP answer (as Slack and Teams ack first); the page follows it on the stream. */
  private startTurn(
    threadId: string,
    inbound: Inbound,
    decision?: { requestId: string; approved: boolean },
  ): void {
    const emit = (event: StreamEvent) => this.hub.broadcast(event);
    const conversation = this.options.driver.workflow.forConversation(inbound.conversationKey);
    const turn = new PlaygroundTurn(threadId, conversation, emit, decision);
    this.running.set(threadId, (this.running.get(threadId) ?? 0) + 1);
    emit({ type: 'turn_start', threadId });
    const log = this.logger.child({ conversation: inbound.conversationKey });
    const task = (async () => {
      const started = Date.now();
      let result: TurnResult;
      try {
        result = await this.options.driver.handle(inbound, turn);
      } catch (error) {
        result = { status: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
      }
      await this.record(threadId, turn, result).catch((error: unknown) =>
        log.error({ err: errorFields(error) }, 'could not update the playground thread list'),
      );
      const left = (this.running.get(threadId) ?? 1) - 1;
      if (left > 0) this.running.set(threadId, left);
      else this.running.delete(threadId);
      if (result.status === 'failed') log.warn({ err: errorFields(result.error) }, 'playground turn failed');
      else
        log.info(
          { type: inbound.type, status: result.status, ms: Date.now() - started },
          'playground turn finished',
        );
      emit({
        type: 'turn_end',
        threadId,
        status: result.status,
        ...(result.status === 'processed' && result.decision ? { decision: result.decision.status } : {}),
      });
    })();
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private async record(threadId: string, turn: PlaygroundTurn, result: TurnResult): Promise<void> {
    const marks = [...turn.marks];
    if (result.status === 'processed' && result.decision?.status === 'settled') {
      const { request, approved } = result.decision;
      marks.unshift({
        after: turn.startedAfter ?? null,
        mark: {
          kind: 'decision',
          tool: request.functionCall.name,
          args: request.parseArguments(),
          approved,
          by: this.user.name ?? this.user.id,
        },
      });
    }
    if (
      result.status === 'failed' &&
      !marks.some((m) => m.mark.kind === 'notice' && m.mark.level === 'error')
    ) {
      const mark = { kind: 'notice', level: 'error', text: FAILURE_NOTICE } as const;
      marks.push({ after: turn.startedAfter ?? null, mark });
      this.hub.broadcast({ type: 'mark', threadId, mark });
    }
    const thread = await this.index.update(threadId, { marks });
    if (thread) this.hub.broadcast({ type: 'thread', thread });
  }
}

export function createPlaygroundChannel(options: PlaygroundChannelOptions): Promise<PlaygroundChannel> {
  return PlaygroundChannel.create(options);
}

function titleOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/** Browsers cannot send JSON across origins without a preflight we never answer: a cheap CSRF guard. */
function assertJsonRequest(req: IncomingMessage): void {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new HttpError(415, 'Send JSON (content-type: application/json).');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, z.prettifyError(parsed.error));
  return parsed.data;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Nothing but our own script and style runs on the page, even if a model's text were to slip through.
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function errorFields(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
