/**
 * Checkpoint storage, conversation leases and the turn inbox: the contracts, the memory and file backends, and
 * idempotency claims (DynamoDB: `baton/dynamodb`).
 */
export { CHECKPOINT_ID_PATTERN, createCheckpointId, isValidCheckpointId } from './checkpoint-id.js';
export type {
  CheckpointInfo,
  CheckpointQuery,
  CheckpointStorage,
  CheckpointWrite,
  JsonObject,
  JsonValue,
  WorkflowCheckpoint,
} from './checkpoint-storage.js';
export { CheckpointCorruptError, ConcurrentUpdateError } from './checkpoint-storage.js';
export { FileCheckpointStorage, type FileCheckpointStorageOptions } from './file.js';
export {
  type ClaimOptions,
  DEFAULT_CLAIM_LEASE_SECONDS,
  DEFAULT_CLAIM_TTL_SECONDS,
  type IdempotencyStore,
  InMemoryIdempotencyStore,
  type InMemoryIdempotencyStoreOptions,
} from './idempotency.js';
export {
  DEFAULT_INBOX_TOMBSTONE_SECONDS,
  type InboxItem,
  MAX_INBOUND_PAYLOAD_BYTES,
  type PutInboundResult,
  type TurnInbox,
} from './inbox.js';
export { InMemoryKeyValueStore, type KeyValueStore } from './key-value.js';
export type { AcquireLeaseOptions, Lease, LeaseStore, ListInterruptedOptions } from './lease.js';
export { InMemoryCheckpointStorage, type InMemoryCheckpointStorageOptions } from './memory.js';
export {
  AmbiguousCheckpointIdError,
  ConversationIdRequiredError,
  DuplicateCheckpointIdError,
  InvalidCheckpointIdError,
  InvalidCheckpointWriteError,
  LeaseLostError,
  UnknownDeliveryError,
  UnknownParentCheckpointError,
} from './storage-errors.js';
