/** Checkpoint ids: generated time-sortable, and validated so they are safe as file names and sort keys. */
import { monotonicFactory } from 'ulid';
import { InvalidCheckpointIdError } from './storage-errors.js';

/**
 * Letters, digits, `_` and `-` only: no path separators, dots or NUL (file store), no `#` (DynamoDB sort keys
 * use it as a separator).
 */
export const CHECKPOINT_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

const nextUlid = monotonicFactory();

/** A new ULID: unique and, within one process, strictly increasing. */
export function createCheckpointId(): string {
  return nextUlid();
}

export function isValidCheckpointId(id: unknown): id is string {
  return typeof id === 'string' && CHECKPOINT_ID_PATTERN.test(id);
}

export function assertValidCheckpointId(id: unknown): asserts id is string {
  if (!isValidCheckpointId(id)) throw new InvalidCheckpointIdError(id);
}
