export * from './builder.js';
export { agentView, visibleConversation } from './context.js';
export { ConversationRun, type RestoreOptions, type RunOptions } from './conversation-run.js';
export type {
  AutonomousModeOptions,
  HandoffDefinition,
  HandoffLimits,
  ReturnTo,
  ReturnToContext,
  TerminationCondition,
} from './definition.js';
export * from './errors.js';
export * from './events.js';
export { DEFAULT_HANDOFF_INSTRUCTIONS, HANDOFF_TOOL_PREFIX, handoffToolName } from './handoff-tools.js';
export * from './requests.js';
export { WorkflowRunResult } from './run-result.js';
export { type HeadState, STATE_SCHEMA_VERSION, type TranscriptMessage } from './state.js';
export { HandoffWorkflow } from './workflow.js';
