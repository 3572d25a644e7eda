/**
 * The Lambda ingress's HTTP: API Gateway HTTP API (v2) / Function URL events through `hono/aws-lambda` into the
 * same Hono app and policy chain as `npm start` — request ids, Bolt's signature check on the raw (even base64)
 * body, the Host allow-list, Origin, content type, size and malformed JSON, each answered before any enqueue.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { parseConfig } from '../../src/app/config.js';
import { createIngressRuntime, type IngressRuntime, ingressHandler } from '../../src/app/lambda/index.js';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '../../src/store/dynamodb/index.js';
import { FakeSlackApi } from '../channels/slack/fake-slack-api.js';
import { useScriptedServer } from '../helpers.js';
import { FakeSqs } from './fake-sqs.js';

const TABLE = 'baton-lambda-http-test';
const SECRET = 'lambda-http-signing-secret';
const FUNCTION_HOST = 'abc123.lambda-url.us-east-1.on.aws';

const fixture = useScriptedServer();
let dynamo: EmbeddedDynamo;
let sqs: FakeSqs;
let slack: FakeSlackApi;
const runtimes: IngressRuntime[] = [];

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, TABLE);
  sqs = await FakeSqs.start();
  slack = await FakeSlackApi.start();
});
afterAll(async () => {
  for (const rt of runtimes) await rt.close();
  await slack?.close();
  await sqs?.close();
  await dynamo?.close();
});

async function ingress(env: Record<string, string> = {}) {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    DYNAMODB_TABLE: TABLE,
    AWS_REGION: 'us-east-1',
    OPENAI_BASE_URL: fixture.server.baseURL,
    OPENAI_API_KEY: 'test',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    BATON_QUEUE_URL: sqs.queueUrl,
    ...env,
  });
  const rt = await createIngressRuntime(config, {
    createWorkflow: createCustomerSupportWorkflow,
    dynamo: dynamo.client,
    sqs: new SQSClient({
      region: 'us-east-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  });
  runtimes.push(rt);
  return ingressHandler(async () => rt);
}

/** A Function URL event (payload format 2.0) as AWS delivers it, X-Forwarded-* included. */
function event(body: string, headers: Record<string, string>, base64 = false): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      host: FUNCTION_HOST,
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '3.3.3.3',
      'x-forwarded-port': '443',
      ...headers,
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: FUNCTION_HOST,
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/slack/events',
        protocol: 'HTTP/1.1',
        sourceIp: '3.3.3.3',
        userAgent: 'Slackbot',
      },
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

function signed(body: string, contentType = 'application/json', secret = SECRET) {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

const challenge = JSON.stringify({ type: 'url_verification', challenge: 'ch-123', token: 'legacy' });

describe('AWS Lambda ingress over hono/aws-lambda', () => {
  it('answers a Bolt-signed request (base64 body too) with a request id, and refuses a bad signature', async () => {
    const handler = await ingress();
    for (const base64 of [false, true]) {
      const res = await handler(event(challenge, signed(challenge), base64));
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body ?? '')).toEqual({ challenge: 'ch-123' });
      expect(res.headers?.['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const forged = await handler(event(challenge, signed(challenge, 'application/json', 'not-the-secret')));
    expect(forged.statusCode).toBe(401);
    expect(sqs.sent).toHaveLength(0);
  });

  it('refuses browsers, odd content types, oversized and malformed bodies before anything is enqueued', async () => {
    const handler = await ingress();
    const fromPage = await handler(
      event(challenge, { ...signed(challenge), origin: 'https://evil.example' }),
    );
    expect(fromPage.statusCode).toBe(403);
    const plain = await handler(event(challenge, signed(challenge, 'text/plain')));
    expect(plain.statusCode).toBe(415);
    const big = JSON.stringify({ type: 'event_callback', pad: 'x'.repeat(1024 * 1024) });
    expect((await handler(event(big, signed(big)))).statusCode).toBe(413);
    const broken = '{"type":"event_callback",';
    const malformed = await handler(event(broken, signed(broken)));
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body ?? '').error).toMatch(/not valid JSON/);
    const elsewhere = await handler({ ...event(challenge, signed(challenge)), rawPath: '/nope' });
    expect(elsewhere.statusCode).toBe(404);
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers only the configured host names when BATON_ALLOWED_HOSTS is set', async () => {
    const handler = await ingress({ BATON_ALLOWED_HOSTS: 'bot.example.com' });
    const direct = await handler(event(challenge, signed(challenge)));
    expect(direct.statusCode).toBe(403);
    const named = await handler(event(challenge, { ...signed(challenge), host: 'bot.example.com' }));
    expect(named.statusCode).toBe(200);
  });
});
