/**
 * Pins Baton's public surface: the runtime names of every entry point in package.json `exports`, and the shapes of
 * the key types. A change here is a change users see: update this list on purpose, with the README.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  BatonErrorCode,
  ChatAgent,
  ChatAgentOptions,
  ChatModel,
  CheckpointInfo,
  CheckpointQuery,
  CheckpointStorage,
  ConversationRun,
  FunctionCall,
  HandoffDefinition,
  HandoffWorkflow,
  IdempotencyStore,
  LeaseStore,
  RequestInfoEvent,
  TurnInbox,
  WorkflowEvent,
  WorkflowRunResult,
} from '../../src/index.js';
import * as root from '../../src/index.js';
import type { DurableStore } from '../../src/testing/index.js';

const repo = join(import.meta.dirname, '../..');

const SURFACE: Record<string, readonly string[]> = {
  '.': [
    'AUTONOMOUS_MODE_DEFAULT_PROMPT',
    'AgentResponseEvent',
    'AgentRunUpdateEvent',
    'AgentWorkflowBuilder',
    'AmbiguousCheckpointIdError',
    'BATON_ERROR_CODES',
    'BaseChatModel',
    'BatonError',
    'ChatAgent',
    'CheckpointCorruptError',
    'CheckpointIncompatibleError',
    'CheckpointNotFoundError',
    'CheckpointingNotConfiguredError',
    'ConcurrentUpdateError',
    'ConversationDriver',
    'ConversationIdRequiredError',
    'ConversationRun',
    'DEFAULT_AUTONOMOUS_TURN_LIMIT',
    'DEFAULT_CONTEXT_MESSAGES',
    'DEFAULT_HANDOFF_INSTRUCTIONS',
    'DuplicateCheckpointIdError',
    'FileCheckpointStorage',
    'FunctionApprovalRequest',
    'FunctionApprovalRequestContent',
    'FunctionApprovalResponse',
    'FunctionCall',
    'HandoffAgentUserRequest',
    'HandoffBuilder',
    'HandoffConfigurationError',
    'HandoffEvent',
    'HandoffWorkflow',
    'InMemoryCheckpointStorage',
    'InMemoryIdempotencyStore',
    'InMemoryKeyValueStore',
    'InvalidCheckpointIdError',
    'InvalidCheckpointWriteError',
    'InvalidResponseError',
    'LeaseLostError',
    'ModelError',
    'ModelHttpError',
    'ModelRateLimitError',
    'ModelResponseError',
    'ModelTimeoutError',
    'OpenAIChatModel',
    'RequestInfoEvent',
    'ToolCallEvent',
    'ToolDefinitionError',
    'ToolResultEvent',
    'UnknownDeliveryError',
    'UnknownParentCheckpointError',
    'UnknownRequestError',
    'WorkflowBusyError',
    'WorkflowFailedEvent',
    'WorkflowOutputEvent',
    'WorkflowRunResult',
    'WorkflowStatusEvent',
    'WorkflowWarningEvent',
    'assistantMessage',
    'createCheckpointId',
    'estimateTokens',
    'isBatonError',
    'isValidCheckpointId',
    'messageText',
    'systemMessage',
    'tool',
    'userMessage',
  ],
  './slack': [
    'APPROVE_ACTION_ID',
    'DEFAULT_BOT_SCOPES',
    'DEFAULT_FILE_LIMITS',
    'DEFAULT_PIECE_LENGTH',
    'EPHEMERAL',
    'EVENTS_PATH',
    'INSTALL_PATH',
    'InMemoryInstallationStore',
    'KeyValueInstallationStore',
    'NOTICES',
    'OAUTH_REDIRECT_PATH',
    'REJECT_ACTION_ID',
    'SLACK_LIMITS',
    'approvalCard',
    'conversationKey',
    'createSlackChannel',
    'settledCard',
    'splitMessage',
  ],
  './teams': [
    'InMemoryConversationReferenceStore',
    'KeyValueConversationReferenceStore',
    'MAX_ACTIVITY_BYTES',
    'MAX_TEXT_BYTES',
    'TeamsConfigError',
    'aiLabelEntity',
    'approvalCard',
    'conversationKeyOf',
    'createBotbuilderTransport',
    'createTeamsChannel',
    'decidedCard',
    'splitText',
  ],
  './playground': ['PLAYGROUND_API', 'PlaygroundChannel', 'createPlaygroundChannel'],
  './dynamodb': [
    'CHECKPOINT_TTL_ATTRIBUTE',
    'CHUNK_BYTES',
    'DEFAULT_MAX_ATTEMPTS',
    'DEFAULT_TTL_SECONDS',
    'DynamoDBCheckpointStorage',
    'DynamoDBIdempotencyStore',
    'DynamoDBKeyValueStore',
    'GZIP_MIN_BYTES',
    'INTERRUPTED_DUE_ATTRIBUTE',
    'INTERRUPTED_INDEX',
    'INTERRUPTED_SHARD_ATTRIBUTE',
    'MAX_INLINE_BYTES',
    'checkpointTableDefinition',
    'createDynamoDBClient',
    'ensureTable',
    'startEmbeddedDynamo',
  ],
  './testing': [
    'describeCheckpointStorage',
    'describeIdempotencyStore',
    'describeLeaseStore',
    'startScriptedOpenAIServer',
  ],
  './eval': [
    'DEFAULT_PRICES',
    'EvalCaseError',
    'EvalCaseSchema',
    'SCRIPTED_LABEL',
    'checkToolCalls',
    'costOf',
    'evaluate',
    'formatCases',
    'loadCases',
    'matchValue',
    'parseCases',
    'parsePriceTable',
    'percentile',
    'priceOf',
    'renderHtml',
    'renderMarkdown',
    'runCase',
    'scoreRun',
  ],
  './telemetry': ['ATTR', 'TRACER_NAME', 'TelemetrySetupError', 'startOtlpTelemetry'],
  './app': ['BotLoadError', 'ConfigError', 'SECRET_KEYS', 'loadDotEnv', 'parseConfig', 'startApp'],
};

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; import: string }>;
};

/** `./dist/x/index.js` → `src/x/index.ts`: the file each published entry point is built from. */
const sourceOf = (entry: { import: string }) =>
  join(repo, entry.import.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));

