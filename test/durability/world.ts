/**
 * The durability suite's world: what must outlive the app processes it kills. DynamoDB (dynalite in its own
 * process), the scripted model and Slack's Web API (both on loopback in the test process), a temp folder for
 * the side ledger — and the real app (`src/app/main.ts`, the `npm start` entry) started as child processes
 * that Slack reaches by signed HTTP deliveries.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatModel } from '../../src/agents/model.js';
import { createDynamoDBClient, DynamoDBCheckpointStorage } from '../../src/store/dynamodb/index.js';
import { FileCheckpointStorage } from '../../src/store/file.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../../src/testing/index.js';
import { FakeSlackApi } from '../channels/slack/fake-slack-api.js';
import { createWorkflow } from './chaos-bot.js';
import {
  type Child,
  type DynaliteProcess,
  freePort,
  startDynaliteProcess,
  startTsx,
  waitForHttp,
} from './processes.js';
import { SlackDelivery, type SlackDeliveryOptions } from './slack-delivery.js';
import { supportResponder } from './support-model.js';

export interface World {
  dynamo: DynaliteProcess;
  model: ScriptedOpenAIServer;
  slack: FakeSlackApi;
  dir: string;
  signingSecret: string;
  close(): Promise<void>;
}

export async function startWorld(options: { modelDelayMs?: number } = {}): Promise<World> {
  const [dynamo, model, slack, dir] = await Promise.all([
    startDynaliteProcess(),
    startScriptedOpenAIServer({ responder: supportResponder({ delayMs: options.modelDelayMs ?? 80 }) }),
    FakeSlackApi.start(),
    mkdtemp(join(tmpdir(), 'baton-chaos-')),
  ]);
  return {
    dynamo,
    model,
    slack,
    dir,
    signingSecret: randomBytes(16).toString('hex'),
    async close() {
      await Promise.allSettled([dynamo.stop(), model.close(), slack.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface AppProcessOptions {
  /** The DynamoDB table (created by the app on start, as for any local endpoint). */
  table: string;
  ledger: string;
  port: number;
  /** Default: the world's dynalite. A fault proxy goes here. */
  dynamoEndpoint?: string;
  refund?: 'idempotent' | 'at-most-once';
  env?: Record<string, string>;
}

export interface AppProcess {
  child: Child;
  url: string;
  /** When it answered /healthz. */
  readyAt: number;
}

/** Starts `src/app/main.ts` (what `npm start` runs) and waits until /healthz answers. */
export async function startAppProcess(world: World, options: AppProcessOptions): Promise<AppProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = startTsx('src/app/main.ts', [], {
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    BATON_DATA_DIR: join(world.dir, `data-${options.port}`),
    BATON_PLAYGROUND: 'off',
    BATON_BOT: 'test/durability/chaos-bot.ts',
    OPENAI_BASE_URL: world.model.baseURL,
    OPENAI_API_KEY: 'test',
    OPENAI_MODEL: 'gpt-test',
    SLACK_BOT_TOKEN: 'xoxb-chaos-test',
    SLACK_SIGNING_SECRET: world.signingSecret,
    SLACK_API_URL: world.slack.apiUrl,
    BATON_SLACK_STREAMING: 'off',
    DYNAMODB_TABLE: options.table,
    DYNAMODB_ENDPOINT: options.dynamoEndpoint ?? world.dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    // dynalite accepts any credentials; these are placeholders, not secrets.
    AWS_ACCESS_KEY_ID: 'chaos',
    AWS_SECRET_ACCESS_KEY: 'chaos',
    CHAOS_LEDGER: options.ledger,
    CHAOS_REFUND: options.refund ?? 'idempotent',
    ...options.env,
  });
  await waitForHttp(`${url}/healthz`, child);
  return { child, url, readyAt: Date.now() };
}

export function slackDelivery(world: World, url: string, options: Partial<SlackDeliveryOptions> = {}) {
  return new SlackDelivery({ signingSecret: world.signingSecret, url: () => url, ...options });
}

/** The parent's own view of a table: the same workflow over the same storage, read-only use. */
export function storedWorkflow(world: World, table: string, fileStore?: string) {
  const endpoint = world.dynamo.endpoint;
  const client = createDynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
  });
  const storage = fileStore
    ? new FileCheckpointStorage({ storagePath: fileStore })
    : new DynamoDBCheckpointStorage({ client, tableName: table });
  // The parent only reads conversations; a model call here is a harness bug.
  const refuse = (): never => {
    throw new Error('the durability harness never calls the model itself');
  };
  const unusedModel: ChatModel = {
    modelId: 'unused',
    stream: refuse,
    complete: async () => refuse(),
    createAgent: refuse,
  };
  const workflow = createWorkflow({ model: unusedModel, storage });
  return { workflow, storage, close: () => client.destroy() };
}

export { freePort };
