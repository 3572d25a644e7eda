/**
 * `BatonError`: the base of every error Baton throws on purpose. `code` is stable across releases (match on it,
 * not on the message); `instanceof` on the specific classes keeps working. The codes are listed in docs/errors.md.
 */

/** Every code a Baton error can carry. Adding an error class means adding its code here and to docs/errors.md. */
export const BATON_ERROR_CODES = [
  // agents
  'BATON_TOOL_DEFINITION',
  'BATON_MODEL',
  'BATON_MODEL_HTTP',
  'BATON_MODEL_RATE_LIMIT',
  'BATON_MODEL_TIMEOUT',
  'BATON_MODEL_RESPONSE',
  // handoff
  'BATON_HANDOFF_CONFIGURATION',
  'BATON_UNKNOWN_REQUEST',
  'BATON_INVALID_RESPONSE',
  'BATON_CONVERSATION_BUSY',
  'BATON_CHECKPOINT_NOT_FOUND',
  'BATON_CHECKPOINT_INCOMPATIBLE',
  'BATON_CHECKPOINTING_NOT_CONFIGURED',
  // store
  'BATON_CONCURRENT_UPDATE',
  'BATON_CHECKPOINT_CORRUPT',
  'BATON_INVALID_CHECKPOINT_ID',
  'BATON_INVALID_CHECKPOINT_WRITE',
  'BATON_UNKNOWN_PARENT_CHECKPOINT',
  'BATON_DUPLICATE_CHECKPOINT_ID',
  'BATON_CONVERSATION_ID_REQUIRED',
  'BATON_AMBIGUOUS_CHECKPOINT_ID',
  'BATON_LEASE_LOST',
  'BATON_UNKNOWN_DELIVERY',
  // channels
  'BATON_LEASE_WAIT_TIMEOUT',
  'BATON_SLACK_IDENTITY_UNAVAILABLE',
  'BATON_TEAMS_CONFIG',
  // app
  'BATON_CONFIG',
  'BATON_BOT_LOAD',
  // eval, telemetry
  'BATON_EVAL_CASES',
  'BATON_TELEMETRY_SETUP',
] as const;

export type BatonErrorCode = (typeof BATON_ERROR_CODES)[number];

export abstract class BatonError extends Error {
  /** Stable, machine-readable: what went wrong, independent of the wording of `message`. */
  abstract readonly code: BatonErrorCode;
}

/** True for any Baton error, optionally of one code (works across duplicate copies of the package). */
export function isBatonError(error: unknown, code?: BatonErrorCode): error is BatonError {
  if (!(error instanceof Error)) return false;
  const found = (error as { code?: unknown }).code;
  const known = error instanceof BatonError || BATON_ERROR_CODES.includes(found as BatonErrorCode);
  return known && (code === undefined || found === code);
}
