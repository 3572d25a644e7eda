/**
 * The Lambda ingress and worker with real event shapes (Function URL / HTTP API v2 events, SQS events) against
 * dynalite, a fake SQS and Slack's Web API on loopback, and a scripted model: the same channels and driver as
 * `npm start`, split across two hosts by a FIFO queue.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { parseConfig } from '../../src/app/config.js';
import {
  createIngressRuntime,
  createWorkerRuntime,
  type IngressHandler,
  type IngressRuntime,
  ingressHandler,
  type WorkerHandler,
  type WorkerRuntime,
  workerHandler,
} from '../../src/app/lambda/index.js';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '../../src/store/dynamodb/index.js';
import { FakeSlackApi } from '../channels/slack/fake-slack-api.js';
import { as, handoff } from '../handoff/fixtures.js';
import { useScriptedServer } from '../helpers.js';
import { FakeSqs } from './fake-sqs.js';

const TABLE = 'baton-lambda-test';
const TEAM = 'T1';
const CHANNEL = 'C_SUPPORT';
const STARTER = 'U_STARTER';
const BOT_USER = 'UBOT';
const SIGNING_SECRET = 'lambda-test-signing-secret';
const TRIAGE = 'You are frontline support triage';
const REFUND = 'You process refund';

const fixture = useScriptedServer();
let dynamo: EmbeddedDynamo;
let sqs: FakeSqs;
let slack: FakeSlackApi;
let ingressRt: IngressRuntime;
let workerRt: WorkerRuntime;
let ingress: IngressHandler;
let worker: WorkerHandler;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, TABLE);
  sqs = await FakeSqs.start();
  slack = await FakeSlackApi.start();
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    DYNAMODB_TABLE: TABLE,
    AWS_REGION: 'us-east-1',
    OPENAI_BASE_URL: fixture.server.baseURL,
    OPENAI_API_KEY: 'test',
    OPENAI_MODEL: 'gpt-test',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    BATON_QUEUE_URL: sqs.queueUrl,
  });
  const sqsClient = new SQSClient({
    region: 'us-east-1',
    endpoint: sqs.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const options = { createWorkflow: createCustomerSupportWorkflow, dynamo: dynamo.client, sqs: sqsClient };
  ingressRt = await createIngressRuntime(config, options);
  workerRt = await createWorkerRuntime(config, options);
  ingress = ingressHandler(async () => ingressRt);
  worker = workerHandler(async () => workerRt);
});

afterEach(() => {
  sqs.reset();
  slack.reset();
});

afterAll(async () => {
  await ingressRt?.close();
  await workerRt?.close();
  await slack?.close();
  await sqs?.close();
  await dynamo?.close();
});

let tsSeq = 0;
const userTs = () => `1800000${String(++tsSeq).padStart(3, '0')}.000100`;

/** A Lambda Function URL event (payload format 2.0) as AWS delivers it. */
function functionUrlEvent(
  path: string,
  body: string,
  headers: Record<string, string>,
  base64 = false,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'abc123.lambda-url.us-east-1.on.aws',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '3.3.3.3',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...headers,
    },
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
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  };
}

function signed(body: string, contentType: string, extra: Record<string, string> = {}) {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': ts,
    'x-slack-signature': signature,
    ...extra,
  };
}

function mentionEnvelope(text: string, ts: string, eventId: string) {
  return JSON.stringify({
    token: 'legacy',
    team_id: TEAM,
    api_app_id: 'A_BATON',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    event: { type: 'app_mention', user: STARTER, text: `<@${BOT_USER}> ${text}`, ts, channel: CHANNEL },
  });
}

