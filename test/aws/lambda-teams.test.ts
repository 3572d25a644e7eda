/**
 * Teams through the Lambda pair: the ingress stores the conversation reference in DynamoDB and enqueues; the
 * worker replies proactively through that reference. Bot Framework JWTs are checked by botbuilder when an app id
 * is configured. Real Function URL and SQS event shapes; Bot Connector, SQS and the model faked on loopback.
 */
import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '../../src/store/dynamodb/index.js';
import { cardButtons, cardOf, cardTexts } from '../channels/teams/card-helpers.js';
import { type FakeConnector, startFakeConnector } from '../channels/teams/fake-connector.js';
import { cardClick, message, TENANT } from '../channels/teams/harness.js';
import { as, handoff } from '../handoff/fixtures.js';
import { useScriptedServer } from '../helpers.js';
import { FakeSqs } from './fake-sqs.js';

const TABLE = 'baton-lambda-teams';
const fixture = useScriptedServer();
let dynamo: EmbeddedDynamo;
let sqs: FakeSqs;
let connector: FakeConnector;
const runtimes: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, TABLE);
  sqs = await FakeSqs.start();
  connector = await startFakeConnector();
});

afterAll(async () => {
  for (const rt of runtimes) await rt.close();
  await connector?.close();
  await sqs?.close();
  await dynamo?.close();
});

async function pair(extra: Record<string, string> = {}, allowUnauthenticated = true) {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    DYNAMODB_TABLE: TABLE,
    AWS_REGION: 'us-east-1',
    OPENAI_BASE_URL: fixture.server.baseURL,
    OPENAI_API_KEY: 'test',
    BATON_QUEUE_URL: sqs.queueUrl,
    ...extra,
  });
  const options = {
    createWorkflow: createCustomerSupportWorkflow,
    // Real Bot Framework tokens cannot be minted offline; production refuses this (tested below).
    unsafeAllowUnauthenticatedTeams: allowUnauthenticated,
    dynamo: dynamo.client,
    sqs: new SQSClient({
      region: 'us-east-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  };
  const ingressRt: IngressRuntime = await createIngressRuntime(config, options);
  const workerRt: WorkerRuntime = await createWorkerRuntime(config, options);
  runtimes.push(ingressRt, workerRt);
  return { ingress: ingressHandler(async () => ingressRt), worker: workerHandler(async () => workerRt) };
}

function httpApiEvent(body: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/api/messages',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'abc123.lambda-url.us-east-1.on.aws', ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/api/messages',
        protocol: 'HTTP/1.1',
        sourceIp: '52.112.0.1',
        userAgent: 'Microsoft-SkypeBotApi',
      },
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

describe('AWS Lambda: Teams through ingress and worker', () => {
  it('enqueues a message by conversation and activity id, then replies from the worker', async () => {
    const { ingress, worker } = await pair();
    const conversationId = '19:chat-lambda@thread.v2';
    const activity: Record<string, unknown> = {
      ...message('where is order 7?', { conversationId, scope: 'groupChat' }),
      serviceUrl: connector.url,
    };
    const res = await ingress(httpApiEvent(JSON.stringify(activity)));
    expect(res.statusCode).toBeLessThan(300);
    expect(fixture.server.requests).toHaveLength(0);
    expect(sqs.sent).toHaveLength(1);
    expect(sqs.sent[0]?.groupId).toBe(`teams:${TENANT}:${conversationId}`);
    // The delivery id is scoped to the conversation (Teams ids are only unique within one).
    expect(sqs.sent[0]?.deduplicationId).toBe(
      `teams:teams:${TENANT}:${conversationId}:${String(activity.id)}`,
    );

    fixture.server.enqueue(as('You are frontline support triage', { text: 'Let me look up order 7.' }));
    const out = await worker(sqs.event(sqs.sent));
    expect(out.batchItemFailures).toEqual([]);
    await connector.waitFor((calls) => JSON.stringify(calls).includes('Let me look up order 7.'));
    sqs.reset();
  });

  it('answers a card click with "recording" at once; the worker settles it and updates the card', async () => {
    const { ingress, worker } = await pair();
    const conversationId = '19:refund-lambda@thread.v2';
    const first: Record<string, unknown> = {
      ...message('refund order 42 please', { conversationId, scope: 'groupChat' }),
      serviceUrl: connector.url,
    };
    await ingress(httpApiEvent(JSON.stringify(first)));
    fixture.server.enqueue(
      handoff('refund_agent', 'refund request'),
      as('You process refund', {
        toolCalls: [{ name: 'process_refund', arguments: { order_number: '42' } }],
      }),
    );
    expect((await worker(sqs.event(sqs.sent))).batchItemFailures).toEqual([]);
    const cardCall = connector.calls.find(
      (c) => c.conversationId === conversationId && cardButtons(cardOf(c.body)).length > 0,
    );
    if (!cardCall?.returnedId) throw new Error('no approval card was sent');
    const approve = cardButtons(cardOf(cardCall.body))[0] ?? {};
    sqs.reset();

    const click: Record<string, unknown> = {
      ...cardClick({
        conversationId,
        scope: 'groupChat',
        cardActivityId: cardCall.returnedId,
        data: approve.data,
      }),
      serviceUrl: connector.url,
    };
    const res = await ingress(httpApiEvent(JSON.stringify(click)));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
    expect(res.body).toContain('Recording your decision');
    expect(sqs.sent).toHaveLength(1);
    expect(JSON.parse(sqs.sent[0]?.body ?? '{}')).toMatchObject({
      inbound: { type: 'decision', approved: true },
      render: { channel: 'teams', click: { activity: { replyToId: cardCall.returnedId } } },
    });

    fixture.server.enqueue(as('You process refund', { text: 'Refunded order 42.' }));
    expect((await worker(sqs.event(sqs.sent))).batchItemFailures).toEqual([]);
    const update = connector.calls.find((c) => c.method === 'PUT' && c.activityId === cardCall.returnedId);
    expect(cardTexts(cardOf(update?.body ?? {})).join(' ')).toMatch(/Approved/i);
    expect(JSON.stringify(connector.sent(conversationId))).toContain('Refunded order 42.');
    sqs.reset();
  });

  it('does not serve Teams behind the public URL without an app id', async () => {
    const { ingress } = await pair({}, false);
    const before = connector.calls.length;
    const activity = { ...message('hi', { conversationId: '19:open@thread.v2' }), serviceUrl: connector.url };
    const res = await ingress(httpApiEvent(JSON.stringify(activity)));
    expect(res.statusCode).toBe(404);
    expect(sqs.sent).toHaveLength(0);
    // Nothing was posted to the serviceUrl the request named.
    expect(connector.calls).toHaveLength(before);
  });

  it('refuses an activity without a Bot Framework token when an app id is configured', async () => {
    const { ingress } = await pair({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-used-offline',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000aa',
    });
    const activity: Record<string, unknown> = {
      ...message('hi', { conversationId: '19:x@thread.v2' }),
      serviceUrl: connector.url,
    };
    const res = await ingress(httpApiEvent(JSON.stringify(activity)));
    expect(res.statusCode).toBe(401);
    expect(sqs.sent).toHaveLength(0);
  });
});
