/** A checkpoint store in process memory, for tests and the playground: everything is gone on exit. */
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
  WorkflowCheckpoint,
} from './checkpoint-storage.js';
import { CheckpointCorruptError, ConcurrentUpdateError } from './checkpoint-storage.js';
import { parseStepPayload, serializeStepPayload } from './step-payload.js';
import { DuplicateCheckpointIdError } from './storage-errors.js';
import { assertUsableParent, validateCheckpointWrite } from './write-validation.js';

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

export class InMemoryCheckpointStorage implements CheckpointStorage {
  private readonly conversations = new Map<string, MemoryConversation>();

  async save(write: CheckpointWrite): Promise<CheckpointInfo> {
    validateCheckpointWrite(write);
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