async function postMention(text: string, ts: string, eventId: string, retryNum?: number) {
  const body = mentionEnvelope(text, ts, eventId);
  const retry: Record<string, string> =
    retryNum === undefined
      ? {}
      : { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' };
  return ingress(functionUrlEvent('/slack/events', body, signed(body, 'application/json', retry)));
}

const threadText = (ts: string) => JSON.stringify(slack.thread(CHANNEL, ts));

describe('AWS Lambda: ingress → SQS FIFO → worker', () => {
  it('acks a signed mention fast, enqueues it once per conversation group, and the worker replies', async () => {
    const ts = userTs();
    const started = Date.now();
    const res = await postMention('where is my order?', ts, 'Ev_FIRST');
    const ackMs = Date.now() - started;
    expect(res.statusCode).toBe(200);
    expect(ackMs).toBeLessThan(3000);
    // The ingress never calls the model.
    expect(fixture.server.requests).toHaveLength(0);
    expect(sqs.targets).toEqual(['AmazonSQS.SendMessage']);
    expect(sqs.sent).toHaveLength(1);
    const [message] = sqs.sent;
    expect(message?.groupId).toBe(`slack:${TEAM}:${CHANNEL}:${ts}`);
    expect(message?.deduplicationId).toBe(`slack:msg:${TEAM}:${CHANNEL}:${ts}`);
    expect(JSON.parse(message?.body ?? '{}')).toMatchObject({
      schemaVersion: 1,
      conversationKey: `slack:${TEAM}:${CHANNEL}:${ts}`,
      inbound: {
        type: 'message',
        user: { id: STARTER },
        contents: [{ type: 'text', text: 'where is my order?' }],
      },
      render: {
        channel: 'slack',
        thread: { workspace: TEAM, channel: CHANNEL, threadTs: ts, userId: STARTER },
      },
    });

    // Slack's retry of the same delivery is acked and not enqueued again.
    const retry = await postMention('where is my order?', ts, 'Ev_FIRST', 1);
    expect(retry.statusCode).toBe(200);
    expect(sqs.sent).toHaveLength(1);

    fixture.server.enqueue(as(TRIAGE, { text: 'Happy to help: which order number?' }));
    const out = await worker(sqs.event(sqs.sent));
    expect(out.batchItemFailures).toEqual([]);
    expect(threadText(ts)).toContain('Happy to help: which order number?');
    expect(fixture.server.requests).toHaveLength(1);

    // SQS delivering the same message again (at-least-once) posts nothing twice.
    const before = slack.calls.length;
    const again = await worker(sqs.event(sqs.sent, 2));
    expect(again.batchItemFailures).toEqual([]);
    expect(slack.calls.length).toBe(before);
  });

  it('runs an approval click through ingress and worker: acked at once, settled by the worker', async () => {
    const ts = userTs();
    await postMention('refund order 42 please', ts, 'Ev_REFUND');
    fixture.server.enqueue(
      handoff('refund_agent', 'refund request'),
      as(REFUND, { toolCalls: [{ name: 'process_refund', arguments: { order_number: '42' } }] }),
    );
    expect((await worker(sqs.event(sqs.sent))).batchItemFailures).toEqual([]);
    const card = slack.thread(CHANNEL, ts).find((m) => m.blocks.some((b) => b.type === 'actions'));
    if (!card) throw new Error('no approval card was posted');
    const actions = card.blocks.find((b) => b.type === 'actions') as { elements: Record<string, unknown>[] };
    const approve = actions.elements[0] ?? {};
    sqs.reset();

    const payload = {
      type: 'block_actions',
      user: { id: STARTER, username: 'starter', team_id: TEAM },
      api_app_id: 'A_BATON',
      token: 'legacy',
      container: {
        type: 'message',
        message_ts: card.ts,
        channel_id: CHANNEL,
        is_ephemeral: false,
        thread_ts: ts,
      },
      trigger_id: 'trigger-1',
      team: { id: TEAM, domain: 'acme' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: CHANNEL, name: 'support' },
      message: {
        type: 'message',
        user: BOT_USER,
        ts: card.ts,
        thread_ts: ts,
        text: card.text,
        blocks: card.blocks,
      },
      response_url: 'http://127.0.0.1:9/never-used',
      actions: [
        {
          type: 'button',
          action_id: approve.action_id,
          value: approve.value,
          action_ts: '1900000000.000001',
        },
      ],
    };
    const form = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    // Function URLs hand non-JSON bodies over base64-encoded.
    const res = await ingress(
      functionUrlEvent('/slack/events', form, signed(form, 'application/x-www-form-urlencoded'), true),
    );
    expect(res.statusCode).toBe(200);
    expect(sqs.sent).toHaveLength(1);
    expect(sqs.sent[0]?.groupId).toBe(`slack:${TEAM}:${CHANNEL}:${ts}`);
    expect(JSON.parse(sqs.sent[0]?.body ?? '{}')).toMatchObject({
      inbound: { type: 'decision', approved: true, user: { id: STARTER } },
      render: { channel: 'slack', card: { messageTs: card.ts } },
    });
    // Nothing was decided by the ingress.
    expect(slack.callsTo('chat.update').filter((c) => c.args.ts === card.ts)).toHaveLength(0);

    fixture.server.enqueue(as(REFUND, { text: 'Refunded order 42.' }));
    expect((await worker(sqs.event(sqs.sent))).batchItemFailures).toEqual([]);
    const cardEdits = slack.callsTo('chat.update').filter((c) => c.args.ts === card.ts);
    expect(JSON.stringify(cardEdits.at(-1)?.args.blocks)).toContain(`Approved by <@${STARTER}>`);
    expect(threadText(ts)).toContain('Refunded order 42.');
  });

  it('refuses an unsigned request without enqueuing anything', async () => {
    const body = mentionEnvelope('hi', userTs(), 'Ev_FORGED');
    const res = await ingress(
      functionUrlEvent('/slack/events', body, { 'content-type': 'application/json' }),
    );
    expect(res.statusCode).toBe(401);
    expect(sqs.sent).toHaveLength(0);
  });

  it('reports a failed record as a batch item failure, and keeps later records of the batch behind it', async () => {
    const ts = userTs();
    await postMention('hello', ts, 'Ev_BATCH');
    const [good] = sqs.sent;
    if (!good) throw new Error('nothing enqueued');
    const bad = { ...good, messageId: 'bad-1', body: '{"schemaVersion":99}' };
    const out = await worker({ Records: [sqs.record(bad), sqs.record(good)] });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'bad-1' }, { itemIdentifier: good.messageId }]);
    expect(fixture.server.requests).toHaveLength(0);
  });
});
