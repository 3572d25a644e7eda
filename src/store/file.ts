/**
 * A checkpoint store on the local filesystem: one folder per conversation, one JSON file per step, a small head
 * file per conversation, plus the conversation's lease and inbox (file-control.ts). For local development and
 * single-host deployments, where several processes may share one folder; see `file-lock.ts` for what the
 * locking guarantees across processes.
 */
import { randomUUID } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertValidCheckpointId } from './checkpoint-id.js';
import type { StepRecord } from './checkpoint-log.js';
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
import {
  acquireLease,
  assertCurrentToken,
  completeInbound,
  pendingItems,
  putInbound,
  releaseLease,
  renewLease,
} from './conversation-control.js';
import { FileControls } from './file-control.js';
import { FileLocks } from './file-lock.js';
import type { HeadFile, StepFile } from './file-records.js';
import {
  conversationFolderName,
  exists,
  HEAD_FILE,
  headFile,
  isConversationFolderName,
  LOCK_FILE,
  listFolder,
  prepareJsonFile,
  readHeadFile,
  readStepFile,
  stepFile,
  stepFileName,
  stepIdOfFileName,
  stepRecordOf,
  writeJsonFileAtomic,
} from './file-records.js';
import type { InboxItem, PutInboundResult, TurnInbox } from './inbox.js';
import { assertValidDeliveryId, DEFAULT_INBOX_TOMBSTONE_SECONDS, serializeInboundPayload } from './inbox.js';
import type { AcquireLeaseOptions, Lease, LeaseStore, ListInterruptedOptions } from './lease.js';
import {
  assertValidLease,
  assertValidLeaseOwner,
  assertValidLeaseTtl,
  assertValidListLimit,
} from './lease.js';
import { DuplicateCheckpointIdError } from './storage-errors.js';
import {
  assertUsableParent,
  assertValidConversationId,
  validateCheckpointWrite,
} from './write-validation.js';

export interface FileCheckpointStorageOptions {
  /** The folder holding all conversations; created on first save. */
  storagePath: string;
  /** How long a write waits for another process writing the same conversation (default 15 s). */
  lockTimeoutMs?: number;
  /**
   * A lock file whose owner cannot be checked (another host on a network mount) is removed once older than
   * this (default 10 s; writes hold the lock for milliseconds). A lock of a dead process on this host is
   * removed at once, and one of a live process never. Keep it below lockTimeoutMs.
   */
  staleLockMs?: number;
  /** Milliseconds since the epoch, for leases and the inbox; injectable for tests. */
  now?: () => number;
  /** How long finished inbox deliveries are remembered for dedupe (default 24 h). */
  inboxTombstoneSeconds?: number;
}

/** Files read at once while loading a conversation: enough for speed, well below open-file limits. */
const READ_CONCURRENCY = 64;

interface LoadedConversation {
  log: ConversationLog;
  files: Map<string, StepFile>;
}

export class FileCheckpointStorage implements CheckpointStorage, LeaseStore, TurnInbox {
  readonly storagePath: string;
  private readonly locks: FileLocks;
  private readonly controls: FileControls;
  private readonly now: () => number;

  constructor(options: FileCheckpointStorageOptions) {
    if (typeof options?.storagePath !== 'string' || options.storagePath.length === 0) {
      throw new TypeError('FileCheckpointStorage needs { storagePath }: the folder to keep checkpoints in.');
    }
    this.storagePath = resolve(options.storagePath);
    this.locks = new FileLocks({
      lockTimeoutMs: options.lockTimeoutMs ?? 15_000,
      staleLockMs: options.staleLockMs ?? 10_000,
    });
    this.now = options.now ?? Date.now;
    this.controls = new FileControls({
      storagePath: this.storagePath,
      locks: this.locks,
      now: this.now,
      tombstoneMs: (options.inboxTombstoneSeconds ?? DEFAULT_INBOX_TOMBSTONE_SECONDS) * 1000,
    });
  }

