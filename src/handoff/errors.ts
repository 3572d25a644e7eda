/** Typed errors of the handoff workflow: each says what was wrong and what to do. */
import { BatonError } from '../errors.js';

export class HandoffConfigurationError extends BatonError {
  readonly code = 'BATON_HANDOFF_CONFIGURATION';
  override readonly name = 'HandoffConfigurationError';
}

/** A response named a request id that is not pending in this conversation (unknown, answered or foreign). */
export class UnknownRequestError extends BatonError {
  readonly code = 'BATON_UNKNOWN_REQUEST';
  override readonly name = 'UnknownRequestError';
  constructor(
    readonly requestId: string,
    readonly conversationId: string,
    pendingIds: readonly string[],
  ) {
    super(
      `Request "${requestId}" is not pending in conversation "${conversationId}" ` +
        `(it is unknown, already answered, or belongs to another conversation). ` +
        `Pending: ${pendingIds.length ? pendingIds.join(', ') : 'none'}.`,
    );
  }
}

/** A response does not fit its request (e.g. an approval decision sent to a user-input request). */
export class InvalidResponseError extends BatonError {
  readonly code = 'BATON_INVALID_RESPONSE';
  override readonly name = 'InvalidResponseError';
}

/**
 * One conversation was run twice at the same time on one `ConversationRun` (or on the workflow's default
 * conversation). The ConversationDriver orders turns per conversation; without it, await the first run.
 */
export class WorkflowBusyError extends BatonError {
  readonly code = 'BATON_CONVERSATION_BUSY';
  override readonly name = 'WorkflowBusyError';
  constructor(readonly conversationId: string) {
    super(
      `A run of conversation "${conversationId}" is already in progress; await it before the next one, ` +
        'or run turns through a ConversationDriver, which orders them per conversation.',
    );
  }
}

export class CheckpointNotFoundError extends BatonError {
  readonly code = 'BATON_CHECKPOINT_NOT_FOUND';
  override readonly name = 'CheckpointNotFoundError';
  constructor(readonly checkpointId: string) {
    super(`Checkpoint "${checkpointId}" was not found in the configured storage.`);
  }
}

/** A checkpoint belongs to another workflow or names agents this workflow does not have. */
export class CheckpointIncompatibleError extends BatonError {
  readonly code = 'BATON_CHECKPOINT_INCOMPATIBLE';
  override readonly name = 'CheckpointIncompatibleError';
}

/** Thrown by a run when the workflow was built without checkpoint storage but a checkpoint was asked for. */
export class CheckpointingNotConfiguredError extends BatonError {
  readonly code = 'BATON_CHECKPOINTING_NOT_CONFIGURED';
  override readonly name = 'CheckpointingNotConfiguredError';
  constructor() {
    super('This workflow has no checkpoint storage: call .withCheckpointing(storage) on the HandoffBuilder.');
  }
}
