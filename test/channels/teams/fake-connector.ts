/**
 * A fake Bot Connector service on loopback: the REST endpoints botbuilder's connector client calls when the bot
 * replies (the activities' `serviceUrl` points here). It records every call and answers like Teams, including
 * the streaming rules (first chunk → stream id, later chunks must carry it, 405 outside personal chats).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** For replies and updates: the activity id in the path. */
  activityId?: string;
  body: Record<string, unknown>;
  /** The id the fake returned (new activity id, or the stream id). */
  returnedId?: string;
  status: number;
  at: number;
}

export interface FakeConnector {
  url: string;
  calls: ConnectorCall[];
  /** Successful sends and updates of this conversation, in order. */
  sent(conversationId?: string): ConnectorCall[];
  /** Resolves when `predicate` holds for the recorded calls (polls; fails after `timeoutMs`). */
  waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

type Entity = Record<string, unknown>;

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  let next = 0;
  const streams = new Map<string, { conversationId: string; sequence: number; ended: boolean }>();

  const server: Server = createServer(async (req, res) => {
    const raw = await readText(req);
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(
      new URL(req.url ?? '/', 'http://x').pathname,
    );
    const method = req.method === 'PUT' ? 'PUT' : 'POST';
    if (!match?.[1]) return answer(res, 404, { error: { code: 'NotFound', message: req.url } });
    const conversationId = decodeURIComponent(match[1]);
    const activityId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const call: ConnectorCall = { method, conversationId, body, status: 200, at: Date.now() };
    if (activityId) call.activityId = activityId;
    // Teams refuses a message over ~100 KB, counted in UTF-16 (two bytes per code unit).
    const status =
      raw.length * 2 > MAX_MESSAGE_UTF16_BYTES
        ? { error: 413, code: 'MessageSizeTooBig' }
        : streamingStatus(conversationId, body);
    if (status.error) {
      call.status = status.error;
      calls.push(call);
      return answer(res, status.error, { error: { code: status.code, message: status.code } });
    }
    const id = method === 'PUT' ? (activityId ?? '') : (status.streamId ?? `activity-${++next}`);
    call.returnedId = id;
    call.status = method === 'PUT' ? 200 : 201;
    calls.push(call);
    return answer(res, call.status, { id });
  });

  /** Teams' streaming rules, as far as a test can notice them. */
  function streamingStatus(
    conversationId: string,
    body: Record<string, unknown>,
  ): { error?: number; code?: string; streamId?: string } {
    const info = ((body.entities as Entity[] | undefined) ?? []).find((e) => e.type === 'streaminfo');
    if (!info) return {};
    const conversation = body.conversation as { conversationType?: string } | undefined;
    if (conversation?.conversationType && conversation.conversationType !== 'personal') {
      return { error: 405, code: 'Streaming API is not enabled for non personal scope' };
    }
    const streamId = info.streamId as string | undefined;
    if (!streamId) {
      if (info.streamSequence !== 1 || body.type !== 'typing') return { error: 400, code: 'MissingStreamId' };
      const id = `stream-${++next}`;
      streams.set(id, { conversationId, sequence: 1, ended: false });
      return { streamId: id };
    }
    const stream = streams.get(streamId);
    if (!stream || stream.ended) return { error: 403, code: 'ContentStreamNotAllowed' };
    if (info.streamType === 'final') {
      if (body.type !== 'message' || info.streamSequence !== undefined)
        return { error: 400, code: 'BadFinal' };
      stream.ended = true;
      return {};
    }
    const sequence = info.streamSequence as number;
    if (sequence <= stream.sequence)
      return { error: 202, code: 'ContentStreamSequenceOrderPreConditionFailed' };
    stream.sequence = sequence;
    return {};
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    sent: (conversationId) =>
      calls.filter((c) => c.status < 300 && (!conversationId || c.conversationId === conversationId)),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > deadline) {
          throw new Error(`Timed out waiting for connector calls; got:\n${JSON.stringify(calls, null, 1)}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The Bot Connector's message size limit (learn.microsoft.com …/format-your-bot-messages). */
export const MAX_MESSAGE_UTF16_BYTES = 100 * 1024;

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
