/** `baton/testing`: test doubles for Baton's own tests, benchmarks and the offline demo. */
export type {
  RecordedRequest,
  ScriptedFault,
  ScriptedOpenAIServer,
  ScriptedServerOptions,
  ScriptedToolCall,
  ScriptedTurn,
  ScriptItem,
} from './scripted-openai-server.js';
export { startScriptedOpenAIServer } from './scripted-openai-server.js';