describe('public API', () => {
  it('publishes exactly the pinned entry points', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(Object.keys(SURFACE).sort());
    for (const entry of Object.values(pkg.exports)) {
      expect(entry.types).toBe(entry.import.replace(/\.js$/, '.d.ts'));
    }
  });

  it.each(Object.keys(SURFACE))('%s exports exactly its pinned names', async (name) => {
    const entry = pkg.exports[name]!;
    const module = (await import(sourceOf(entry))) as Record<string, unknown>;
    expect(Object.keys(module).sort()).toEqual([...SURFACE[name]!].sort());
    for (const [key, value] of Object.entries(module)) expect(value, key).toBeDefined();
  });

  it('lists every export explicitly, grouped under a comment, never `export *`', () => {
    for (const entry of Object.values(pkg.exports)) {
      const text = readFileSync(sourceOf(entry), 'utf8');
      expect(text).not.toMatch(/^export \*/m);
      // Each group of exports opens with a one-line comment.
      const firstExport = text.search(/^export /m);
      expect(text.slice(0, firstExport)).toMatch(/\/\/ .+\n$|\*\/\n\n\/\/ .+\n$/);
    }
  });

  it('keeps the old approval class name as an alias of the seed name', () => {
    expect(root.FunctionApprovalRequest).toBe(root.FunctionApprovalRequestContent);
  });

  it('pins the key types', () => {
    expectTypeOf<HandoffWorkflow['forConversation']>().returns.toEqualTypeOf<ConversationRun>();
    expectTypeOf<HandoffWorkflow['definition']>().toEqualTypeOf<HandoffDefinition>();
    expectTypeOf<ConversationRun['conversationId']>().toEqualTypeOf<string>();
    expectTypeOf<ConversationRun['runStream']>().returns.toEqualTypeOf<AsyncGenerator<WorkflowEvent>>();
    expectTypeOf<ConversationRun['run']>().returns.resolves.toEqualTypeOf<WorkflowRunResult>();
    expectTypeOf<ConversationRun['getPendingRequests']>().returns.resolves.toEqualTypeOf<
      RequestInfoEvent[]
    >();
    expectTypeOf<HandoffDefinition['agents']>().toEqualTypeOf<ReadonlyMap<string, ChatAgent>>();
    expectTypeOf<HandoffDefinition['storage']>().toEqualTypeOf<CheckpointStorage | undefined>();
    expectTypeOf<root.BatonError['code']>().toEqualTypeOf<BatonErrorCode>();
    expectTypeOf<BatonErrorCode>().toExtend<`BATON_${string}`>();
    expectTypeOf<FunctionCall['parseArguments']>().returns.toEqualTypeOf<
      Record<string, unknown> | undefined
    >();
    expectTypeOf<ChatModel['createAgent']>().parameter(0).toEqualTypeOf<Omit<ChatAgentOptions, 'model'>>();
    expectTypeOf<ChatModel['createAgent']>().returns.toEqualTypeOf<ChatAgent>();
    expectTypeOf<CheckpointStorage['listCheckpoints']>()
      .parameter(0)
      .toEqualTypeOf<CheckpointQuery | undefined>();
    expectTypeOf<CheckpointStorage['listCheckpoints']>().returns.resolves.toEqualTypeOf<CheckpointInfo[]>();
    expectTypeOf<DurableStore>().toExtend<CheckpointStorage & LeaseStore & TurnInbox>();
    expectTypeOf<root.InMemoryIdempotencyStore>().toExtend<IdempotencyStore>();
  });
});