  async save(write: CheckpointWrite): Promise<CheckpointInfo> {
    validateCheckpointWrite(write);
    const folder = this.folderOf(write.conversationId);
    return this.locks.withLock(join(folder, LOCK_FILE), async () => {
      // Fencing first: an overtaken runner must learn it lost the lease, not retry on a version conflict.
      const control = await this.controls.read(write.conversationId);
      assertCurrentToken(control, write.conversationId, write.leaseToken);
      const head = await this.readHead(folder, write.conversationId);
      if ((head?.version ?? 0) !== write.expectedVersion) {
        throw new ConcurrentUpdateError(write.conversationId, write.expectedVersion, head?.version);
      }
      if (await exists(join(folder, stepFileName(write.checkpointId)))) {
        throw new DuplicateCheckpointIdError(write.conversationId, write.checkpointId);
      }
      if (write.parentCheckpointId !== null) {
        const parent = await readStepFile(join(folder, stepFileName(write.parentCheckpointId)));
        assertUsableParent(write, parent && stepRecordOf(parent));
      }

      const record = newStepRecord(write, head?.latest ?? null);
      const payload = { messages: write.messages, state: write.state };
      // The step first, then the head that commits it: a crash in between leaves an orphan step, ignored.
      const stepPath = join(folder, stepFileName(record.checkpointId));
      await writeJsonFileAtomic(stepPath, stepFile(record, payload));
      const newHead = { version: record.version, latest: record.checkpointId };
      const prepared = await prepareJsonFile(
        join(folder, HEAD_FILE),
        headFile(write.conversationId, newHead, write.timestamp),
      );
      // Compare-and-set: the lock keeps writers apart, but if this holder stalled and was overtaken anyway
      // (an owner on another host is judged by age), the head or the lease moved on: never overwrite them.
      // The head is written and flushed already, so only a rename follows the check.
      const [headNow, controlNow] = await Promise.all([
        this.readHead(folder, write.conversationId),
        this.controls.read(write.conversationId),
      ]);
      try {
        if (headNow?.version !== head?.version || headNow?.latest !== head?.latest) {
          throw new ConcurrentUpdateError(write.conversationId, write.expectedVersion, headNow?.version);
        }
        assertCurrentToken(controlNow, write.conversationId, write.leaseToken);
      } catch (error) {
        await prepared.abort();
        await rm(stepPath, { force: true });
        throw error;
      }
      await prepared.commit();
      return toCheckpointInfo(record);
    });
  }

  async load(checkpointId: string, conversationId?: string): Promise<WorkflowCheckpoint | undefined> {
    assertValidCheckpointId(checkpointId);
    const conversations = await this.loadConversations(conversationId, checkpointId);
    const found = findLiveCheckpoint(
      conversations.map(({ log }) => log),
      checkpointId,
    );
    return found && this.materialize(conversations, found.log, found.step);
  }

  async getLatest(query: CheckpointQuery = {}): Promise<WorkflowCheckpoint | undefined> {
    const conversations = await this.loadConversations(query.conversationId);
    const latest = selectCheckpoints(
      conversations.map(({ log }) => log),
      query,
    ).at(-1);
    return latest && this.materialize(conversations, latest.log, latest.step);
  }

  async listCheckpoints(query: CheckpointQuery = {}): Promise<CheckpointInfo[]> {
    const conversations = await this.loadConversations(query.conversationId);
    return selectCheckpoints(
      conversations.map(({ log }) => log),
      query,
    ).map(({ step }) => toCheckpointInfo(step));
  }

  async delete(checkpointId: string, conversationId?: string): Promise<boolean> {
    assertValidCheckpointId(checkpointId);
    const candidates = await this.loadConversations(conversationId, checkpointId);
    const found = findLiveCheckpoint(
      candidates.map(({ log }) => log),
      checkpointId,
    );
    if (found === undefined) return false;
    const owner = found.log.conversationId;
    const folder = this.folderOf(owner);
    return this.locks.withLock(join(folder, LOCK_FILE), async () => {
      // Re-read under the lock: what we saw may have changed.
      const loaded = await this.loadConversation(folder, owner);
      const target = loaded?.log.liveStep(checkpointId);
      if (loaded === undefined || target === undefined) return false;
      const after = loaded.log.withDeleted(checkpointId);
      const tombstone = after.committedStep(checkpointId)!;
      await writeJsonFileAtomic(
        join(folder, stepFileName(checkpointId)),
        stepFile(tombstone, loaded.files.get(checkpointId)?.payload ?? null),
      );
      // Drop the messages nobody can load any more: this one's, and deleted ancestors' it was the last user of.
      for (const id of after.unneededPayloads()) {
        const record = after.committedStep(id);
        if (record === undefined || loaded.files.get(id)?.payload == null) continue;
        await writeJsonFileAtomic(join(folder, stepFileName(id)), stepFile(record, null));
      }
      return true;
    });
  }

  async deleteConversation(conversationId: string): Promise<void> {
    assertValidConversationId(conversationId);
    const folder = this.folderOf(conversationId);
    if (!(await exists(folder))) return;
    // A name starting with "." is never read as a conversation.
    const trash = join(this.storagePath, `.deleted-${randomUUID()}`);
    // One rename makes the whole conversation disappear at once; the slow removal happens after the lock is
    // released, so the lock file's inode cannot be reused while the lock still compares it.
    await this.locks.withLock(join(folder, LOCK_FILE), async () => {
      await rename(folder, trash);
      await this.controls.removeEntry(conversationId);
    });
    await rm(trash, { recursive: true, force: true });
  }

  async acquireLease(conversationId: string, options: AcquireLeaseOptions): Promise<Lease | undefined> {
    assertValidConversationId(conversationId);
    assertValidLeaseOwner(options?.owner);
    assertValidLeaseTtl(options.ttlMs);
    return this.controls.update(conversationId, (control) =>
      acquireLease(control, conversationId, options.owner, options.ttlMs, this.now()),
    );
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    assertValidLease(lease);
    assertValidLeaseTtl(ttlMs);
    assertValidConversationId(lease.conversationId);
    return this.controls.update(lease.conversationId, (control) =>
      renewLease(control, lease, ttlMs, this.now()),
    );
  }

