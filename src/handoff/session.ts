/**
 * One conversation's live state: the head, the transcript, and what has not been committed yet.
 * A commit writes only the messages appended since the last one, plus the head.
 */
import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import type { CheckpointStorage, JsonObject, WorkflowCheckpoint } from '../store/checkpoint-storage.js';
import { CheckpointCorruptError } from '../store/checkpoint-storage.js';
import type { HandoffDefinition } from './builder.js';
import { CheckpointIncompatibleError } from './errors.js';
import {
  type HeadState,
  HeadStateSchema,
  newHeadState,
  type TranscriptMessage,
  TranscriptMessageSchema,
} from './state.js';

const nextUlid = monotonicFactory();

export function newId(prefix: string): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}

export class ConversationSession {
  private unsaved: TranscriptMessage[] = [];
  /**
   * True when restored from a checkpoint that is not the conversation's latest: until our first commit, a
   * request pending here may already have been settled on the conversation's newer branch.
   */
  forked = false;
  /** The lease token every commit carries (fencing), while a runner holding the conversation's lease runs it. */
  leaseToken: number | undefined;

  private constructor(
    readonly head: HeadState,
    readonly transcript: TranscriptMessage[],
    /** The checkpoint this state continues from (`null` before the first commit). */
    public checkpointId: string | null,
    /** The conversation version in storage that the next commit must match. */
    public version: number,
  ) {}

  static create(definition: HandoffDefinition, conversationId: string): ConversationSession {
    return new ConversationSession(
      newHeadState(definition.name, conversationId, definition.startAgent),
      [],
      null,
      0,
    );
  }

  static fromCheckpoint(definition: HandoffDefinition, checkpoint: WorkflowCheckpoint): ConversationSession {
    const head = HeadStateSchema.safeParse(checkpoint.state);
    if (!head.success) {
      throw new CheckpointCorruptError(
        `Checkpoint "${checkpoint.checkpointId}" has an invalid state: ${z.prettifyError(head.error)}`,
      );
    }
    const transcript = z.array(TranscriptMessageSchema).safeParse(checkpoint.messages);
    if (!transcript.success) {
      throw new CheckpointCorruptError(
        `Checkpoint "${checkpoint.checkpointId}" has invalid messages: ${z.prettifyError(transcript.error)}`,
      );
    }
    if (head.data.workflowName !== definition.name) {
      throw new CheckpointIncompatibleError(
        `Checkpoint "${checkpoint.checkpointId}" belongs to workflow "${head.data.workflowName}", not "${definition.name}".`,
      );
    }
    const names = new Set([
      head.data.activeAgent,
      ...(head.data.previousAgent ? [head.data.previousAgent] : []),
      ...head.data.pendingRequests.map((r) => r.agentId),
    ]);
    for (const n of names) {
      if (!definition.agents.has(n)) {
        throw new CheckpointIncompatibleError(
          `Checkpoint "${checkpoint.checkpointId}" refers to agent "${n}", which workflow "${definition.name}" does not have.`,
        );
      }
    }
    const session = new ConversationSession(
      head.data,
      transcript.data,
      checkpoint.checkpointId,
      checkpoint.conversationVersion,
    );
    session.forked = checkpoint.version !== checkpoint.conversationVersion;
    return session;
  }

  get conversationId(): string {
    return this.head.conversationId;
  }

  append(message: TranscriptMessage): TranscriptMessage {
    const stored: TranscriptMessage = {
      ...message,
      messageId: message.messageId ?? newId('msg'),
      createdAt: message.createdAt ?? new Date().toISOString(),
    };
    this.transcript.push(stored);
    this.unsaved.push(stored);
    this.head.messageCount = this.transcript.length;
    return stored;
  }

  /** Writes the step (new messages + head). Without storage the state simply lives in memory. */
  async commit(storage: CheckpointStorage | undefined): Promise<void> {
    if (!storage) {
      this.unsaved = [];
      return;
    }
    const checkpointId = newId('ckpt');
    const info = await storage.save({
      conversationId: this.conversationId,
      workflowName: this.head.workflowName,
      checkpointId,
      parentCheckpointId: this.checkpointId,
      expectedVersion: this.version,
      timestamp: new Date().toISOString(),
      messages: this.unsaved as unknown as JsonObject[],
      state: structuredClone(this.head) as unknown as JsonObject,
      ...(this.leaseToken !== undefined ? { leaseToken: this.leaseToken } : {}),
    });
    this.unsaved = [];
    this.checkpointId = info.checkpointId;
    this.version = info.version;
    this.forked = false;
  }
}
