/**
 * Baton on AWS: a Function URL ingress (verify, claim, enqueue, ack) → an SQS FIFO queue with one message group
 * per conversation → a worker Lambda (one turn per invocation) → the DynamoDB table. Secrets come from one
 * Secrets Manager secret (JSON of Baton's variable names), read at cold start; nothing secret is in the template.
 */
import { fileURLToPath } from 'node:url';
import {
  CfnOutput,
  aws_cloudwatch as cloudwatch,
  Duration,
  aws_dynamodb as dynamodb,
  aws_lambda_event_sources as eventSources,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_secretsmanager as secretsmanager,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CHECKPOINT_TTL_ATTRIBUTE, checkpointTableDefinition } from '../../src/store/dynamodb/table.js';

export interface BatonStackProps extends StackProps {
  /** Secrets Manager secret (a JSON object: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, OPENAI_API_KEY, ...). */
  secretName: string;
  /** One turn's budget (default 5 minutes; Lambda's maximum is 15). */
  workerTimeout?: Duration;
  workerMemoryMb?: number;
  /** Caps concurrent turns (model and Slack rate limits); default: the account's unreserved concurrency. */
  workerReservedConcurrency?: number;
  /** Deliveries of a turn before it goes to the dead-letter queue (default 3). */
  maxReceiveCount?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  /** Non-secret settings for both functions (OPENAI_MODEL, MicrosoftAppId, MicrosoftAppTenantId, ...). */
  environment?: Record<string, string>;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const entry = (name: string) => fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

export class BatonStack extends Stack {
  readonly table: dynamodb.Table;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly ingress: nodejs.NodejsFunction;
  readonly worker: nodejs.NodejsFunction;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: BatonStackProps) {
    super(scope, id, props);
    const workerTimeout = props.workerTimeout ?? Duration.minutes(5);

    // The same keys as the app's own table definition; a plain Table (TableV2 would be a GlobalTable, whose
    // cross-region last-writer-wins would defeat the head's version check).
    const keys = checkpointTableDefinition('baton').KeySchema ?? [];
    const keyName = (type: 'HASH' | 'RANGE') => keys.find((k) => k.KeyType === type)?.AttributeName ?? '';
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: keyName('HASH'), type: dynamodb.AttributeType.STRING },
      sortKey: { name: keyName('RANGE'), type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: CHECKPOINT_TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The sparse index that finds interrupted conversations at start-up without a scan (same as the app's).
    const [interrupted] = checkpointTableDefinition('baton').GlobalSecondaryIndexes ?? [];
    const indexKey = (type: 'HASH' | 'RANGE') => interrupted?.KeySchema?.find((k) => k.KeyType === type);
    if (interrupted?.IndexName) {
      this.table.addGlobalSecondaryIndex({
        indexName: interrupted.IndexName,
        partitionKey: { name: indexKey('HASH')!.AttributeName!, type: dynamodb.AttributeType.STRING },
        sortKey: { name: indexKey('RANGE')!.AttributeName!, type: dynamodb.AttributeType.NUMBER },
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      });
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
    this.queue = new sqs.Queue(this, 'TurnQueue', {
      fifo: true,
      // Deduplication by the platform's delivery id, never by body (two identical messages are two turns).
      contentBasedDeduplication: false,
      // AWS's guidance for Lambda event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });

    const secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.secretName);
    const environment = {
      ...props.environment,
      DYNAMODB_TABLE: this.table.tableName,
      BATON_SECRET_ID: props.secretName,
      BATON_PLAYGROUND: 'off',
      LOG_LEVEL: props.logLevel ?? 'info',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const bundling: nodejs.BundlingOptions = {
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      // The runtime ships AWS SDK v3; dynalite (embedded local DynamoDB) is never loaded on Lambda.
      externalModules: ['@aws-sdk/*', 'dynalite'],
      // CommonJS dependencies (Bolt, botbuilder) call require() inside an ES module bundle.
      banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      forceDockerBundling: false,
    };
    const fn = (id: string, name: string, options: Partial<nodejs.NodejsFunctionProps>) =>
      new nodejs.NodejsFunction(this, id, {
        entry: entry(name),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        projectRoot: REPO_ROOT,
        depsLockFilePath: `${REPO_ROOT}package-lock.json`,
        bundling,
        environment,
        logGroup: new logs.LogGroup(this, `${id}Logs`, {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        ...options,
      });

    // Slack wants an answer within 3 s: the ingress only verifies, claims and enqueues.
    this.ingress = fn('Ingress', 'ingress', {
      timeout: Duration.seconds(10),
      memorySize: 512,
      environment: { ...environment, BATON_QUEUE_URL: this.queue.queueUrl },
    });
    this.worker = fn('Worker', 'worker', {
      timeout: workerTimeout,
      memorySize: props.workerMemoryMb ?? 1024,
      ...(props.workerReservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.workerReservedConcurrency }
        : {}),
    });
    // One turn per invocation: a failed turn is retried alone, and its conversation waits behind it.
    this.worker.addEventSource(
      new eventSources.SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );

    this.table.grantReadWriteData(this.ingress);
    this.table.grantReadWriteData(this.worker);
    this.queue.grantSendMessages(this.ingress);
    secret.grantRead(this.ingress);
    secret.grantRead(this.worker);

    // Slack's signature and the Bot Framework JWT are checked in the function, so the URL itself is public.
    this.functionUrl = this.ingress.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Baton: turns failed every delivery and wait in the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new cloudwatch.Alarm(this, 'WorkerErrorsAlarm', {
      alarmDescription: 'Baton: the worker Lambda failed invocations (timeouts, crashes).',
      metric: this.worker.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new cloudwatch.Alarm(this, 'IngressErrorsAlarm', {
      alarmDescription: 'Baton: the ingress Lambda failed invocations (Slack and Teams will retry).',
      metric: this.ingress.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    new CfnOutput(this, 'SlackRequestUrl', {
      value: `${this.functionUrl.url}slack/events`,
      description: 'Slack app: Event Subscriptions and Interactivity request URL',
    });
    new CfnOutput(this, 'TeamsMessagingEndpoint', {
      value: `${this.functionUrl.url}api/messages`,
      description: 'Azure Bot: messaging endpoint (infra/teams/azure-bot.bicep parameter)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }
}
