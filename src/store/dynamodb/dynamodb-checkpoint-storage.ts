/**
 * CheckpointStorage (and IdempotencyStore) on one DynamoDB table. Per conversation, partition `pk` = the
 * conversation id holds a small head item (`sk = "HEAD"`: version, latest) and one immutable item per step
 * (`sk = "CK#<checkpointId>"`), plus chunk items for payloads over 350 KB. A save writes only the new step and
 * the head; a load reads the partition with one paginated Query. The key schema is described in index.ts.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { assertValidCheckpointId } from '../checkpoint-id.js';
import type { StepRecord } from '../checkpoint-log.js';
import {
  ConversationLog,
  materializeCheckpoint,
  newStepRecord,
  selectCheckpoints,
  toCheckpointInfo,
} from '../checkpoint-log.js';
import type {
  CheckpointInfo,
  CheckpointQuery,
  CheckpointStorage,
  CheckpointWrite,
  JsonObject,
  WorkflowCheckpoint,
} from '../checkpoint-storage.js';
import { ConcurrentUpdateError } from '../checkpoint-storage.js';
import type { ClaimOptions, IdempotencyStore } from '../idempotency.js';
import type { InboxItem, PutInboundResult, TurnInbox } from '../inbox.js';
import { assertValidDeliveryId, DEFAULT_INBOX_TOMBSTONE_SECONDS, serializeInboundPayload } from '../inbox.js';
import type { AcquireLeaseOptions, Lease, LeaseStore, ListInterruptedOptions } from '../lease.js';
import {
  assertValidLease,
  assertValidLeaseOwner,
  assertValidLeaseTtl,
  assertValidListLimit,
} from '../lease.js';
import { ConversationIdRequiredError, DuplicateCheckpointIdError } from '../storage-errors.js';
import { assertUsableParent, validateCheckpointWrite } from '../write-validation.js';
import { deleteItems } from './batch-delete.js';
import { DynamoDBIdempotencyStore } from './claims.js';
import { createDynamoDBClient } from './client.js';
import type { ConversationItems } from './conversation-reader.js';
import {
  queryPartition,
  readConversation,
  readHeadState,
  readStepMetadata,
  readStepPayload,
} from './conversation-reader.js';
import { isConditionalCheckFailed } from './errors.js';
import { assertFence, commitHead } from './head-commit.js';
import { DynamoDBInbox } from './inbox.js';
import { itemSize } from './item-size.js';
import type { Item } from './items.js';
import { headItem } from './items.js';
import { assertDynamoConversationId, HEAD_SK, stepSk } from './keys.js';
import type { LargePayloadStore } from './large-payload-store.js';
import { DynamoDBLeases } from './leases.js';
import { stepItems } from './step-items.js';
import type { EnsureTableOptions } from './table.js';
import { ensureTable } from './table.js';

export const DEFAULT_TTL_SECONDS = 30 * 24 * 60 * 60;

/** What one save wrote, for metrics and benchmarks. */
export interface CheckpointWriteMetrics {
  conversationId: string;
  checkpointId: string;
  /** DynamoDB items put or updated: the step, its chunks and the head. */
  items: number;
  /** Their total size by DynamoDB's sizing rule (what write capacity is billed on). */
  bytes: number;
  largestItemBytes: number;
  /** Payload bytes sent to the LargePayloadStore instead of DynamoDB. */
  offloadedBytes: number;
}

export interface DynamoDBCheckpointStorageOptions {
  /** Default: {@link createDynamoDBClient} with the SDK's usual region/credential resolution. */
  client?: DynamoDBClient;
  tableName: string;
  /**
   * How long a conversation is kept, counted from its first checkpoint (default 30 days). All its items
   * carry the same `expiresAt`, so a conversation expires whole, never with a broken chain; the next save
   * after that (expectedVersion 0) starts it over.
   */
  ttlSeconds?: number;
  /** How long idempotency claims are kept (default 24 h). */
  claimTtlSeconds?: number;
  /** How long finished inbox deliveries are remembered for dedupe (default 24 h). */
  inboxTombstoneSeconds?: number;
  /** Payloads over 350 KB go here instead of into chunk items (usually S3; see LargePayloadStore). */
  s3?: LargePayloadStore;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  onWrite?: (metrics: CheckpointWriteMetrics) => void;
}

