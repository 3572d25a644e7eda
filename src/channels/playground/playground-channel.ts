/**
 * The playground: a chat channel in the browser, over the same ConversationDriver as Slack and Teams. Pages
 * post messages and approval clicks to a JSON API under /api/playground/*, and watch every thread's events on
 * one Server-Sent Events stream; thread history comes from the checkpoint store. Host, Origin, content type and
 * size checks (and the access token off loopback) are the app's policy chain, declared by `audience: 'browser'`.
 */
import { join } from 'node:path';
import type { Context } from 'hono';
import { z } from 'zod';
import type { ChatChannel, HttpRoute, RoutePolicy } from '../channel.js';
import type { ChannelUser, ConversationDriver, Inbound, TurnResult } from '../conversation-driver.js';
import { type Logger, silentLogger } from '../logger.js';
import { EventStreams } from './event-stream.js';
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

export class PlaygroundChannel implements ChatChannel {
  readonly name = 'playground';
  readonly routes: readonly HttpRoute[];
  private readonly streams = new EventStreams();
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
    const page: RoutePolicy = { audience: 'browser' };
    const api: RoutePolicy = { audience: 'browser', maxBodyBytes: MAX_BODY_BYTES };
    const get = (path: string, handler: HttpRoute['handler'], policy = api): HttpRoute => ({
      method: 'GET',
      path,
      policy,
      handler,
    });
    const post = (path: string, handler: HttpRoute['handler']): HttpRoute => ({
      method: 'POST',
      path,
      policy: api,
      handler: (c) => (this.closing ? jsonError(c, 503, 'The server is shutting down.') : handler(c)),
    });
    const text = (type: string, body: string) => (c: Context) => secured(c, body, 200, type);
    this.routes = [
      get('/', text('text/html; charset=utf-8', PAGE_HTML), page),
      get('/playground/app.js', text('text/javascript; charset=utf-8', PAGE_SCRIPT), page),
      get('/playground/app.css', text('text/css; charset=utf-8', PAGE_STYLE), page),
      get(`${PLAYGROUND_API}/info`, (c) => this.info(c)),
      get(`${PLAYGROUND_API}/events`, (c) => this.streams.open(c), { audience: 'browser', timeoutMs: false }),
      get(`${PLAYGROUND_API}/threads`, (c) => json(c, 200, { threads: this.index.list() })),
      post(`${PLAYGROUND_API}/threads`, async (c) => {
        const thread = await this.index.create();
        this.streams.broadcast({ type: 'thread', thread });
        return json(c, 201, { thread });
      }),
      get(`${PLAYGROUND_API}/threads/:id`, async (c) => {
        const thread = this.threadOf(c);
        if (!thread) return jsonError(c, 404, 'No such thread.');
        return json(
          c,
          200,
          await buildSnapshot(this.options.driver.workflow, thread, this.running.has(thread.id)),
        );
      }),
      post(`${PLAYGROUND_API}/threads/:id/messages`, async (c) => {
        const thread = this.threadOf(c);
        if (!thread) return jsonError(c, 404, 'No such thread.');
        const body = MessageBody.safeParse(await c.req.json());
        if (!body.success) return jsonError(c, 400, z.prettifyError(body.error));
        return this.postMessage(c, thread.id, body.data.text, body.data.clientId);
      }),
      post(`${PLAYGROUND_API}/threads/:id/decisions`, async (c) => {
        const thread = this.threadOf(c);
        if (!thread) return jsonError(c, 404, 'No such thread.');
        const body = DecisionBody.safeParse(await c.req.json());
        if (!body.success) return jsonError(c, 400, z.prettifyError(body.error));
        return this.postDecision(c, thread.id, body.data.requestId, body.data.approved);
      }),
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
    this.streams.closeAll();
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
    await this.index.flush();
  }

  private threadOf(c: Context) {
    const id = c.req.param('id') ?? '';
    return THREAD_ID_PATTERN.test(id) ? this.index.get(id) : undefined;
  }

  private info(c: Context): Response {
    const workflow = this.options.driver.workflow;
    return json(c, 200, {
      bot: workflow.name,
      startAgent: workflow.definition.startAgent,
      personas: personaViews(workflow.agents),
      user: this.user,
      ...(this.options.notice ? { notice: this.options.notice } : {}),
      about: this.options.about ?? {},
    });
  }

  private async postMessage(
    c: Context,
    threadId: string,
    text: string,
    clientId?: string,
  ): Promise<Response> {
    const inbound: Inbound = {
      type: 'message',
      conversationKey: conversationKeyOf(threadId),
      user: this.user,
      contents: [{ type: 'text', text }],
      ...(clientId ? { eventId: `playground-msg-${clientId}` } : {}),
    };
    const thread = await this.index.update(threadId, { title: titleOf(text) });
    if (thread) this.streams.broadcast({ type: 'thread', thread });
    this.streams.broadcast({ type: 'user_message', threadId, text, author: this.user.name ?? this.user.id });
    this.startTurn(threadId, inbound);
    return json(c, 202, { accepted: true });
  }

  private postDecision(c: Context, threadId: string, requestId: string, approved: boolean): Response {
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
    return json(c, 202, { accepted: true });
  }

  /** Runs the turn after the HTTP answer (as Slack and Teams ack first); the page follows it on the stream. */
  private startTurn(
    threadId: string,
    inbound: Inbound,
    decision?: { requestId: string; approved: boolean },
  ): void {
    const emit = (event: StreamEvent) => this.streams.broadcast(event);
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
      this.streams.broadcast({ type: 'mark', threadId, mark });
    }
    const thread = await this.index.update(threadId, { marks });
    if (thread) this.streams.broadcast({ type: 'thread', thread });
  }
}

export function createPlaygroundChannel(options: PlaygroundChannelOptions): Promise<PlaygroundChannel> {
  return PlaygroundChannel.create(options);
}

function titleOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/** Pages and API answers: nothing but our own script and style runs, even if a model's text slipped through. */
function secured(c: Context, body: string, status: number, type: string): Response {
  return c.body(body, status as 200, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
}

function json(c: Context, status: number, body: unknown): Response {
  return secured(c, JSON.stringify(body), status, 'application/json; charset=utf-8');
}

function jsonError(c: Context, status: number, message: string): Response {
  return json(c, status, { error: message });
}

function errorFields(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
