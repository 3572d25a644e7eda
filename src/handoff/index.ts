export * from './builder.js';
export { agentView, visibleConversation } from './context.js';
export {
  type ContextOptions,
  type ContextWindow,
  DEFAULT_CONTEXT_MESSAGES,
  estimateTokens,
} from './context-window.js';
export * from './errors.js';
export * from './events.js';
export { DEFAULT_HANDOFF_INSTRUCTIONS, HANDOFF_TOOL_PREFIX, handoffToolName } from './handoff-tools.js';
export * from './requests.js';
export { type HeadState, STATE_SCHEMA_VERSION, type TranscriptMessage } from './state.js';
export { HandoffWorkflow, type RestoreOptions, type RunOptions, WorkflowRunResult } from './workflow.js';
