/**
 * One conversation's stored steps read back: which are committed, which are live, and how a checkpoint's
 * parent chain materializes. Every backend loads its records into this and lets it decide, so memory, file
 * and DynamoDB agree on orphans, deletes, ordering and corruption.
 */
import type {
  CheckpointInfo,
  CheckpointQuery,
  CheckpointWrite,
  WorkflowCheckpoint,
} from './checkpoint-storage.js';
import { CheckpointCorruptError } from './checkpoint-storage.js';
import type { StepPayload } from './step-payload.js';
import { AmbiguousCheckpointIdError } from './storage-errors.js';

/** One stored step, without its messages. */
export interface StepRecord extends CheckpointInfo {
  /**
   * The conversation's latest checkpoint when this one was committed (`null` for version 1). Following these
   * links from the head's `latest` visits exactly the committed checkpoints, newest first. A step whose head
   * update never happened (a lost race, a crash between the two writes) is on no such path: an orphan.
   */
  previousCheckpointId: string | null;
  /** Removed by `delete()`: hidden from reads, kept so the commit log stays linked and children keep messages. */
  deleted: boolean;
}

/** The per-conversation head: the optimistic-concurrency version and the checkpoint it made. */
export interface HeadRecord {
  version: number;
  latest: string;
}

export class ConversationLog {
  readonly version: number;
  private readonly head: HeadRecord | undefined;
  /** Every stored step, orphans included: a committed step's parent is looked up here. */
  private readonly stored = new Map<string, StepRecord>();
  /** Committed steps, oldest first: index i holds version i + 1. */
  private readonly committed: StepRecord[];
  private readonly byId = new Map<string, StepRecord>();

  constructor(
    readonly conversationId: string,
    head: HeadRecord | undefined,
    steps: Iterable<StepRecord>,
  ) {
    const stored = this.stored;
    for (const step of steps) stored.set(step.checkpointId, step);
    this.head = head;
    this.version = head?.version ?? 0;

    const newestFirst: StepRecord[] = [];
    let expected = this.version;
    let id = head?.latest ?? null;
    while (id !== null) {
      if (expected < 1) throw this.corrupt(`its commit log continues past version 1 to "${id}"`);
      const step = stored.get(id);
      if (step === undefined) {
        throw this.corrupt(`its commit log names checkpoint "${id}" (version ${expected}), which is missing`);
      }
      if (step.version !== expected) {
        throw this.corrupt(
          `checkpoint "${id}" has version ${step.version}; its place in the log is ${expected}`,
        );
      }
      newestFirst.push(step);
      this.byId.set(id, step);
      id = step.previousCheckpointId;
      expected -= 1;
    }
    if (expected !== 0) throw this.corrupt(`its commit log stops at version ${expected + 1} instead of 1`);
    this.committed = newestFirst.reverse();
  }

  /** A committed checkpoint, deleted or not. */
  committedStep(checkpointId: string): StepRecord | undefined {
    return this.byId.get(checkpointId);
  }

  /** A committed checkpoint that was not deleted: what reads may return. */
  liveStep(checkpointId: string): StepRecord | undefined {
    const step = this.byId.get(checkpointId);
    return step === undefined || step.deleted ? undefined : step;
  }

  /** Live checkpoints, oldest (lowest version) first. */
  liveSteps(workflowName?: string): StepRecord[] {
    return this.committed.filter(
      (step) => !step.deleted && (workflowName === undefined || step.workflowName === workflowName),
    );
  }

  /**
   * Root → `checkpointId` along parent links, each older than its child. A link may be an orphan: a save
   * only checks that its parent exists, and the orphan's messages are what that save continued from.
   */
  chain(checkpointId: string): StepRecord[] {
    const chain: StepRecord[] = [];
    let step = this.byId.get(checkpointId);
    if (step === undefined) throw this.corrupt(`checkpoint "${checkpointId}" is not committed`);
    for (;;) {
      chain.push(step);
      const parentId: string | null = step.parentCheckpointId;
      if (parentId === null) break;
      const parent = this.stored.get(parentId);
      if (parent === undefined || parent.version >= step.version) {
        throw this.corrupt(
          `checkpoint "${step.checkpointId}" continues from "${parentId}", which is ` +
            (parent === undefined ? 'missing' : 'not older than it'),
        );
      }
      step = parent;
    }
    return chain.reverse();
  }

