/**
 * The AWS path with its queue misbehaving: two ingress instances (real `ingressHandler` runtimes) behind one
 * URL, Slack deliveries alternating between them (retries too), a fake SQS FIFO queue whose SendMessage fails
 * or answers slowly at a rate, and the real `workerHandler` fed by an event source mapping that honours FIFO
 * groups, deduplication ids, `batchItemFailures`, redelivery and a dead-letter queue.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { parseConfig } from '../../src/app/config.js';
import {
  createIngressRuntime,
  createWorkerRuntime,
  type IngressRuntime,
  ingressHandler,
  type WorkerRuntime,
  workerHandler,
} from '../../src/app/lambda/index.js';
import { createDynamoDBClient, ensureTable } from '../../src/store/dynamodb/index.js';
import type { FigureRow } from './figures.js';
import { sleep } from './processes.js';
import { mention, SlackDelivery, slackTs, TEAM, threadMessage } from './slack-delivery.js';
import { storedWorkflow, type World } from './world.js';

interface Queued {
  messageId: string;
  body: string;
  groupId: string;
  receiveCount: number;
}

/** SQS FIFO on loopback: SendMessage with faults, plus what an event source mapping does on the other side. */
class FlakyFifoQueue {
  readonly queueUrl: string;
  /** Share of SendMessage calls that fail (half: HTTP 500; half: answered after `slowMs`, past Slack's 3 s). */
  rate = 0;
  slowMs = 3500;
  readonly stats = { sends: 0, failed: 0, slow: 0, deduplicated: 0, deadLettered: 0, redelivered: 0 };
  private readonly queue: Queued[] = [];
  private readonly dedup = new Set<string>();
  readonly deadLetters: Queued[] = [];

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {
    this.queueUrl = `${endpoint}/000000000000/baton-turns.fifo`;
  }

