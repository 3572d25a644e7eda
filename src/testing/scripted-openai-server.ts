/**
 * A scripted, OpenAI-compatible Chat Completions server on loopback, for tests, benchmarks and the
 * offline demo. Point the real `openai` SDK at `server.baseURL` and every request is answered by the
 * next matching script item — a text/tool-call turn or a fault (429, 5xx, malformed JSON, stall).
 *
 * Matching (see `script.ts`): faults injected with `fault()` first; then the first unconsumed item
 * whose `when` returns true (items without `when` always match); then `responder`. When nothing
 * answers, the request gets a 500 whose message names the last user text, so an unexpected extra
 * model call explains itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type Socket } from 'node:net';
import { isFault, Script, validateItem } from './script.js';
import { pause, sseData, startSse, untilAborted, writeSse } from './sse.js';
import type {
  RecordedRequest,
  ScriptedFault,
  ScriptedOpenAIServer,
  ScriptedServerOptions,
  ScriptedTurn,
  ScriptItem,
} from './types.js';
import {
  completionBody,
  DEFAULT_CHUNK_SIZE,
  errorBody,
  includeUsageRequested,
  modelObject,
  type ResolvedTurn,
  resolveTurn,
  SCRIPTED_MODEL_ID,
  streamChunks,
  toRecordedRequest,
  usageChunk,
} from './wire.js';

export type {
  RecordedRequest,
  ScriptedFault,
  ScriptedOpenAIServer,
  ScriptedServerOptions,
  ScriptedToolCall,
  ScriptedTurn,
  ScriptItem,
} from './types.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_RETRY_AFTER_SECONDS = 1;
const STALL_FILLER_TEXT = 'This response stalls part-way through. ';

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (isIPv6(host)) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The body as text, or undefined past {@link MAX_BODY_BYTES}. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const buffer = part as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    parts.push(buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

class ScriptedServer implements ScriptedOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  readonly baseURL: string;
  readonly url: string;

  private readonly script: Script;
  private readonly sockets = new Set<Socket>();
  /** One per response being sent; `close()` aborts them all to end delays and stalls. */
  private readonly inFlight = new Set<AbortController>();
  private closing: Promise<void> | undefined;
  private requestCounter = 0;
  private completionCounter = 0;
  private toolCallCounter = 0;

  constructor(
    private readonly server: Server,
    origin: string,
    private readonly options: ScriptedServerOptions,
  ) {
    this.url = origin;
    this.baseURL = `${origin}/v1`;
    this.script = new Script(options.responder);
    this.script.enqueue(options.script ?? []);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // A bug here must still answer (or drop) the request rather than hang the client.
        if (!res.headersSent && !res.destroyed) {
          this.sendError(res, 500, `scripted server error: ${String(error)}`, 'server_error', null);
        } else {
          res.destroy();
        }
      });
    });
  }

  enqueue(...items: ScriptItem[]): void {
    this.script.enqueue(items);
  }

  fault(f: ScriptedFault): void {
    this.script.inject(f);
  }

  pending(): number {
    return this.script.pending();
  }

  reset(): void {
    this.script.clear();
    this.requests.length = 0;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const controller of this.inFlight) controller.abort();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-request-id', `req_scripted_${++this.requestCounter}`);
    // Writes after the client went away are dropped; the 'error' is not worth crashing a test run over.
    res.on('error', () => {});
    // Ends delays and stalls when the server closes or this client goes away. Tracked in a set
    // rather than as listeners on one server-wide signal, which would warn past 10 open requests.
    const done = new AbortController();
    this.inFlight.add(done);
    res.on('close', () => {
      this.inFlight.delete(done);
      done.abort();
    });
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://scripted.invalid').pathname.replace(/\/+$/, '') || '/';

    if (this.options.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      req.resume();
      this.sendError(
        res,
        401,
        'Incorrect API key provided (scripted server).',
        'invalid_request_error',
        'invalid_api_key',
      );
      return;
    }
    if (path === '/v1/models' && method === 'GET') {
      this.sendJson(res, 200, { object: 'list', data: [modelObject(SCRIPTED_MODEL_ID)] });
      return;
    }
    if (path === `/v1/models/${SCRIPTED_MODEL_ID}` && method === 'GET') {
      this.sendJson(res, 200, modelObject(SCRIPTED_MODEL_ID));
      return;
    }
    if (path !== '/v1/chat/completions' || method !== 'POST') {
      req.resume();
      this.sendError(res, 404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null);
      return;
    }

    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw === undefined ? undefined : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      const message =
        raw === undefined ? 'Request body too large.' : 'We could not parse the JSON body of your request.';
      this.sendError(res, 400, message, 'invalid_request_error', null);
      return;
    }

    const request = toRecordedRequest(path, method, headerRecord(req), body as Record<string, unknown>);
    this.requests.push(request);
    let item: ScriptItem | undefined;
    try {
      item = this.script.take(request);
    } catch (error) {
      this.sendError(res, 500, error instanceof Error ? error.message : String(error), 'server_error', null);
      return;
    }
    if (item === undefined) {
      const pending = this.pending();
      const why =
        pending === 0 ? 'the script is exhausted' : `none of the ${pending} pending item(s) matched`;
      const responder = this.script.hasResponder ? ' and the responder returned undefined' : '';
      this.sendError(
        res,
        500,
        `Scripted OpenAI server: nothing to answer this request with: ${why}${responder}. ` +
          `Last user text: ${JSON.stringify(request.lastUserText ?? null)}`,
        'server_error',
        'script_exhausted',
      );
      return;
    }

    if (isFault(item)) await this.sendFault(res, item, request, done.signal);
    else await this.sendTurn(res, item, request, done.signal);
  }

  private resolve(turn: ScriptedTurn, request: RecordedRequest): ResolvedTurn {
    return resolveTurn(turn, request, {
      completionId: `chatcmpl-scripted-${++this.completionCounter}`,
      nextToolCallId: () => `call_${++this.toolCallCounter}`,
    });
  }

  private async sendTurn(
    res: ServerResponse,
    item: ScriptedTurn,
    request: RecordedRequest,
    signal: AbortSignal,
  ): Promise<void> {
    const turn = this.resolve(item, request);
    const delayMs = item.delayMs ?? 0;
    if (!request.stream) {
      if (!(await pause(delayMs, signal))) return;
      this.sendJson(res, 200, completionBody(turn));
      return;
    }
    const includeUsage = includeUsageRequested(request);
    const chunks = streamChunks(turn, item.chunkSize ?? DEFAULT_CHUNK_SIZE, includeUsage);
    const gap = delayMs / chunks.length;
    for (const chunk of chunks) {
      if (!(await pause(gap, signal))) return;
      writeSse(res, chunk);
    }
    if (includeUsage) writeSse(res, usageChunk(turn));
    writeSse(res, '[DONE]');
    res.end();
  }

  private async sendFault(
    res: ServerResponse,
    fault: ScriptedFault,
    request: RecordedRequest,
    signal: AbortSignal,
  ): Promise<void> {
    switch (fault.fault) {
      case 'rate_limit': {
        const seconds = fault.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
        // `retry-after` must be whole seconds; the SDK prefers `retry-after-ms`, which keeps sub-second waits exact.
        res.setHeader('retry-after', String(Math.ceil(seconds)));
        res.setHeader('retry-after-ms', String(Math.round(seconds * 1000)));
        this.sendError(
          res,
          429,
          'Rate limit reached for requests (scripted fault).',
          'requests',
          'rate_limit_exceeded',
          true,
        );
        return;
      }
      case 'server_error':
        this.sendError(
          res,
          fault.status ?? 500,
          'The server had an error while processing your request (scripted fault).',
          'server_error',
          null,
          true,
        );
        return;
      case 'malformed_json':
        if (request.stream) {
          startSse(res);
          res.end(sseData('{"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "choi'));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id": "chatcmpl-scripted", "object": "chat.completion", "choi');
        }
        return;
      case 'stall': {
        if (request.stream) {
          const turn = this.resolve({ text: fault.text ?? STALL_FILLER_TEXT }, request);
          // Never the finish chunk: the point is a response that has started but will not complete.
          const chunks = streamChunks(turn, DEFAULT_CHUNK_SIZE, includeUsageRequested(request)).slice(0, -1);
          startSse(res);
          for (const chunk of chunks.slice(0, fault.afterChunks ?? 0)) writeSse(res, chunk);
        }
        await untilAborted(signal);
        res.destroy();
        return;
      }
    }
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /**
   * `retryable` false adds `x-should-retry: false`, so the SDK's own retries do not replay (and
   * record) a request the script cannot answer anyway; faults leave the decision to the client.
   */
  private sendError(
    res: ServerResponse,
    status: number,
    message: string,
    type: string,
    code: string | null,
    retryable = false,
  ): void {
    if (!retryable) res.setHeader('x-should-retry', 'false');
    this.sendJson(res, status, errorBody(message, type, code));
  }
}

/** Starts a scripted server; see the module comment for the matching rules. */
export async function startScriptedOpenAIServer(
  options: ScriptedServerOptions = {},
): Promise<ScriptedOpenAIServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new Error(`Scripted OpenAI server only binds loopback addresses, not ${JSON.stringify(host)}`);
  }
  // Validate before binding so a typo in the script cannot leave a port open.
  for (const item of options.script ?? []) validateItem(item);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error('Scripted OpenAI server: could not determine the listening address');
  }
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return new ScriptedServer(server, `http://${hostPart}:${address.port}`, options);
}
