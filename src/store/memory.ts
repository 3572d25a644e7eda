/**
 * A checkpoint store in process memory, for tests and the playground: everything is gone on exit. Also the
 * conversation leases and inbox (one process only, so they serialize turns within it).
 */
import { assertValidCheckpointId } from './checkpoint-id.js';
import type { HeadRecord, StepRecord } from './checkpoint-log.js';
import {
  ConversationLog,
  findLiveCheckpoint,
  materializeCheckpoint,
  newStepRecord,
  selectCheckpoints,
  toCheckpointInfo,
} from './checkpoint-log.js';
import type {
  CheckpointInfo,
  CheckpointQuery,
  CheckpointStorage,
  CheckpointWrite,
  JsonObject,
  WorkflowCheckpoint,
} from './checkpoint-storage.js';
import { CheckpointCorruptError, ConcurrentUpdateError } from './checkpoint-storage.js';
import type { ConversationControl } from './conversation-control.js';
import {
  acquireLease,
  assertCurrentToken,
  completeInbound,
  dueAt,
  emptyControl,
  pendingItems,
  pruneTombstones,
  putInbound,
  releaseLease,
  renewLease,
} from './conversation-control.js';
import type { InboxItem, PutInboundResult, TurnInbox } from './inbox.js';
import { assertValidDeliveryId, DEFAULT_INBOX_TOMBSTONE_SECONDS, serializeInboundPayload } from './inbox.js';
import type { AcquireLeaseOptions, Lease, LeaseStore, ListInterruptedOptions } from './lease.js';
import {
  assertValidLease,
  assertValidLeaseOwner,
  assertValidLeaseTtl,
  assertValidListLimit,
} from './lease.js';
import { parseStepPayload, serializeStepPayload } from './step-payload.js';
import { DuplicateCheckpointIdError } from './storage-errors.js';
import {
  assertUsableParent,
  assertValidConversationId,
  validateCheckpointWrite,
} from './write-validation.js';

interface MemoryStep {
  record: StepRecord;
  /**
   * Kept serialized: saving and loading go through JSON like the other backends, so callers can neither mutate
   * stored data nor store something (a Date, `undefined`) that would not survive a real backend.
   * `undefined` once deleted and no longer needed by any child.
   */
  payloadJson: string | undefined;
}

interface MemoryConversation {
  head: HeadRecord | undefined;
  steps: Map<string, MemoryStep>;
}

export interface InMemoryCheckpointStorageOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** How long finished inbox deliveries are remembered for dedupe (default 24 h). */
  inboxTombstoneSeconds?: number;
}

export class InMemoryCheckpointStorage implements CheckpointStorage, LeaseStore, TurnInbox {
  private readonly conversations = new Map<string, MemoryConversation>();
  /** Leases and inboxes by conversation. */
  private readonly controls = new Map<string, ConversationControl>();
  /** The sparse index: conversations with a lease out or pending items, nothing else. */
  private readonly active = new Set<string>();
  private readonly now: () => number;
  private readonly tombstoneMs: number;

  constructor(options: InMemoryCheckpointStorageOptions = {}) {
    this.now = options.now ?? Date.now;
    this.tombstoneMs = (options.inboxTombstoneSeconds ?? DEFAULT_INBOX_TOMBSTONE_SECONDS) * 1000;
  }

  async save(write: CheckpointWrite): Promise<CheckpointInfo> {
    validateCheckpointWrite(write);
    // Fencing first: an overtaken runner must learn it lost the lease, not retry on a version conflict.
    assertCurrentToken(this.controls.get(write.conversationId), write.conversationId, write.leaseToken);
    const conversation = this.conversations.get(write.conversationId) ?? {
      head: undefined,
      steps: new Map<string, MemoryStep>(),
    };
    const { head } = conversation;
    if ((head?.version ?? 0) !== write.expectedVersion) {
      throw new ConcurrentUpdateError(write.conversationId, write.expectedVersion, head?.version);
    }
    if (conversation.steps.has(write.checkpointId)) {
      throw new DuplicateCheckpointIdError(write.conversationId, write.checkpointId);
    }
    const parentId = write.parentCheckpointId;
    assertUsableParent(write, parentId === null ? undefined : conversation.steps.get(parentId)?.record);

    const record = newStepRecord(write, head?.latest ?? null);
    conversation.steps.set(record.checkpointId, { record, payloadJson: serializeStepPayload(write) });
    conversation.head = { version: record.version, latest: record.checkpointId };
    this.conversations.set(write.conversationId, conversation);
    return toCheckpointInfo(record);
  }

  async load(checkpointId: string, conversationId?: string): Promise<WorkflowCheckpoint | undefined> {
    assertValidCheckpointId(checkpointId);
    const found = findLiveCheckpoint(this.logs(conversationId, checkpointId), checkpointId);
    return found && this.materialize(found.log, found.step);
  }

  async getLatest(query: CheckpointQuery = {}): Promise<WorkflowCheckpoint | undefined> {
    const latest = selectCheckpoints(this.logs(query.conversationId), query).at(-1);
    return latest && this.materialize(latest.log, latest.step);
  }

