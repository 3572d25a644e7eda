/**
 * `baton/dynamodb`: checkpoint storage, conversation leases, the turn inbox and idempotency claims on one
 * DynamoDB table.
 *
 * Key schema (partition `pk`, sort `sk`, TTL attribute `expiresAt` in epoch seconds on every item):
 *
 * | item | pk | sk | attributes |
 * |---|---|---|---|
 * | head | conversation id | `HEAD` | `version`, `latest`, `updatedAt`; `leaseOwner`, `leaseToken`, `leaseUntil` (ms); `inboxSeq`; `intrShard`, `intrDue` (ms, only while it may need a runner) |
 * | step | conversation id | `CK#<checkpointId>` | `parent`, `prev`, `version`, `wf`, `ts`, `enc`, `size`, `body` or `parts` or `ext`, `deleted` |
 * | chunk | conversation id | `CK#<checkpointId>#P#0001`… | `part` (≤ 350 KB) |
 * | delivery | conversation id | `DLV#<deliveryId>` | `seq`, `status` PENDING/DONE, `acceptedAt`, `payload` |
 * | inbox item | conversation id | `IN#<seq, 16 digits>` | `deliveryId`, `acceptedAt`, `payload` (deleted once done) |
 * | claim | `CLAIM#<key>` | `CLAIM` | `status`, `leaseUntil` (epoch ms) |
 *
 * Global secondary index `interrupted` (keys only, sparse): `intrShard` (one of 8 values) / `intrDue`.
 *
 * A save reads the head (and the parent), puts the new step item (`attribute_not_exists(sk)`), its chunks,
 * then conditionally updates the head (`version = :expected AND latest = :previous`, or a fresh head; plus
 * `leaseToken = :token` when fenced). No transactions. Each step records `prev`, the head's `latest` it
 * replaced; the committed checkpoints are those reachable from the head through `prev`, so steps whose head
 * update lost or never happened are ignored as orphans (and removed at once when the loss is certain,
 * otherwise by TTL).
 */
// Checkpoint storage on one table: leases, the turn inbox and the interrupted index ride on the head item.
export {
  type CheckpointWriteMetrics,
  DEFAULT_TTL_SECONDS,
  DynamoDBCheckpointStorage,
  type DynamoDBCheckpointStorageOptions,
} from './dynamodb-checkpoint-storage.js';
export type { LargePayloadStore } from './large-payload-store.js';
export { CHUNK_BYTES, GZIP_MIN_BYTES, MAX_INLINE_BYTES } from './payload-codec.js';

// Idempotency claims and small records (Slack installs, Teams conversation references) on the same table.
export { DynamoDBIdempotencyStore, type DynamoDBIdempotencyStoreOptions } from './claims.js';
export { DynamoDBKeyValueStore, type DynamoDBKeyValueStoreOptions } from './key-value.js';

// The table and its client: key schema, creation for local endpoints, retries.
export { createDynamoDBClient, DEFAULT_MAX_ATTEMPTS } from './client.js';
export {
  CHECKPOINT_TTL_ATTRIBUTE,
  checkpointTableDefinition,
  type EnsureTableOptions,
  ensureTable,
  INTERRUPTED_DUE_ATTRIBUTE,
  INTERRUPTED_INDEX,
  INTERRUPTED_SHARD_ATTRIBUTE,
} from './table.js';

// DynamoDB without AWS: dynalite in-process, data on disk (what `npm start` uses when DYNAMODB_TABLE is unset).
export { type EmbeddedDynamo, type EmbeddedDynamoOptions, startEmbeddedDynamo } from './embedded-dynamo.js';