export class DynamoDBCheckpointStorage implements CheckpointStorage, IdempotencyStore, LeaseStore, TurnInbox {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  private readonly ownsClient: boolean;
  private readonly ttlSeconds: number;
  private readonly largePayloads: LargePayloadStore | undefined;
  private readonly now: () => number;
  private readonly onWrite: ((metrics: CheckpointWriteMetrics) => void) | undefined;
  private readonly claims: DynamoDBIdempotencyStore;
  private readonly leases: DynamoDBLeases;
  private readonly inbox: DynamoDBInbox;

  constructor(options: DynamoDBCheckpointStorageOptions) {
    const tableName = options?.tableName;
    if (typeof tableName !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
      throw new TypeError(
        `Invalid DynamoDB table name ${JSON.stringify(tableName)}: use 3-255 characters of A-Z, a-z, 0-9, ` +
          '"_", "-" and "." (set DYNAMODB_TABLE).',
      );
    }
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`Invalid ttlSeconds ${ttlSeconds}: use a positive whole number of seconds.`);
    }
    this.tableName = tableName;
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createDynamoDBClient();
    this.ttlSeconds = ttlSeconds;
    this.largePayloads = options.s3;
    this.now = options.now ?? Date.now;
    this.onWrite = options.onWrite;
    this.claims = new DynamoDBIdempotencyStore({
      client: this.client,
      tableName,
      claimTtlSeconds: options.claimTtlSeconds,
      now: this.now,
    });
    const shared = { client: this.client, tableName, conversationTtlSeconds: ttlSeconds, now: this.now };
    this.leases = new DynamoDBLeases(shared);
    this.inbox = new DynamoDBInbox({
      ...shared,
      tombstoneSeconds: options.inboxTombstoneSeconds ?? DEFAULT_INBOX_TOMBSTONE_SECONDS,
    });
  }

  /** Creates the table if missing (local development; use IaC in AWS) and waits until it is ACTIVE. */
  ensureTable(options?: EnsureTableOptions): Promise<void> {
    return ensureTable(this.client, this.tableName, options);
  }

  /** Releases the client's sockets if this storage created the client. */
  destroy(): void {
    if (this.ownsClient) this.client.destroy();
  }

  async save(write: CheckpointWrite): Promise<CheckpointInfo> {
    validateCheckpointWrite(write);
    assertDynamoConversationId(write.conversationId);
    const { conversationId, checkpointId } = write;
    const nowMs = this.now();
    const nowSeconds = Math.floor(nowMs / 1000);

    // Read first: a stale writer fails here without writing anything.
    const [state, parent] = await Promise.all([
      readHeadState(this.client, this.tableName, conversationId, nowSeconds),
      write.parentCheckpointId === null
        ? undefined
        : readStepMetadata(this.client, this.tableName, conversationId, write.parentCheckpointId, nowSeconds),
    ]);
    // Fencing first: an overtaken runner must learn it lost the lease, not retry on a version conflict.
    assertFence(write, state.leaseToken);
    const head = state.live;
    if ((head?.version ?? 0) !== write.expectedVersion) {
      throw new ConcurrentUpdateError(conversationId, write.expectedVersion, head?.version);
    }
    assertUsableParent(write, parent);

    const record = newStepRecord(write, head?.latest ?? null);
    // Every item of a conversation shares its expiry, so a chain never loses its oldest links first.
    const expiresAt = head?.expiresAt ?? nowSeconds + this.ttlSeconds;
    const { step, chunks, offloadedBytes } = await stepItems(record, write, expiresAt, this.largePayloads);
    const newHead = headItem(
      conversationId,
      { version: record.version, latest: checkpointId },
      new Date(nowMs).toISOString(),
      expiresAt,
    );

    // Immutable items first, then the head that commits them: a crash in between leaves an orphan, ignored.
    await this.putStep(step, record, nowSeconds);
    await Promise.all(
      chunks.map((chunk) => this.client.send(new PutItemCommand({ TableName: this.tableName, Item: chunk }))),
    );
    await commitHead({
      client: this.client,
      tableName: this.tableName,
      write,
      current: head,
      next: newHead,
      nowSeconds,
      committedVersion: async () => {
        const { log } = await this.readLog(conversationId, false);
        return { committed: log.committedStep(checkpointId) !== undefined, version: log.version };
      },
      discard: () => this.removeUncommitted([step, ...chunks]),
    });

    if (this.onWrite) {
      const sizes = [step, ...chunks, newHead].map(itemSize);
      this.onWrite({
        conversationId,
        checkpointId,
        items: sizes.length,
        bytes: sizes.reduce((sum, size) => sum + size, 0),
        largestItemBytes: Math.max(...sizes),
        offloadedBytes,
      });
    }
    return toCheckpointInfo(record);
  }

  async load(checkpointId: string, conversationId?: string): Promise<WorkflowCheckpoint | undefined> {
    assertValidCheckpointId(checkpointId);
    const id = this.requireConversationId(conversationId, 'load');
    const { log, items } = await this.readLog(id, true);
    const step = log.liveStep(checkpointId);
    return step && this.materialize(log, items, step);
  }

  async getLatest(query: CheckpointQuery = {}): Promise<WorkflowCheckpoint | undefined> {
    const id = this.requireConversationId(query.conversationId, 'getLatest');
    const { log, items } = await this.readLog(id, true);
    const step = log.liveSteps(query.workflowName).at(-1);
    return step && this.materialize(log, items, step);
  }

  async listCheckpoints(query: CheckpointQuery = {}): Promise<CheckpointInfo[]> {
    const id = this.requireConversationId(query.conversationId, 'listCheckpoints');
    const { log } = await this.readLog(id, false);
    return selectCheckpoints([log], query).map(({ step }) => toCheckpointInfo(step));
  }

  /**
   * Marks the checkpoint deleted (reads stop returning it). Its item and payload stay until the
   * conversation expires or is deleted: a concurrent save may be continuing from it right now.
   */
  async delete(checkpointId: string, conversationId?: string): Promise<boolean> {
    assertValidCheckpointId(checkpointId);
    const id = this.requireConversationId(conversationId, 'delete');
    const { log } = await this.readLog(id, false);
    if (log.liveStep(checkpointId) === undefined) return false;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(id, stepSk(checkpointId)),
          UpdateExpression: 'SET #deleted = :true',
          ConditionExpression: 'attribute_exists(#sk)',
          ExpressionAttributeNames: { '#deleted': 'deleted', '#sk': 'sk' },
          ExpressionAttributeValues: { ':true': { BOOL: true } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Removes every item of the conversation, the head first so readers stop seeing it at once. */
  async deleteConversation(conversationId: string): Promise<void> {
    assertDynamoConversationId(conversationId);
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: this.key(conversationId, HEAD_SK) }),
    );
    const keys: Item[] = [];
    for await (const item of queryPartition(this.client, this.tableName, conversationId, ['pk', 'sk'])) {
      if (item.pk && item.sk) keys.push({ pk: item.pk, sk: item.sk });
    }
    await deleteItems(this.client, this.tableName, keys);
  }

  claim(key: string, options?: ClaimOptions): Promise<boolean> {
    return this.claims.claim(key, options);
  }

  completeClaim(key: string): Promise<void> {
    return this.claims.completeClaim(key);
  }

  releaseClaim(key: string): Promise<void> {
    return this.claims.releaseClaim(key);
  }

  async acquireLease(conversationId: string, options: AcquireLeaseOptions): Promise<Lease | undefined> {
    assertDynamoConversationId(conversationId);
    assertValidLeaseOwner(options?.owner);
    assertValidLeaseTtl(options.ttlMs);
    return this.leases.acquire(conversationId, options.owner, options.ttlMs);
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    assertValidLease(lease);
    assertDynamoConversationId(lease.conversationId);
    assertValidLeaseTtl(ttlMs);
    return this.leases.renew(lease, ttlMs);
  }

  async releaseLease(lease: Lease): Promise<void> {
    assertValidLease(lease);
    assertDynamoConversationId(lease.conversationId);
    await this.leases.release(lease);
  }

  /** Reads the sparse `interrupted` index (eventually consistent: an entry may show up a moment late). */
  async listInterrupted(options: ListInterruptedOptions = {}): Promise<string[]> {
    assertValidListLimit(options);
    return this.leases.listInterrupted(options);
  }

  async putInbound(
    conversationId: string,
    deliveryId: string,
    payload: JsonObject,
  ): Promise<PutInboundResult> {
    assertDynamoConversationId(conversationId);
    assertValidDeliveryId(deliveryId);
    return this.inbox.put(conversationId, deliveryId, serializeInboundPayload(payload));
  }

  async listInbound(conversationId: string): Promise<InboxItem[]> {
    assertDynamoConversationId(conversationId);
    return this.inbox.list(conversationId);
  }

  async completeInbound(conversationId: string, deliveryId: string, leaseToken: number): Promise<void> {
    assertDynamoConversationId(conversationId);
    assertValidDeliveryId(deliveryId);
    await this.inbox.complete(conversationId, deliveryId, leaseToken, () =>
      this.leases.currentToken(conversationId),
    );
  }

  private requireConversationId(conversationId: string | undefined, operation: string): string {
    if (conversationId === undefined)
      throw new ConversationIdRequiredError('DynamoDBCheckpointStorage', operation);
    assertDynamoConversationId(conversationId);
    return conversationId;
  }

  private key(pk: string, sk: string): Record<string, AttributeValue> {
    return { pk: { S: pk }, sk: { S: sk } };
  }

  private async readLog(
    conversationId: string,
    payloads: boolean,
  ): Promise<{ log: ConversationLog; items: ConversationItems }> {
    const nowSeconds = Math.floor(this.now() / 1000);
    const items = await readConversation(this.client, this.tableName, conversationId, {
      nowSeconds,
      payloads,
    });
    const records = [...items.steps.values()].map((step) => step.record);
    return { log: new ConversationLog(conversationId, items.head?.head, records), items };
  }

  private materialize(
    log: ConversationLog,
    items: ConversationItems,
    step: StepRecord,
  ): Promise<WorkflowCheckpoint> {
    return materializeCheckpoint(log, step, (link) =>
      readStepPayload(items, items.steps.get(link.checkpointId)!, this.largePayloads),
    );
  }

  private async putStep(step: Item, record: StepRecord, nowSeconds: number): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: step,
          // The same nonce means an SDK retry of this very put, whose first attempt landed.
          ConditionExpression: 'attribute_not_exists(#sk) OR #exp <= :now OR #nonce = :nonce',
          ExpressionAttributeNames: { '#sk': 'sk', '#exp': 'expiresAt', '#nonce': 'nonce' },
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':nonce': step.nonce! },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error))
        throw new DuplicateCheckpointIdError(record.conversationId, record.checkpointId);
      throw error;
    }
  }

  /** Best effort: what a lost race wrote is never read (an orphan), so a failure here only costs storage until TTL. */
  private async removeUncommitted(items: Item[]): Promise<void> {
    const keys = items.map((item) => ({ pk: item.pk!, sk: item.sk! }));
    await deleteItems(this.client, this.tableName, keys).catch(() => undefined);
  }
}