  async listCheckpoints(query: CheckpointQuery = {}): Promise<CheckpointInfo[]> {
    return selectCheckpoints(this.logs(query.conversationId), query).map(({ step }) =>
      toCheckpointInfo(step),
    );
  }

  async delete(checkpointId: string, conversationId?: string): Promise<boolean> {
    assertValidCheckpointId(checkpointId);
    const found = findLiveCheckpoint(this.logs(conversationId, checkpointId), checkpointId);
    if (found === undefined) return false;
    const owner = found.log.conversationId;
    const conversation = this.conversations.get(owner);
    const stored = conversation?.steps.get(checkpointId);
    if (conversation === undefined || stored === undefined) return false;
    stored.record = { ...stored.record, deleted: true };
    // Drop the messages nobody can load any more: this one's, and deleted ancestors' it was the last user of.
    for (const id of found.log.withDeleted(checkpointId).unneededPayloads()) {
      const step = conversation.steps.get(id);
      if (step !== undefined) step.payloadJson = undefined;
    }
    return true;
  }

  async deleteConversation(conversationId: string): Promise<void> {
    this.conversations.delete(conversationId);
    this.controls.delete(conversationId);
    this.active.delete(conversationId);
  }

  async acquireLease(conversationId: string, options: AcquireLeaseOptions): Promise<Lease | undefined> {
    assertValidConversationId(conversationId);
    assertValidLeaseOwner(options?.owner);
    assertValidLeaseTtl(options.ttlMs);
    return this.update(conversationId, (control) =>
      acquireLease(control, conversationId, options.owner, options.ttlMs, this.now()),
    );
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    assertValidLease(lease);
    assertValidLeaseTtl(ttlMs);
    return this.update(lease.conversationId, (control) => renewLease(control, lease, ttlMs, this.now()));
  }

  async releaseLease(lease: Lease): Promise<void> {
    assertValidLease(lease);
    this.update(lease.conversationId, (control) => releaseLease(control, lease));
  }

  async listInterrupted(options: ListInterruptedOptions = {}): Promise<string[]> {
    assertValidListLimit(options);
    const now = this.now();
    const due: Array<{ id: string; at: number }> = [];
    for (const id of this.active) {
      const at = dueAt(this.controls.get(id)!);
      if (at !== undefined && at <= now) due.push({ id, at });
    }
    due.sort((a, b) => a.at - b.at);
    return due.slice(0, options.limit).map(({ id }) => id);
  }

  async putInbound(
    conversationId: string,
    deliveryId: string,
    payload: JsonObject,
  ): Promise<PutInboundResult> {
    assertValidConversationId(conversationId);
    assertValidDeliveryId(deliveryId);
    const stored = JSON.parse(serializeInboundPayload(payload)) as JsonObject;
    const result = this.update(conversationId, (control) => {
      pruneTombstones(control, this.now(), this.tombstoneMs);
      return putInbound(control, deliveryId, stored, this.now());
    });
    return structuredClone(result);
  }

  async listInbound(conversationId: string): Promise<InboxItem[]> {
    assertValidConversationId(conversationId);
    return structuredClone(pendingItems(this.controls.get(conversationId)));
  }

  async completeInbound(conversationId: string, deliveryId: string, leaseToken: number): Promise<void> {
    assertValidConversationId(conversationId);
    assertValidDeliveryId(deliveryId);
    this.update(conversationId, (control) =>
      completeInbound(control, conversationId, deliveryId, leaseToken, this.now()),
    );
  }

  /** Applies a transition and keeps the sparse index in step with it. */
  private update<T>(conversationId: string, change: (control: ConversationControl) => T): T {
    const control = this.controls.get(conversationId) ?? emptyControl();
    const result = change(control);
    this.controls.set(conversationId, control);
    if (dueAt(control) === undefined) this.active.delete(conversationId);
    else this.active.add(conversationId);
    return result;
  }

  /** The conversation asked for, or all of them (only those holding `checkpointId` when given). */
  private *logs(conversationId: string | undefined, checkpointId?: string): Iterable<ConversationLog> {
    for (const [id, conversation] of this.conversations) {
      if (conversationId !== undefined && id !== conversationId) continue;
      if (checkpointId !== undefined && !conversation.steps.has(checkpointId)) continue;
      yield this.logOf(id, conversation);
    }
  }

  private logOf(conversationId: string, conversation: MemoryConversation): ConversationLog {
    const records = [...conversation.steps.values()].map((step) => step.record);
    return new ConversationLog(conversationId, conversation.head, records);
  }

  private materialize(log: ConversationLog, step: StepRecord): Promise<WorkflowCheckpoint> {
    const steps = this.conversations.get(log.conversationId)?.steps;
    return materializeCheckpoint(log, step, (link) => {
      const json = steps?.get(link.checkpointId)?.payloadJson;
      const where = `Checkpoint "${link.checkpointId}" of conversation "${log.conversationId}"`;
      if (json === undefined) throw new CheckpointCorruptError(`${where}: its messages were removed.`);
      return parseStepPayload(json, where);
    });
  }
}
