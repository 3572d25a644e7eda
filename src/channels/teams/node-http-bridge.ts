/**
 * Raw `node:http` → what Bot Framework SDKs expect from express/restify: a parsed JSON body and a response with
 * `status/header/send/end` (botbuilder's `CloudAdapter.process` rejects plain Node objects with a zod
 * "Response" error and HTTP 500).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BatonError } from '../../errors.js';

/** Bot Framework activities are well under this; larger bodies are refused before parsing. */
export const MAX_ACTIVITY_BYTES = 1024 * 1024;

export class RequestBodyError extends BatonError {
  readonly code = 'BATON_REQUEST_BODY';
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'RequestBodyError';
  }
}

export async function readJsonBody(req: IncomingMessage, limit = MAX_ACTIVITY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new RequestBodyError(413, `Request body is larger than ${limit} bytes.`);
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestBodyError(400, 'Request body is not valid JSON.');
  }
}

export interface ExpressLikeResponse {
  socket: unknown;
  status(code: number): ExpressLikeResponse;
  header(name: string, value: unknown): ExpressLikeResponse;
  send(body?: unknown): ExpressLikeResponse;
  end(): ExpressLikeResponse;
}

export function expressLikeResponse(res: ServerResponse): ExpressLikeResponse {
  let body: string | undefined;
  const self: ExpressLikeResponse = {
    socket: res.socket,
    status(code) {
      res.statusCode = code;
      return self;
    },
    header(name, value) {
      res.setHeader(name, String(value));
      return self;
    },
    send(value) {
      if (value === undefined) return self;
      if (typeof value === 'string' || Buffer.isBuffer(value)) {
        body = value.toString();
        if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
      } else {
        body = JSON.stringify(value);
        res.setHeader('content-type', 'application/json; charset=utf-8');
      }
      return self;
    },
    end() {
      if (!res.writableEnded) res.end(body);
      return self;
    },
  };
  return self;
}

export function sendPlain(res: ServerResponse, status: number, text: string): void {
  if (res.writableEnded) return;
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(text);
}
