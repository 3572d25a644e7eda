/**
 * The app's one core composed for AWS Lambda: the same store, bot, driver and channels as `npm start`, with two
 * roles. The ingress serves the channels' routes with a `dispatch` that enqueues; the worker runs queued turns
 * through the same driver and renderers.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { DestinationStream } from 'pino';
import { ConversationDriver } from '../../channels/conversation-driver.js';
import type { Logger } from '../../channels/logger.js';
import type { HandoffWorkflow } from '../../handoff/workflow.js';
import {
  createDynamoDBClient,
  DynamoDBCheckpointStorage,
  DynamoDBKeyValueStore,
} from '../../store/dynamodb/index.js';
import type { BotContext } from '../bot-loader.js';
import { createChannels } from '../channels.js';
import type { AppConfig } from '../config.js';
import { allowedHostsOf } from '../http/hosts.js';
import { createHttpApp } from '../http/http-app.js';
import { createAppLogger } from '../logger.js';
import { createAppModel } from '../model.js';
import { type ChannelJob, jobOf, parseQueueMessage } from './queue-message.js';
import { sqsDispatch } from './sqs-dispatch.js';

/** A bundle cannot import a bot by path at run time: the Lambda entry file imports it and passes the factory. */
export type WorkflowFactory = (context: BotContext) => HandoffWorkflow | Promise<HandoffWorkflow>;

export interface LambdaRuntimeOptions {
  createWorkflow: WorkflowFactory;
  /** Default: a client for AWS_REGION / DYNAMODB_ENDPOINT with the Lambda role's credentials. */
  dynamo?: DynamoDBClient;
  /** The ingress's queue client. */
  sqs?: SQSClient;
  logDestination?: DestinationStream;
  /**
   * Tests only: serve Teams without MicrosoftAppId behind the public URL (real Bot Framework tokens cannot
   * be minted offline). Deliberately not a configuration variable.
   */
  unsafeAllowUnauthenticatedTeams?: boolean;
}

export interface LambdaRuntime {
  readonly logger: Logger;
  readonly driver: ConversationDriver;
  close(): Promise<void>;
}

export interface IngressRuntime extends LambdaRuntime {
  /** An API Gateway HTTP API (v2) / Function URL event through the same Hono app and policy chain as `npm start`. */
  serve(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
}

export interface WorkerRuntime extends LambdaRuntime {
  /** Runs one queue message's turn; throws when it could not (the record is then retried). */
  runMessage(body: string): Promise<void>;
}

async function core(config: AppConfig, options: LambdaRuntimeOptions) {
  if (!config.DYNAMODB_TABLE)
    throw new Error('DYNAMODB_TABLE is required on AWS Lambda: the table from the stack.');
  const logger = createAppLogger(config, options.logDestination);
  const client =
    options.dynamo ??
    createDynamoDBClient({
      region: config.AWS_REGION ?? 'us-east-1',
      ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    });
  const storage = new DynamoDBCheckpointStorage({ client, tableName: config.DYNAMODB_TABLE });
  const model = await createAppModel(config);
  const workflow = await options.createWorkflow({ model: model.model, storage });
  const driver = new ConversationDriver({ workflow, idempotency: storage, logger });
  const records = new DynamoDBKeyValueStore({ client, tableName: config.DYNAMODB_TABLE });
  // The playground keeps files on local disk and has no login: never on Lambda.
  const lambdaConfig: AppConfig = {
    ...config,
    BATON_PLAYGROUND: 'off',
    BATON_TEAMS_AUTH: options.unsafeAllowUnauthenticatedTeams ? 'off' : 'on',
  };
  const about = { model: model.description, store: `DynamoDB table "${config.DYNAMODB_TABLE}"` };
  const close = async () => {
    await model.close();
    if (!options.dynamo) client.destroy();
  };
  return { logger, storage, driver, records, lambdaConfig, about, close };
}

export async function createIngressRuntime(
  config: AppConfig,
  options: LambdaRuntimeOptions,
): Promise<IngressRuntime> {
  if (!config.BATON_QUEUE_URL)
    throw new Error('BATON_QUEUE_URL is required for the ingress: the FIFO queue URL.');
  if (!options.sqs) throw new Error('The ingress needs an SQS client.');
  const c = await core(config, options);
  const dispatch = sqsDispatch({
    sqs: options.sqs,
    queueUrl: config.BATON_QUEUE_URL,
    claims: c.storage,
    logger: c.logger,
  });
  const { channels } = await createChannels({
    config: c.lambdaConfig,
    driver: c.driver,
    logger: c.logger,
    records: c.records,
    playground: { about: c.about },
    dispatch,
    publicEndpoint: !options.unsafeAllowUnauthenticatedTeams,
  });
  const allowedHosts = allowedHostsOf(config, true);
  const http = createHttpApp({
    routes: channels.flatMap((ch) => ch.routes),
    logger: c.logger,
    // API Gateway and Function URLs add X-Forwarded-For/-Proto/-Port to every request.
    trustProxy: true,
    ...(allowedHosts ? { allowedHosts } : {}),
  });
  const serve = handle(http);
  return {
    logger: c.logger,
    driver: c.driver,
    // aws-lambda's event type says `body?: string` where Hono's says `string | null`: the same JSON.
    serve: (event) =>
      serve(event as unknown as Parameters<typeof serve>[0]) as Promise<APIGatewayProxyStructuredResultV2>,
    async close() {
      for (const channel of channels) await channel.stop?.();
      await c.close();
    },
  };
}

export async function createWorkerRuntime(
  config: AppConfig,
  options: LambdaRuntimeOptions,
): Promise<WorkerRuntime> {
  const c = await core(config, options);
  const { channels, slack, teams } = await createChannels({
    config: c.lambdaConfig,
    driver: c.driver,
    logger: c.logger,
    records: c.records,
    playground: { about: c.about },
    publicEndpoint: !options.unsafeAllowUnauthenticatedTeams,
  });
  const run = async (job: ChannelJob) => {
    if (job.channel === 'slack') {
      if (!slack) throw new Error('A Slack turn was queued but Slack is not configured on the worker.');
      await slack.runJob(job.job);
    } else {
      if (!teams) throw new Error('A Teams turn was queued but Teams is not configured on the worker.');
      await teams.runJob(job.job);
    }
  };
  return {
    logger: c.logger,
    driver: c.driver,
    runMessage: (body) => run(jobOf(parseQueueMessage(body))),
    async close() {
      for (const channel of channels) await channel.stop?.();
      await c.driver.drain();
      await c.close();
    },
  };
}
