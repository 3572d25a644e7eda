/**
 * A loopback HTTP proxy in front of dynalite that injects DynamoDB faults in the service's wire format
 * (status, `x-amzn-ErrorType`, JSON `__type`), so the real SDK's retry logic is what gets exercised.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** 400 ThrottlingException: the SDK backs off and retries. */
  | 'throttle'
  /** 500 InternalServerError: the SDK retries. */
  | 'server-error'
  /** Forward the request (it takes effect), then answer 500 as if the response were lost. */
  | 'lose-response'
  /** Close the connection without forwarding: the request never reached DynamoDB. */
  | 'drop-before'
  /** Forward the request (it takes effect), then close the connection without answering. */
  | 'drop-after';

export interface FaultRule {
  /** DynamoDB operation, e.g. "UpdateItem". */
  operation: string;
  fault?: Fault;
  /** How many matching requests to affect. */
  times: number;
  /** Runs before the matching request is forwarded (e.g. to let a competitor win a race). */
  before?: () => Promise<void>;
}

export interface FaultProxy {
  endpoint: string;
  /** Every operation that reached the proxy, in order. */
  readonly operations: string[];
  inject(rule: FaultRule): void;
  count(operation: string): number;
  reset(): void;
  close(): Promise<void>;
}

type ErrorFault = 'throttle' | 'server-error';

const ERRORS: Record<ErrorFault, { status: number; type: string; message: string }> = {
  throttle: {
    status: 400,
    type: 'ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  'server-error': { status: 500, type: 'InternalServerError', message: 'Internal server error' },
};

function sendError(res: ServerResponse, fault: ErrorFault): void {
  const { status, type, message } = ERRORS[fault];
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': type,
    'x-amzn-requestid': `fault-${Math.random().toString(36).slice(2)}`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      async (res) =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: await readBody(res) }),
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

export async function startFaultProxy(upstreamEndpoint: string): Promise<FaultProxy> {
  const target = new URL(upstreamEndpoint);
  let rules: FaultRule[] = [];
  const operations: string[] = [];

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      operations.push(operation);
      const rule = rules.find((r) => r.operation === operation && r.times > 0);
      if (rule) rule.times -= 1;
      if (rule?.before) await rule.before();
      if (rule?.fault === 'throttle' || rule?.fault === 'server-error') return sendError(res, rule.fault);
      if (rule?.fault === 'drop-before') return void req.socket.destroy();
      const answer = await forward(target, req, body);
      if (rule?.fault === 'lose-response') return sendError(res, 'server-error');
      if (rule?.fault === 'drop-after') return void req.socket.destroy();
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      res.writeHead(502);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    operations,
    inject: (rule) => rules.push({ ...rule }),
    count: (operation) => operations.filter((op) => op === operation).length,
    reset: () => {
      rules = [];
      operations.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
