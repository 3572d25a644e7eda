/**
 * `baton/testing`: what Baton's own tests use, for yours. The storage conformance suites need vitest (an optional
 * peer dependency): call them at the top level of a test file.
 */

// A loopback OpenAI-compatible server that replays a script: the real `openai` SDK, no network, no key.
export { startScriptedOpenAIServer } from './scripted-openai-server.js';
export type {
  RecordedRequest,
  ScriptedFault,
  ScriptedOpenAIServer,
  ScriptedServerOptions,
  ScriptedToolCall,
  ScriptedTurn,
  ScriptItem,
} from './types.js';

// Conformance suites for a third-party backend: `describeCheckpointStorage('my store', () => new MyStore())`.
export {
  type ConformanceOptions,
  describeCheckpointStorage,
} from './storage/checkpoint-storage-conformance.js';
export { describeIdempotencyStore } from './storage/idempotency-conformance.js';
export { type DurableStore, describeLeaseStore } from './storage/lease-conformance.js';
