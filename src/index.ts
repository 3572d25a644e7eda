/**
 * `baton`: agents, tools and models; the handoff workflow; checkpoint storage; the channel-neutral conversation
 * driver. Chat channels, the DynamoDB store, the ready-to-run app and test helpers have their own entry points
 * (`baton/slack`, `baton/teams`, `baton/playground`, `baton/dynamodb`, `baton/app`, `baton/testing`) so a user of
 * one does not load the others' dependencies. Every name here is public on purpose; test/api/public-api.test.ts
 * pins the list.
 */

// Errors: one base class with a stable `code` (docs/errors.md).
export { BATON_ERROR_CODES, BatonError, type BatonErrorCode, isBatonError } from './errors.js';

// Messages: what people and agents say, and the helpers that build and read them.
export {
  type ApprovalRequestContent,
  assistantMessage,
  type ChatMessage,
  type Content,
  type DataContent,
  type FunctionApprovalResponseContent,
  type FunctionCallContent,
  type FunctionResultContent,
  type MessageInput,
  messageText,
  type Role,
  systemMessage,
  type TextContent,
  type UriContent,
  userMessage,
} from './agents/messages.js';

// Tools: zod-typed functions an agent may call, optionally only after a person approves.
export {
  type ApprovalMode,
  type FunctionTool,
  type ToolContext,
  type ToolDefinition,
  ToolDefinitionError,
  type ToolOptions,
  tool,
} from './agents/tool.js';

// Agents: a named model with instructions, tools and a chat persona.
export {
  type AgentRunOptions,
  type AgentRunResult,
  type AgentRunStatus,
  type AgentStreamEvent,
  ChatAgent,
  type ChatAgentOptions,
  type Persona,
} from './agents/agent.js';

// Models: the ChatModel interface, a base class for your own, OpenAI / Azure OpenAI, and model errors.
export { BaseChatModel } from './agents/base-model.js';
export {
  type ChatModel,
  type ChatModelRequest,
  type ChatModelResponse,
  type ChatModelStreamEvent,
  type FinishReason,
  ModelError,
  ModelHttpError,
  ModelRateLimitError,
  ModelResponseError,
  ModelTimeoutError,
  type Usage,
  type UsageTotals,
} from './agents/model.js';
export {
  type AzureOpenAIChatModelOptions,
  OpenAIChatModel,
  type OpenAIChatModelOptions,
} from './agents/models/openai.js';

// Handoff workflow: define once (HandoffBuilder, or the seed's C# AgentWorkflowBuilder), run per conversation.
export {
  AgentWorkflowBuilder,
  AUTONOMOUS_MODE_DEFAULT_PROMPT,
  DEFAULT_AUTONOMOUS_TURN_LIMIT,
  HandoffBuilder,
  type HandoffBuilderOptions,
} from './handoff/builder.js';
export {
  type ContextOptions,
  type ContextWindow,
  DEFAULT_CONTEXT_MESSAGES,
  estimateTokens,
} from './handoff/context-window.js';
export { ConversationRun, type RestoreOptions, type RunOptions } from './handoff/conversation-run.js';
export type {
  AutonomousModeOptions,
  HandoffDefinition,
  HandoffLimits,
  ReturnTo,
  ReturnToContext,
  TerminationCondition,
} from './handoff/definition.js';
export { DEFAULT_HANDOFF_INSTRUCTIONS } from './handoff/handoff-tools.js';
export { WorkflowRunResult } from './handoff/run-result.js';
export { HandoffWorkflow } from './handoff/workflow.js';

// Workflow events: what a run yields, as a discriminated union on `type`.
export {
  AgentResponseEvent,
  AgentRunUpdateEvent,
  HandoffEvent,
  RequestInfoEvent,
  ToolCallEvent,
  ToolResultEvent,
  type WorkflowEvent,
  WorkflowFailedEvent,
  WorkflowOutputEvent,
  type WorkflowRunState,
  WorkflowStatusEvent,
  type WorkflowWarningCode,
  WorkflowWarningEvent,
} from './handoff/events.js';

// Requests and responses: what a paused workflow asks of a person, and how to answer.
export {
  type ConversationMessage,
  FunctionApprovalRequest,
  FunctionApprovalRequestContent,
  FunctionApprovalResponse,
  FunctionCall,
  HandoffAgentUserRequest,
  type RequestData,
  type RequestResponse,
  type ResponseMap,
  type UserInputResponse,
} from './handoff/requests.js';

// Handoff errors: configuration, responses, checkpoints.
export {
  CheckpointIncompatibleError,
  CheckpointingNotConfiguredError,
  CheckpointNotFoundError,
  HandoffConfigurationError,
  InvalidResponseError,
  UnknownRequestError,
  WorkflowBusyError,
} from './handoff/errors.js';

// Checkpoint storage: the contract every backend implements, and its errors.
export { createCheckpointId, isValidCheckpointId } from './store/checkpoint-id.js';
export {
  type CheckpointInfo,
  type CheckpointQuery,
  type CheckpointStorage,
  type CheckpointWrite,
  CheckpointCorruptError,
  ConcurrentUpdateError,
  type JsonObject,
  type JsonValue,
  type WorkflowCheckpoint,
} from './store/checkpoint-storage.js';
export {
  AmbiguousCheckpointIdError,
  ConversationIdRequiredError,
  DuplicateCheckpointIdError,
  InvalidCheckpointIdError,
  InvalidCheckpointWriteError,
  LeaseLostError,
  UnknownDeliveryError,
  UnknownParentCheckpointError,
} from './store/storage-errors.js';

// Storage backends in this package: in memory (tests, one process) and files on disk (DynamoDB: `baton/dynamodb`).
export { FileCheckpointStorage, type FileCheckpointStorageOptions } from './store/file.js';
export { InMemoryCheckpointStorage, type InMemoryCheckpointStorageOptions } from './store/memory.js';

// Leases, the turn inbox, idempotency claims and small records: what a driver needs across processes.
export {
  type ClaimOptions,
  type IdempotencyStore,
  InMemoryIdempotencyStore,
  type InMemoryIdempotencyStoreOptions,
} from './store/idempotency.js';
export type { InboxItem, PutInboundResult, TurnInbox } from './store/inbox.js';
export { InMemoryKeyValueStore, type KeyValueStore } from './store/key-value.js';
export type { AcquireLeaseOptions, Lease, LeaseStore, ListInterruptedOptions } from './store/lease.js';

// Conversation driver: turns in order per conversation, approvals settled once; what every channel runs.
export type { ChatChannel, HttpRoute } from './channels/channel.js';
export {
  type ApproverContext,
  type ApproverRule,
  type ChannelUser,
  ConversationDriver,
  type ConversationDriverOptions,
  type DecisionResult,
  type Inbound,
  type TurnResult,
  type TurnSink,
} from './channels/conversation-driver.js';
export type { Logger } from './channels/logger.js';
