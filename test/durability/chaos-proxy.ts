/**
 * A loopback proxy in front of dynalite that injects DynamoDB faults at a rate, in DynamoDB's wire format, so the
 * real SDK's retries and the app's own handling are what gets exercised: throttling (400
 * ProvisionedThroughputExceededException), 500 InternalServerError, and connections dropped before the request
 * reaches DynamoDB, after it took effect, or in the middle of the response.
 */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChaosFault = 'throttle' | 'server-error' | 'drop-before' | 'drop-after' | 'drop-mid-response';
export const CHAOS_FAULTS: readonly ChaosFault[] = [
  'throttle',
  'server-error',
  'drop-before',
  'drop-after',
  'drop-mid-response',
];

export interface ChaosProxy {
  endpoint: string;
  /** 0 (off) to 1: the share of requests that get a fault. */
  rate: number;
  readonly requests: number;
  readonly injected: Record<ChaosFault, number>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
}

export async function startChaosProxy(upstream: string, faults = CHAOS_FAULTS): Promise<ChaosProxy> {
  const target = new URL(upstream);
  const injected = Object.fromEntries(CHAOS_FAULTS.map((f) => [f, 0])) as Record<ChaosFault, number>;
  let requests = 0;
  const state = { rate: 0 };
  const server: Server = createServer(async (req, res) => {
    requests++;
    const body = await readBody(req);
    const fault = Math.random() < state.rate ? faults[Math.floor(Math.random() * faults.length)] : undefined;
    if (fault) injected[fault]++;
    if (fault === 'throttle' || fault === 'server-error') {
      const [status, type, message] =
        fault === 'throttle'
          ? [
              400,
              'ProvisionedThroughputExceededException',
              'The level of configured provisioned throughput for the table was exceeded.',
            ]
          : [500, 'InternalServerError', 'Internal server error'];
      const text = errorBody(type, message);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': type,
        'x-amzn-requestid': `chaos-${requests}`,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    if (fault === 'drop-before') {
      req.socket.destroy();
      return;
    }
    const upstreamReq = request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });
    upstreamReq.on('error', () => req.socket.destroy());
    upstreamReq.on('response', async (answer) => {
      const payload = await readBody(answer);
      if (fault === 'drop-after') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (fault === 'drop-mid-response') {
        // Headers promise the whole body; half of it arrives, then the connection dies.
        res.write(payload.subarray(0, Math.floor(payload.length / 2)));
        setTimeout(() => req.socket.destroy(), 5);
        return;
      }
      res.end(payload);
    });
    upstreamReq.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get rate() {
      return state.rate;
    },
    set rate(value: number) {
      state.rate = value;
    },
    get requests() {
      return requests;
    },
    injected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
