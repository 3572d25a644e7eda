/**
 * A fake of Slack's Web API on loopback, in Slack's wire format (`{ ok: true, … }`), recording every call.
 * It also keeps the messages it was sent, so tests can assert what a person would see in a thread.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call carried. */
  token: string | undefined;
  at: number;
  /** The HTTP status the fake answered with (429 for a rate-limited attempt). */
  status: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  blocks: Array<Record<string, unknown>>;
  username: string | undefined;
  iconEmoji: string | undefined;
  iconUrl: string | undefined;
  /** How it was created: a normal post or a native stream. */
  via: 'post' | 'stream';
  streaming: boolean;
  edits: number;
}

/** A request for a file under `/files/`, as the fake received it. */
export interface RecordedDownload {
  path: string;
  /** The bearer token it carried. */
  token: string | undefined;
  /** What the fake answered: 200 with the file, 200 with a login page (wrong token, as Slack does), 404. */
  answer: 'file' | 'login_page' | 'not_found';
}

interface FakeFile {
  bytes: Buffer;
  contentType: string;
  /** Answer with a redirect to this URL instead. */
  redirectTo?: string;
}

export interface FakeSlackOptions {
  /** Refuse `username`/`icon_*` on chat.postMessage as Slack does without `chat:write.customize`. */
  refusePersona?: boolean;
  /** Answer chat.startStream with `unknown_method` (a workspace without native streaming). */
  nativeStreaming?: boolean;
  /** The OAuth token exchange result for `oauth.v2.access`. */
  oauthAccess?: Record<string, unknown>;
  /** The bot token file downloads must carry (default `xoxb-test-token`, the harness's). */
  fileToken?: string;
  /** Socket Mode: what `apps.connections.open` answers (a `ws://` URL); unset, it answers `invalid_auth`. */
  socketModeUrl?: () => string;
}

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeMessage[] = [];
  /** File downloads, in order (whatever their answer). */
  readonly downloads: RecordedDownload[] = [];
  private readonly files = new Map<string, FakeFile>();
  options: FakeSlackOptions;
  private readonly rateLimited = new Map<string, number>();
  private readonly failures = new Map<string, { error: string; count: number }>();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: FakeSlackOptions,
  ) {
    this.options = options;
  }

  /** `http://127.0.0.1:PORT/api/` — pass as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
    let fake: FakeSlackApi | undefined;
    const server = createServer((req, res) => {
      if ((req.url ?? '').startsWith('/files/')) {
        fake!.download(req, res);
        return;
      }
      void fake!.handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlackApi(server, `http://127.0.0.1:${port}`, { nativeStreaming: true, ...options });
    return fake;
  }

  /** The next `count` calls to `method` get HTTP 429 with `Retry-After: 1`. */
  rateLimitNext(method: string, count = 1): void {
    this.rateLimited.set(method, count);
  }

  /** The next `count` calls to `method` answer HTTP 200 `{ ok: false, error }` (e.g. `internal_error`). */
  failNext(method: string, error: string, count = 1): void {
    this.failures.set(method, { error, count });
  }

  /**
   * Serves `bytes` at `/files/<id>/<name>` to requests with the bot token, as files.slack.com does; returns the
   * `url_private`. `redirectTo` answers 302 to that URL instead.
   */
  addFile(name: string, bytes: Buffer, contentType: string, o: { redirectTo?: string } = {}): string {
    const path = `/files/F${++this.seq}/${encodeURIComponent(name)}`;
    this.files.set(path, { bytes, contentType, ...(o.redirectTo ? { redirectTo: o.redirectTo } : {}) });
    return `${this.url}${path}`;
  }

  reset(options: FakeSlackOptions = {}): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.downloads.length = 0;
    this.files.clear();
    this.rateLimited.clear();
    this.failures.clear();
    this.options = { nativeStreaming: true, ...options };
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }

  /** Messages in a thread (root excluded) in posting order, as a person would read them. */
  thread(channel: string, threadTs: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === threadTs);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private download(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const file = this.files.get(path);
    const record: RecordedDownload = { path, token, answer: 'not_found' };
    this.downloads.push(record);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (token !== (this.options.fileToken ?? 'xoxb-test-token')) {
      // Slack answers a missing or wrong token with its sign-in page, not an error status.
      record.answer = 'login_page';
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>Sign in</title>');
      return;
    }
    record.answer = 'file';
    if (file.redirectTo) {
      res.writeHead(302, { location: file.redirectTo }).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length })
      .end(file.bytes);
  }

  private async handle(req: IncomingMessage) {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const args = parseBody(await readBody(req), req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? stringOf(args.token);
    const left = this.rateLimited.get(method) ?? 0;
    const record: RecordedCall = { method, args, token, at: Date.now(), status: 200 };
    this.calls.push(record);
    if (left > 0) {
      this.rateLimited.set(method, left - 1);
      record.status = 429;
      return { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } };
    }
    const failure = this.failures.get(method);
    if (failure && failure.count > 0) {
      failure.count--;
      return { status: 200, headers: {}, body: { ok: false, error: failure.error } };
    }
    return { status: 200, headers: {}, body: this.answer(method, args) };
  }

  private nextTs(): string {
    this.seq++;
    return `1700000${String(this.seq).padStart(3, '0')}.${String(this.seq).padStart(6, '0')}`;
  }

  private answer(method: string, a: Record<string, unknown>): Record<string, unknown> {
    const channel = stringOf(a.channel) ?? '';
    const refused = overLimit(method, a, this.find(channel, a.ts));
    if (refused) return { ok: false, error: refused };
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'baton' };
      case 'chat.postMessage': {
        const persona = a.username !== undefined || a.icon_emoji !== undefined || a.icon_url !== undefined;
        if (persona && this.options.refusePersona) {
          return {
            ok: false,
            error: 'missing_scope',
            needed: 'chat:write.customize',
            provided: 'chat:write',
          };
        }
        const m = this.store(a, 'post');
        return { ok: true, channel, ts: m.ts, message: { text: m.text, ts: m.ts } };
      }
      case 'chat.update': {
        const m = this.find(channel, a.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.text = stringOf(a.text) ?? m.text;
        if (Array.isArray(a.blocks)) m.blocks = a.blocks as Array<Record<string, unknown>>;
        m.edits++;
        return { ok: true, channel, ts: m.ts, text: m.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.startStream': {
        if (!this.options.nativeStreaming) return { ok: false, error: 'unknown_method' };
        if (!channel.startsWith('D') && (!a.recipient_user_id || !a.recipient_team_id)) {
          return { ok: false, error: 'missing_recipient_user_id' };
        }
        const m = this.store({ ...a, text: a.markdown_text }, 'stream');
        m.streaming = true;
        return { ok: true, channel, ts: m.ts };
      }
      case 'chat.appendStream': {
        const m = this.find(channel, a.ts);
        if (!m?.streaming) return { ok: false, error: 'message_not_in_streaming_state' };
        m.text += stringOf(a.markdown_text) ?? '';
        m.edits++;
        return { ok: true, channel, ts: m.ts };
      }
      case 'chat.stopStream': {
        const m = this.find(channel, a.ts);
        if (!m?.streaming) return { ok: false, error: 'message_not_in_streaming_state' };
        m.text += stringOf(a.markdown_text) ?? '';
        m.streaming = false;
        return { ok: true, channel, ts: m.ts };
      }
      case 'apps.connections.open':
        return this.options.socketModeUrl
          ? { ok: true, url: this.options.socketModeUrl() }
          : { ok: false, error: 'invalid_auth' };
      case 'assistant.threads.setStatus':
        return { ok: true };
      case 'oauth.v2.access':
        return this.options.oauthAccess ?? { ok: false, error: 'invalid_code' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private store(a: Record<string, unknown>, via: FakeMessage['via']): FakeMessage {
    const m: FakeMessage = {
      channel: stringOf(a.channel) ?? '',
      ts: this.nextTs(),
      threadTs: stringOf(a.thread_ts),
      text: stringOf(a.text) ?? '',
      blocks: Array.isArray(a.blocks) ? (a.blocks as Array<Record<string, unknown>>) : [],
      username: stringOf(a.username),
      iconEmoji: stringOf(a.icon_emoji),
      iconUrl: stringOf(a.icon_url),
      via,
      streaming: false,
      edits: 0,
    };
    this.messages.push(m);
    return m;
  }

  private find(channel: string, ts: unknown): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }
}

/** Slack's documented limits (platform reference §6), as the error Slack answers when one is broken. */
const LIMITS = { text: 40_000, streamCall: 12_000, markdownBlocks: 12_000, blocks: 50 };

function overLimit(
  method: string,
  a: Record<string, unknown>,
  existing: FakeMessage | undefined,
): string | undefined {
  if (Array.isArray(a.blocks) && a.blocks.length > LIMITS.blocks) return 'invalid_blocks';
  if ((stringOf(a.text)?.length ?? 0) > LIMITS.text) return 'msg_too_long';
  const markdown = stringOf(a.markdown_text) ?? '';
  if (markdown.length > LIMITS.streamCall) return 'invalid_arguments';
  // A streamed message's markdown is block text: its total is capped like a markdown block's.
  const streamed =
    method === 'chat.startStream' ? 0 : method.endsWith('Stream') ? (existing?.text.length ?? 0) : -1;
  if (streamed >= 0 && streamed + markdown.length > LIMITS.markdownBlocks) return 'msg_blocks_too_long';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** The Web API client sends form fields; nested values (blocks, chunks) are JSON strings inside them. */
function parseBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    out[k] = /^[[{]/.test(v) ? tryJson(v) : v;
  }
  return out;
}

function tryJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