  static async start(): Promise<FlakyFifoQueue> {
    let queue: FlakyFifoQueue | undefined;
    const server = createServer(
      (req, res) =>
        void queue!.handle(req).then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
        }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    queue = new FlakyFifoQueue(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return queue;
  }

  get depth(): number {
    return this.queue.length;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
    this.stats.sends++;
    if (Math.random() < this.rate) {
      if (Math.random() < 0.5) {
        this.stats.failed++;
        return {
          status: 500,
          body: { __type: 'com.amazonaws.sqs#InternalError', message: 'We encountered an internal error.' },
        };
      }
      this.stats.slow++;
      await sleep(this.slowMs);
    }
    const body = String(input.MessageBody ?? '');
    const messageId = randomUUID();
    const md5 = createHash('md5').update(body).digest('hex');
    const dedupId = input.MessageDeduplicationId ?? createHash('sha256').update(body).digest('hex');
    if (this.dedup.has(dedupId)) {
      // FIFO: a repeat within the deduplication window is accepted and dropped.
      this.stats.deduplicated++;
      return { status: 200, body: { MessageId: messageId, MD5OfMessageBody: md5, SequenceNumber: '0' } };
    }
    this.dedup.add(dedupId);
    this.queue.push({ messageId, body, groupId: String(input.MessageGroupId ?? ''), receiveCount: 0 });
    return {
      status: 200,
      body: { MessageId: messageId, MD5OfMessageBody: md5, SequenceNumber: String(this.queue.length) },
    };
  }

  /** One poll of the event source mapping: the oldest message of each group not in flight, at most `batch`. */
  takeBatch(batch = 10): Queued[] {
    const groups = new Set<string>();
    const out: Queued[] = [];
    for (const m of this.queue) {
      if (groups.has(m.groupId)) continue;
      groups.add(m.groupId);
      out.push(m);
      if (out.length >= batch) break;
    }
    for (const m of out) m.receiveCount++;
    return out;
  }

  event(messages: Queued[]): SQSEvent {
    return {
      Records: messages.map((m) => ({
        messageId: m.messageId,
        receiptHandle: `handle-${m.messageId}`,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(Date.now()),
          SenderId: 'AROAEXAMPLE:baton-ingress',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
          MessageGroupId: m.groupId,
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(m.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:baton-turns.fifo',
        awsRegion: 'us-east-1',
      })),
    };
  }

  /** Deletes what succeeded; failed items stay (redelivered), up to `maxReceiveCount`, then go to the DLQ. */
  settle(batch: Queued[], failedIds: Set<string>, maxReceiveCount = 5): void {
    for (const m of batch) {
      const index = this.queue.indexOf(m);
      if (!failedIds.has(m.messageId)) {
        this.queue.splice(index, 1);
      } else if (m.receiveCount >= maxReceiveCount) {
        this.queue.splice(index, 1);
        this.deadLetters.push(m);
        this.stats.deadLettered++;
      } else {
        this.stats.redelivered++;
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A Lambda Function URL event (payload 2.0) for a request Slack made. */
function functionUrlEvent(
  path: string,
  body: string,
  headers: Record<string, string>,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.lambda-url.us-east-1.on.aws', 'x-forwarded-proto': 'https', ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '3.3.3.3', userAgent: 'Slackbot 1.0' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

export interface LambdaRunOptions {
  /** SendMessage fault rate (0..1). */
  rate: number;
  threads: number;
  /** Thread replies per thread, sent right after the mention (before the worker has run anything). */
  replies: number;
  /** The worker starts polling this long after the first delivery (default 1500 ms). */
  workerDelayMs?: number;
  deadlineMs?: number;
}

export interface LambdaRunOutcome {
  sent: number;
  acked: number;
  neverAcked: number;
  /** Acked messages with no stored reply at the end. */
  lostTurns: number;
  /** Messages stored more than once. */
  duplicated: number;
  /** Of the lost: thread replies sent before their thread's first turn ran. */
  lostEarlyReplies: number;
  deadLettered: number;
  modelCalls: number;
  stats: FlakyFifoQueue['stats'];
  notes: string[];
}

export async function runLambdaQueue(world: World, options: LambdaRunOptions): Promise<LambdaRunOutcome> {
  const table = `chaos-lambda-${Date.now()}`;
  const queue = await FlakyFifoQueue.start();
  const dynamo = createDynamoDBClient({
    endpoint: world.dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
  });
  await ensureTable(dynamo, table);
  const config = parseConfig({
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'silent',
    DYNAMODB_TABLE: table,
    AWS_REGION: 'us-east-1',
    OPENAI_BASE_URL: world.model.baseURL,
    OPENAI_API_KEY: 'test',
    OPENAI_MODEL: 'gpt-test',
    SLACK_BOT_TOKEN: 'xoxb-chaos-test',
    SLACK_SIGNING_SECRET: world.signingSecret,
    SLACK_API_URL: world.slack.apiUrl,
    BATON_SLACK_STREAMING: 'off',
    BATON_QUEUE_URL: queue.queueUrl,
  });
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: queue.endpoint,
    credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
  });
  const runtimeOptions = { createWorkflow: createCustomerSupportWorkflow, dynamo, sqs };
  const ingressRuntimes: IngressRuntime[] = [];
  let worker: WorkerRuntime | undefined;
  let front: Server | undefined;
  let polling = true;
  try {
    ingressRuntimes.push(await createIngressRuntime(config, runtimeOptions));
    ingressRuntimes.push(await createIngressRuntime(config, runtimeOptions));
    const ingresses = ingressRuntimes.map((rt) => ingressHandler(async () => rt));
    worker = await createWorkerRuntime(config, runtimeOptions);
    const handleBatch = workerHandler(async () => worker!);
    // The Function URL: requests alternate between the two ingress instances, as a load balancer would.
    let next = 0;
    let inFlight = 0;
    front = createServer(async (req, res) => {
      inFlight++;
      res.once('close', () => inFlight--);
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = Object.fromEntries(
        Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
      );
      const out = await ingresses[next++ % ingresses.length]!(
        functionUrlEvent(
          new URL(req.url ?? '/', 'http://x').pathname,
          Buffer.concat(chunks).toString('utf8'),
          headers,
        ),
      );
      res.writeHead(out.statusCode ?? 200, (out.headers ?? {}) as Record<string, string>).end(out.body ?? '');
    });
    await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const delivery = new SlackDelivery({ signingSecret: world.signingSecret, url: () => url });
    const callsBefore = world.model.requests.length;
    queue.rate = options.rate;

    const poller = (async () => {
      await sleep(options.workerDelayMs ?? 1500);
      while (polling) {
        const batch = queue.takeBatch();
        if (batch.length === 0) {
          await sleep(50);
          continue;
        }
        const result = await handleBatch(queue.event(batch));
        queue.settle(batch, new Set(result.batchItemFailures.map((f) => f.itemIdentifier)));
      }
    })();

    const threads = Array.from({ length: options.threads }, (_, t) => ({
      channel: `CL${t}`,
      rootTs: slackTs(),
      texts: [
        `lambda note ${t}-0`,
        ...Array.from({ length: options.replies }, (_, r) => `lambda note ${t}-${r + 1}`),
      ],
    }));
    const sends = threads.flatMap((t) => [
      delivery.event(`EvL${t.channel}-0`, mention(t.channel, t.texts[0]!, t.rootTs)),
      ...t.texts
        .slice(1)
        .map((text, r) =>
          sleep(100 * (r + 1)).then(() =>
            delivery.event(`EvL${t.channel}-${r + 1}`, threadMessage(t.channel, text, slackTs(), t.rootTs)),
          ),
        ),
    ]);
    const records = await Promise.all(sends);
    queue.rate = 0;
    const deadline = Date.now() + (options.deadlineMs ?? 30_000);
    // Slack stops waiting after 3 s, but the ingress invocation runs on: wait for every one of them too.
    while (Date.now() < deadline && (queue.depth > 0 || inFlight > 0)) await sleep(100);
    await sleep(1000);
    while (Date.now() < deadline && queue.depth > 0) await sleep(100);
    polling = false;
    await poller;

    const notes: string[] = [];
    const stored = storedWorkflow(world, table);
    let lostTurns = 0;
    let duplicated = 0;
    let lostEarlyReplies = 0;
    try {
      let i = 0;
      for (const t of threads) {
        const conversation = await stored.workflow
          .forConversation(`slack:${TEAM}:${t.channel}:${t.rootTs}`)
          .getConversation();
        for (const [r, text] of t.texts.entries()) {
          const record = records[i++]!;
          const users = conversation.filter((m) => m.role === 'user' && m.text.includes(text)).length;
          const replied = conversation.some((m) => m.role === 'assistant' && m.text.includes(text));
          if (users > 1) duplicated += users - 1;
          if (record.acked && !replied) {
            lostTurns++;
            if (r > 0) lostEarlyReplies++;
            notes.push(
              `${t.channel} "${text}": acked (${record.attempts.map((a) => a.status).join(',')}), no reply stored`,
            );
          }
        }
      }
    } finally {
      stored.close();
    }
    const acked = records.filter((r) => r.acked).length;
    return {
      sent: records.length,
      acked,
      neverAcked: records.length - acked,
      lostTurns,
      duplicated,
      lostEarlyReplies,
      deadLettered: queue.stats.deadLettered,
      modelCalls: world.model.requests.length - callsBefore,
      stats: { ...queue.stats },
      notes,
    };
  } finally {
    polling = false;
    queue.rate = 0;
    if (front) {
      const f = front;
      await new Promise<void>((resolve) => {
        f.close(() => resolve());
        f.closeAllConnections();
      });
    }
    for (const rt of ingressRuntimes) await rt.close();
    await worker?.close();
    sqs.destroy();
    dynamo.destroy();
    await queue.close();
  }
}

export function lambdaFigures(o: LambdaRunOutcome, rate: number): FigureRow {
  return {
    scenario: `Lambda, SQS faults at ${Math.round(rate * 100)}%, 2 ingresses`,
    trials: o.sent,
    interrupted: o.neverAcked,
    lost: o.lostTurns,
    duplicated: o.duplicated,
    duplicatedReplies: 0,
    doubleRuns: 0,
    lostResults: 0,
    dishonest: 0,
    waiting: o.deadLettered,
    resumeMs: [],
    ghosts: 0,
    apologies: 0,
    modelCalls: o.modelCalls,
    expectedModelCalls: o.acked,
  };
}
