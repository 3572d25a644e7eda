/**
 * Baton's public API: agents, tools and models; the handoff workflow; checkpoint storage; the
 * channel-neutral conversation driver. Chat channels and the DynamoDB store have their own entry points
 * (`baton/slack`, `baton/teams`, `baton/dynamodb`) so a user of one does not load the others' dependencies.
 */
export * from './agents/index.js';
export * from './channels/index.js';
export { BATON_ERROR_CODES, BatonError, type BatonErrorCode, isBatonError } from './errors.js';
export * from './handoff/index.js';
export * from './store/index.js';