  /** The same log after `delete(checkpointId)`. */
  withDeleted(checkpointId: string): ConversationLog {
    const steps = [...this.stored.values()].map((step) =>
      step.checkpointId === checkpointId ? { ...step, deleted: true } : step,
    );
    return new ConversationLog(this.conversationId, this.head, steps);
  }

  /** Committed checkpoints whose messages no live checkpoint needs any more (deleted, and no live descendant). */
  unneededPayloads(): string[] {
    const needed = this.neededPayloads();
    return this.committed.filter((step) => !needed.has(step.checkpointId)).map((step) => step.checkpointId);
  }

  private neededPayloads(): Set<string> {
    const needed = new Set<string>();
    for (const step of this.committed) {
      if (step.deleted) continue;
      let current: StepRecord | undefined = step;
      while (current !== undefined && !needed.has(current.checkpointId)) {
        needed.add(current.checkpointId);
        current =
          current.parentCheckpointId === null ? undefined : this.stored.get(current.parentCheckpointId);
      }
    }
    return needed;
  }

  private corrupt(detail: string): CheckpointCorruptError {
    return new CheckpointCorruptError(
      `Conversation "${this.conversationId}" is corrupt: ${detail}. It was changed outside Baton or ` +
        'partially removed; delete the conversation (deleteConversation) to start it over.',
    );
  }
}

/** The record a save stores; `previousCheckpointId` is the head's `latest` the save replaced. */
export function newStepRecord(write: CheckpointWrite, previousCheckpointId: string | null): StepRecord {
  return {
    checkpointId: write.checkpointId,
    parentCheckpointId: write.parentCheckpointId,
    conversationId: write.conversationId,
    workflowName: write.workflowName,
    timestamp: write.timestamp,
    version: write.expectedVersion + 1,
    previousCheckpointId,
    deleted: false,
  };
}

export function toCheckpointInfo(step: StepRecord): CheckpointInfo {
  return {
    checkpointId: step.checkpointId,
    parentCheckpointId: step.parentCheckpointId,
    conversationId: step.conversationId,
    workflowName: step.workflowName,
    timestamp: step.timestamp,
    version: step.version,
  };
}

/** Oldest first: by version, then timestamp, then ids, so that `getLatest` is the last of `listCheckpoints`. */
export function compareCheckpoints(a: CheckpointInfo, b: CheckpointInfo): number {
  return (
    a.version - b.version ||
    compareStrings(a.timestamp, b.timestamp) ||
    compareStrings(a.conversationId, b.conversationId) ||
    compareStrings(a.checkpointId, b.checkpointId)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface SelectedCheckpoint {
  log: ConversationLog;
  step: StepRecord;
}

/** Live checkpoints matching the query across several conversations, oldest first. */
export function selectCheckpoints(
  logs: Iterable<ConversationLog>,
  query: CheckpointQuery = {},
): SelectedCheckpoint[] {
  const selected: SelectedCheckpoint[] = [];
  for (const log of logs) {
    if (query.conversationId !== undefined && log.conversationId !== query.conversationId) continue;
    for (const step of log.liveSteps(query.workflowName)) selected.push({ log, step });
  }
  return selected.sort((a, b) => compareCheckpoints(a.step, b.step));
}

/** The one live checkpoint with this id across conversations; several is the caller's ambiguity to resolve. */
export function findLiveCheckpoint(
  logs: Iterable<ConversationLog>,
  checkpointId: string,
): SelectedCheckpoint | undefined {
  const found: SelectedCheckpoint[] = [];
  for (const log of logs) {
    const step = log.liveStep(checkpointId);
    if (step !== undefined) found.push({ log, step });
  }
  if (found.length > 1) {
    throw new AmbiguousCheckpointIdError(
      checkpointId,
      found.map(({ log }) => log.conversationId),
    );
  }
  return found[0];
}

/** Concatenates the chain's messages root → checkpoint; the state is the checkpoint's own. */
export async function materializeCheckpoint(
  log: ConversationLog,
  step: StepRecord,
  readPayload: (step: StepRecord) => StepPayload | Promise<StepPayload>,
): Promise<WorkflowCheckpoint> {
  const payloads = await Promise.all(log.chain(step.checkpointId).map((link) => readPayload(link)));
  // A chain always ends with the checkpoint itself.
  const own = payloads[payloads.length - 1]!;
  return {
    ...toCheckpointInfo(step),
    messages: payloads.flatMap((payload) => payload.messages),
    state: own.state,
    conversationVersion: log.version,
  };
}
