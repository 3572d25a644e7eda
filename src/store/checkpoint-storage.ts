/**
 * The storage contract every checkpoint backend implements (memory, file, DynamoDB).
 *
 * A checkpoint is stored as a *delta*: the messages a step appended plus the small head state after the
 * step, linked to its parent. The bytes a save writes therefore depend on the step's new content, never on
 * the conversation's length. `load` materializes a full checkpoint by walking the parent chain.
 *
 * The store knows only this serialized shape: messages and state are opaque JSON to it.
 */
import { BatonError } from '../errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** What one step writes. */
export interface CheckpointWrite {
  /** The conversation (thread) this checkpoint belongs to, e.g. `slack:T1:C1:1712345678.000100`. */
  conversationId: string;
  workflowName: string;
  /** New, unique id (time-sortable ids are recommended). */
  checkpointId: string;
  /** The checkpoint this one continues from; `null` for the first checkpoint of a conversation. */
  parentCheckpointId: string | null;
  /**
   * The conversation's version the writer last observed (0 for a new conversation). The save succeeds only
   * if it is still current, and then moves the conversation to `expectedVersion + 1`; otherwise it throws
   * {@link ConcurrentUpdateError}. This is per conversation, not per branch: restoring an older checkpoint
   * and continuing from it still needs the conversation's current version.
   */
  expectedVersion: number;
  /** ISO-8601 UTC. */
  timestamp: string;
  /** Messages appended by this step, in order. */
  messages: JsonObject[];
  /** The full (small) head state after this step. */
  state: JsonObject;
  /**
   * The writer's lease token (`Lease.token`). When given, the save succeeds only while it is the
   * conversation's current token (an expired lease nobody took over still is), else it throws
   * `LeaseLostError`: a runner that was overtaken can never overwrite the newer runner's state.
   */
  leaseToken?: number;
}

/** A checkpoint's identity without its content: cheap to list. */
export interface CheckpointInfo {
  checkpointId: string;
  parentCheckpointId: string | null;
  conversationId: string;
  workflowName: string;
  timestamp: string;
  /** The conversation version this checkpoint created. */
  version: number;
}

/** A materialized checkpoint: every message on the chain from the first checkpoint to this one. */
export interface WorkflowCheckpoint extends CheckpointInfo {
  messages: JsonObject[];
  state: JsonObject;
  /** The conversation's current version at read time (what the next save must pass as `expectedVersion`). */
  conversationVersion: number;
}

export interface CheckpointQuery {
  conversationId?: string;
  workflowName?: string;
}

export interface CheckpointStorage {
  /**
   * Appends one step. Throws {@link ConcurrentUpdateError} when `expectedVersion` is stale, and
   * `LeaseLostError` when `leaseToken` is given and no longer current.
   */
  save(write: CheckpointWrite): Promise<CheckpointInfo>;
  /**
   * Loads a materialized checkpoint, or `undefined` if there is none with that id. Backends partitioned by
   * conversation (DynamoDB) need `conversationId`; the others accept it as a filter.
   */
  load(checkpointId: string, conversationId?: string): Promise<WorkflowCheckpoint | undefined>;
  /** The newest checkpoint (by conversation version, then timestamp) matching the query. */
  getLatest(query?: CheckpointQuery): Promise<WorkflowCheckpoint | undefined>;
  /** Checkpoints matching the query, oldest first. */
  listCheckpoints(query?: CheckpointQuery): Promise<CheckpointInfo[]>;
  /** Deletes one checkpoint record; returns whether it existed. Its messages stay if a child still needs them. */
  delete(checkpointId: string, conversationId?: string): Promise<boolean>;
  /** Deletes everything stored for a conversation. */
  deleteConversation(conversationId: string): Promise<void>;
}

/** A save lost a race: another writer moved the conversation first. Reload and retry the turn. */
export class ConcurrentUpdateError extends BatonError {
  readonly code = 'BATON_CONCURRENT_UPDATE';
  override readonly name = 'ConcurrentUpdateError';
  constructor(
    readonly conversationId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | undefined,
  ) {
    super(
      `Conversation "${conversationId}" was updated concurrently: expected version ${expectedVersion}, ` +
        `found ${actualVersion ?? 'none'}. Reload the conversation and retry the turn.`,
    );
  }
}

/** A stored checkpoint could not be read back (corrupt, foreign or from an unknown schema). */
export class CheckpointCorruptError extends BatonError {
  readonly code = 'BATON_CHECKPOINT_CORRUPT';
  override readonly name = 'CheckpointCorruptError';
}