  async releaseLease(lease: Lease): Promise<void> {
    assertValidLease(lease);
    assertValidConversationId(lease.conversationId);
    await this.controls.update(lease.conversationId, (control) => releaseLease(control, lease));
  }

  /** Reads the `.interrupted` index folder: one entry per conversation with a lease out or items waiting. */
  async listInterrupted(options: ListInterruptedOptions = {}): Promise<string[]> {
    assertValidListLimit(options);
    return this.controls.listInterrupted(options.limit);
  }

  async putInbound(
    conversationId: string,
    deliveryId: string,
    payload: JsonObject,
  ): Promise<PutInboundResult> {
    assertValidConversationId(conversationId);
    assertValidDeliveryId(deliveryId);
    const stored = JSON.parse(serializeInboundPayload(payload)) as JsonObject;
    return this.controls.update(conversationId, (control) =>
      putInbound(control, deliveryId, stored, this.now()),
    );
  }

  async listInbound(conversationId: string): Promise<InboxItem[]> {
    assertValidConversationId(conversationId);
    return pendingItems(await this.controls.read(conversationId));
  }

  async completeInbound(conversationId: string, deliveryId: string, leaseToken: number): Promise<void> {
    assertValidConversationId(conversationId);
    assertValidDeliveryId(deliveryId);
    await this.controls.update(conversationId, (control) =>
      completeInbound(control, conversationId, deliveryId, leaseToken, this.now()),
    );
  }

  private folderOf(conversationId: string): string {
    return join(this.storagePath, conversationFolderName(conversationId));
  }

  private async readHead(folder: string, conversationId: string): Promise<HeadFile | undefined> {
    const head = await readHeadFile(join(folder, HEAD_FILE));
    if (head !== undefined && head.conversationId !== conversationId) {
      throw new CheckpointCorruptError(
        `The folder ${folder} holds conversation "${head.conversationId}", not "${conversationId}". ` +
          'Move it away; it was not written by this storage for this conversation.',
      );
    }
    return head;
  }

  /** The conversation asked for, or every conversation (only those with `checkpointId`'s file when given). */
  private async loadConversations(
    conversationId: string | undefined,
    checkpointId?: string,
  ): Promise<LoadedConversation[]> {
    if (conversationId !== undefined) {
      assertValidConversationId(conversationId);
      const loaded = await this.loadConversation(this.folderOf(conversationId), conversationId);
      return loaded ? [loaded] : [];
    }
    const loaded: LoadedConversation[] = [];
    for (const name of await listFolder(this.storagePath)) {
      if (!isConversationFolderName(name)) continue;
      const folder = join(this.storagePath, name);
      if (checkpointId !== undefined && !(await exists(join(folder, stepFileName(checkpointId))))) continue;
      const head = await readHeadFile(join(folder, HEAD_FILE));
      if (head === undefined) continue;
      const conversation = await this.loadConversation(folder, head.conversationId);
      if (conversation) loaded.push(conversation);
    }
    return loaded;
  }

  /** Reads the head and every step file; `undefined` when the conversation has no committed checkpoint. */
  private async loadConversation(
    folder: string,
    conversationId: string,
  ): Promise<LoadedConversation | undefined> {
    const head = await this.readHead(folder, conversationId);
    if (head === undefined) return undefined;
    const ids = (await listFolder(folder)).flatMap((name) => stepIdOfFileName(name) ?? []);
    const files = new Map<string, StepFile>();
    for (let start = 0; start < ids.length; start += READ_CONCURRENCY) {
      const batch = ids.slice(start, start + READ_CONCURRENCY);
      const read = await Promise.all(batch.map((id) => readStepFile(join(folder, stepFileName(id)))));
      read.forEach((file, index) => {
        const id = batch[index]!;
        // Vanished between listing and reading: deleted concurrently, which only removes orphans.
        if (file === undefined) return;
        if (file.checkpointId !== id || file.conversationId !== conversationId) {
          throw new CheckpointCorruptError(
            `The checkpoint file ${join(folder, stepFileName(id))} belongs to checkpoint "${file.checkpointId}" ` +
              `of conversation "${file.conversationId}": it was copied or renamed by hand. Move it away.`,
          );
        }
        files.set(id, file);
      });
    }
    const log = new ConversationLog(conversationId, head, [...files.values()].map(stepRecordOf));
    return { log, files };
  }

  private materialize(
    conversations: LoadedConversation[],
    log: ConversationLog,
    step: StepRecord,
  ): Promise<WorkflowCheckpoint> {
    const files = conversations.find((conversation) => conversation.log === log)?.files;
    return materializeCheckpoint(log, step, (link) => {
      const payload = files?.get(link.checkpointId)?.payload;
      if (payload == null) {
        throw new CheckpointCorruptError(
          `Checkpoint "${link.checkpointId}" of conversation "${log.conversationId}": its messages were removed.`,
        );
      }
      return payload;
    });
  }
}
