/** Errors a caller of a checkpoint store can act on, besides the contract's two (concurrency, corruption). */
import { BatonError } from '../errors.js';

/** A checkpoint id that is not safe as a file name or sort key. */
export class InvalidCheckpointIdError extends BatonError {
  readonly code = 'BATON_INVALID_CHECKPOINT_ID';
  override readonly name = 'InvalidCheckpointIdError';
  constructor(readonly checkpointId: unknown) {
    super(
      `Invalid checkpoint id ${JSON.stringify(checkpointId) ?? String(checkpointId)}: ids must be 1-128 ` +
        'characters of A-Z, a-z, 0-9, "_" or "-" (no "/", "\\", ".", "#" or NUL). ' +
        'Use createCheckpointId() to make one.',
    );
  }
}

/** A `save()` argument that is malformed (wrong types, empty names, a bad timestamp...). */
export class InvalidCheckpointWriteError extends BatonError {
  readonly code = 'BATON_INVALID_CHECKPOINT_WRITE';
  override readonly name = 'InvalidCheckpointWriteError';
}

/** `save()` named a parent that does not exist (or was deleted) in that conversation. */
export class UnknownParentCheckpointError extends BatonError {
  readonly code = 'BATON_UNKNOWN_PARENT_CHECKPOINT';
  override readonly name = 'UnknownParentCheckpointError';
  constructor(
    readonly conversationId: string,
    readonly parentCheckpointId: string,
  ) {
    super(
      `Cannot save a child of checkpoint "${parentCheckpointId}": conversation "${conversationId}" has no ` +
        'such checkpoint (it never existed, was deleted or expired). Load the conversation again and ' +
        'continue from a checkpoint it returns.',
    );
  }
}

/** `save()` reused a checkpoint id that the conversation already holds. */
export class DuplicateCheckpointIdError extends BatonError {
  readonly code = 'BATON_DUPLICATE_CHECKPOINT_ID';
  override readonly name = 'DuplicateCheckpointIdError';
  constructor(
    readonly conversationId: string,
    readonly checkpointId: string,
  ) {
    super(
      `Conversation "${conversationId}" already has a checkpoint "${checkpointId}". ` +
        'Use a fresh id for every save attempt (createCheckpointId()).',
    );
  }
}

/** A backend partitioned by conversation was asked something without the conversation id. */
export class ConversationIdRequiredError extends BatonError {
  readonly code = 'BATON_CONVERSATION_ID_REQUIRED';
  override readonly name = 'ConversationIdRequiredError';
  constructor(backend: string, operation: string) {
    super(
      `${backend} is partitioned by conversation: ${operation}() needs the conversation id ` +
        '(pass it as the conversationId argument or query field).',
    );
  }
}

/** A checkpoint id exists in several conversations and the caller did not say which one it meant. */
export class AmbiguousCheckpointIdError extends BatonError {
  readonly code = 'BATON_AMBIGUOUS_CHECKPOINT_ID';
  override readonly name = 'AmbiguousCheckpointIdError';
  constructor(
    readonly checkpointId: string,
    readonly conversationIds: string[],
  ) {
    super(
      `Checkpoint id "${checkpointId}" exists in several conversations (${conversationIds
        .map((id) => `"${id}"`)
        .join(', ')}); pass the conversation id to say which one.`,
    );
  }
}

/**
 * A write fenced by a lease token (a save, completeInbound, renewLease) came from a runner whose lease is no
 * longer current: another runner took the conversation over. Stop the turn; do not retry it with this lease.
 */
export class LeaseLostError extends BatonError {
  readonly code = 'BATON_LEASE_LOST';
  override readonly name = 'LeaseLostError';
  constructor(
    readonly conversationId: string,
    readonly token: number,
    /** The conversation's current token, when known (`undefined`: none was ever granted). */
    readonly currentToken: number | undefined,
  ) {
    super(
      `The lease on conversation "${conversationId}" with token ${token} is no longer current ` +
        `(current: ${currentToken ?? 'none'}): another runner took the conversation over. Stop this turn.`,
    );
  }
}

/** completeInbound named a delivery the conversation's inbox never accepted (or forgot after its TTL). */
export class UnknownDeliveryError extends BatonError {
  readonly code = 'BATON_UNKNOWN_DELIVERY';
  override readonly name = 'UnknownDeliveryError';
  constructor(
    readonly conversationId: string,
    readonly deliveryId: string,
  ) {
    super(
      `Conversation "${conversationId}" has no inbox item for delivery "${deliveryId}": complete only items ` +
        'returned by putInbound() or listInbound().',
    );
  }
}
