export * from './agent.js';
export * from './base-model.js';
export * from './messages.js';
export * from './model.js';
export * from './models/openai.js';
export * from './tool.js';
